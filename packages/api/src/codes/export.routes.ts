import { type CsvExport, csvLine, exportBookCodes, exportBookRedemptions, isDomainError, type ServiceContext } from '@coupons/core';
import { type Express, type Request, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { type ContextDeps, createRequestContext } from '../server/context.ts';

/** The CSV download paths, next to `/graphql`. */
export const EXPORT_PATHS = {
  codes: '/export/books/:bookId/codes.csv',
  redemptions: '/export/books/:bookId/redemptions.csv',
} as const;

const HTTP_STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400 };

/**
 * Mounts the CSV exports on the API's express app:
 * `GET /export/books/:bookId/codes.csv` and `GET /export/books/:bookId/redemptions.csv`.
 * Authorized like the API (an `Authorization: Bearer <token>` header of an ADMIN; never a token
 * in the URL); errors come back as a GraphQL-shaped JSON body with the contract's code and a
 * matching HTTP status. Rows are streamed page by page with back-pressure, so a million-row
 * book costs constant memory, and a client that goes away stops the queries.
 */
export function mountExportRoutes(app: Express, deps: ContextDeps, logger?: Logger): void {
  const router = Router();
  router.get(EXPORT_PATHS.codes, csvHandler(deps, exportBookCodes, logger));
  router.get(EXPORT_PATHS.redemptions, csvHandler(deps, exportBookRedemptions, logger));
  app.use(router);
}

type Exporter = (ctx: ServiceContext, bookId: string) => Promise<CsvExport>;

function csvHandler(deps: ContextDeps, exporter: Exporter, logger?: Logger) {
  return async (req: Request, res: Response) => {
    const context = createRequestContext(deps, {
      authorization: req.headers.authorization,
      ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      requestId: req.header('x-request-id'),
    });
    res.setHeader('x-request-id', context.requestId);
    let csv: CsvExport;
    try {
      if (context.authError) throw context.authError;
      csv = await exporter(context.service, String(req.params.bookId));
    } catch (error) {
      return sendError(res, error, logger);
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
      logger?.error({ err: error, requestId: context.requestId }, 'CSV export failed mid-stream');
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

function sendError(res: Response, error: unknown, logger?: Logger): void {
  if (isDomainError(error) && HTTP_STATUS[error.code]) {
    res.status(HTTP_STATUS[error.code]).json({ errors: [{ message: error.message, extensions: { ...error.details, code: error.code } }] });
    return;
  }
  logger?.error({ err: error }, 'CSV export failed');
  res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
}
