import { type CsvExport, csvLine, exportBookCodes, exportBookRedemptions, isDatabaseUnavailable, type ServiceContext } from '@coupons/core';
import { type Express, type Request, type Response, Router } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import type { RequestContext } from '../shared/request-context.ts';

/** The CSV download paths, next to `/graphql`. */
export const EXPORT_PATHS = {
  codes: '/export/books/:bookId/codes.csv',
  redemptions: '/export/books/:bookId/redemptions.csv',
} as const;

/**
 * What the routes take from the server (server/csv-exports.ts wires them), so that this feature
 * folder does not import the server's.
 */
export interface ExportRouteDeps {
  /** The request's context, built as for `/graphql` (caller from the Authorization header). */
  contextOf(req: Request): Promise<RequestContext>;
  /** The API's answer to an error a route threw (server/errors.ts `routeErrorResponse`). */
  answerError(error: unknown, request: { requestId: string; operation: string }): ExportErrorAnswer;
  logger: Logger;
}

/** An error answer: status, headers and a GraphQL-shaped JSON body. */
export interface ExportErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: { errors: GraphQLFormattedError[] };
}

/**
 * Mounts the CSV exports on the API's express app:
 * `GET /export/books/:bookId/codes.csv` and `GET /export/books/:bookId/redemptions.csv`.
 * Authorized like the API (an `Authorization: Bearer <token>` header of an ADMIN; never a token
 * in the URL); errors are answered by the API's one error map (server/errors.ts): a GraphQL-shaped
 * JSON body with the contract's code and the status of `ERROR_ANSWERS` (404 NOT_FOUND, 503 with
 * `Retry-After` while the database is away …), unexpected errors masked and logged. Rows are
 * streamed page by page with back-pressure, so a million-row book costs constant memory, and a
 * client that goes away stops the queries.
 */
export function mountExportRoutes(app: Express, deps: ExportRouteDeps): void {
  const router = Router();
  router.get(EXPORT_PATHS.codes, csvHandler(deps, exportBookCodes));
  router.get(EXPORT_PATHS.redemptions, csvHandler(deps, exportBookRedemptions));
  app.use(router);
}

type Exporter = (ctx: ServiceContext, bookId: string) => Promise<CsvExport>;

function csvHandler({ contextOf, answerError, logger }: ExportRouteDeps, exporter: Exporter) {
  return async (req: Request, res: Response) => {
    const context = await contextOf(req);
    res.setHeader('x-request-id', context.requestId);
    let csv: CsvExport;
    try {
      if (context.authError) throw context.authError;
      csv = await exporter(context.service, String(req.params.bookId));
    } catch (error) {
      const answer = answerError(error, { requestId: context.requestId, operation: `GET ${req.route?.path ?? req.path}` });
      res.status(answer.status).set(answer.headers).json(answer.body);
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${csv.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      await streamCsv(req, res, csv);
    } catch (error) {
      // Headers are gone: all we can do is cut the download short, so the client sees it failed.
      // A database that went away is an outage (warn), anything else a bug (error).
      const level = isDatabaseUnavailable(error) ? 'warn' : 'error';
      logger[level]({ err: error, requestId: context.requestId }, 'CSV export failed mid-stream');
      res.destroy(error as Error);
    }
  };
}

async function streamCsv(req: Request, res: Response, csv: CsvExport): Promise<void> {
  let gone = false;
  req.on('close', () => {
    gone = !res.writableFinished;
  });
  res.write(csvLine(csv.header));
  for await (const page of csv.rows) {
    if (gone || res.destroyed) {
      await csv.rows.return(undefined);
      return;
    }
    if (!res.write(page.map(csvLine).join(''))) await drainedOrClosed(res);
  }
  res.end();
}

/** Back-pressure: wait until the socket takes more, or until the client is gone. */
function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
