import {
  type CodeJobProgress,
  type CodeLineIssue,
  csvLine,
  getImportReport,
  type ImportReport,
  importCodes,
  importIssuePages,
  isDatabaseUnavailable,
} from '@coupons/core';
import { PassThrough } from 'node:stream';
import { type Express, type Request, type Response, Router } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import type { RequestContext } from '../shared/request-context.ts';

/** The streamed import and its report, next to `/graphql` and the exports. */
export const IMPORT_PATHS = {
  codes: '/import/books/:bookId/codes',
  report: '/import/jobs/:jobId/report',
  reportCsv: '/import/jobs/:jobId/report.csv',
} as const;

/** What the routes take from the server (server/csv-exports.ts wires them, as for the exports). */
export interface ImportRouteDeps {
  /** The request's context, built as for `/graphql` (caller from the Authorization header only). */
  contextOf(req: Request): Promise<RequestContext>;
  /** The API's answer to an error (server/errors.ts `routeErrorResponse`). */
  answerError(error: unknown, request: { requestId: string; operation: string }): {
    status: number;
    headers: Record<string, string>;
    body: { errors: GraphQLFormattedError[] };
  };
  logger: Logger;
}

/**
 * Body types an import accepts: the file as it is. A form post (`multipart/form-data`,
 * `application/x-www-form-urlencoded`) is refused, so the route can never be driven by a
 * cross-site form; it also needs `Authorization: Bearer` (a header no form can send and the
 * console's CORS allows only for its origins), the same CSRF stance as the CSV exports.
 */
const ACCEPTED_TYPES = new Set(['text/csv', 'text/plain', 'application/octet-stream']);

/**
 * Mounts the streamed import (ADMIN Bearer token):
 * - `POST /import/books/:bookId/codes` with the CSV file as the raw body (`curl --data-binary @codes.csv`
 *   or `-T codes.csv`): streamed into the book in constant memory, all or nothing
 *   (`importCodes`). Answers the report when the import ended (200: `status` COMPLETED or
 *   CANCELLED), or with `?wait=false` as soon as the whole file has arrived (202: the job, whose
 *   progress `codeJob(jobId)` follows, and which `cancelCodeJob` can stop).
 * - `GET /import/jobs/:jobId/report`: the report as JSON (lists cut at 10,000 lines each, counts exact).
 * - `GET /import/jobs/:jobId/report.csv`: every line not inserted (`line,code,reason`), streamed.
 * Errors are answered by the API's one error map, as the exports' are.
 */
export function mountImportRoutes(app: Express, deps: ImportRouteDeps): void {
  const router = Router();
  router.post(IMPORT_PATHS.codes, importHandler(deps));
  router.get(IMPORT_PATHS.report, route(deps, async (context, req, res) => {
    const report = await getImportReport(context.service, String(req.params.jobId));
    res.status(200).set('Cache-Control', 'no-store').json(reportBody(report));
  }));
  router.get(IMPORT_PATHS.reportCsv, route(deps, async (context, req, res) => {
    const { job, pages } = await importIssuePages(context.service, String(req.params.jobId));
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="import-${job.jobId}-report.csv"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    await streamIssues(req, res, pages, deps.logger, context.requestId);
  }));
  app.use(router);
}

type Handler = (context: RequestContext, req: Request, res: Response) => Promise<void>;

/** Builds the context, refuses a bad token, answers any error before the first byte through the error map. */
function route({ contextOf, answerError }: ImportRouteDeps, handler: Handler) {
  return async (req: Request, res: Response) => {
    const context = await contextOf(req);
    res.setHeader('x-request-id', context.requestId);
    try {
      if (context.authError) throw context.authError;
      await handler(context, req, res);
    } catch (error) {
      if (res.headersSent) {
        res.destroy(error as Error);
        return;
      }
      const answer = answerError(error, { requestId: context.requestId, operation: `${req.method} ${req.route?.path ?? req.path}` });
      // A body we did not read (a refused import): close the connection rather than read it all.
      if (!req.readableEnded) res.setHeader('Connection', 'close');
      res.status(answer.status).set(answer.headers).json(answer.body);
    }
  };
}

/** Charsets whose bytes are UTF-8 (ASCII is a subset). */
const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

function importHandler(deps: ImportRouteDeps) {
  return route(deps, async (context, req, res) => {
    const refuse = (message: string) => {
      res.setHeader('Connection', 'close');
      res.status(415).json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT', field: 'file' } }] });
    };
    const contentType = req.headers['content-type'] ?? 'application/octet-stream';
    const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!ACCEPTED_TYPES.has(type)) return refuse('Send the CSV file as the request body (Content-Type: text/csv), not as a form');
    // The body is read as it comes, byte for byte: a compressed or UTF-16 file would be taken for
    // malformed or invalid lines. Refused with what to send instead.
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity') return refuse(`Send the CSV file uncompressed: Content-Encoding ${encoding} is not read here`);
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]?.toLowerCase();
    if (charset && !UTF8_CHARSETS.has(charset)) return refuse(`Send the CSV file in UTF-8: charset ${charset} is not read here`);
    const wait = req.query.wait !== 'false';
    const run = await importCodes(context.service, String(req.params.bookId), bodyOf(req), {
      heartbeatIntervalMs: context.config.CODE_JOB_HEARTBEAT_INTERVAL_MS,
    });
    res.setHeader('x-code-job-id', run.jobId);
    if (!wait) {
      const staged = await run.staged;
      res.status(202).json({ ...jobBody(staged), reportCsv: reportCsvPath(run.jobId) });
      return;
    }
    await run.finished;
    res.status(200).json(reportBody(await getImportReport(context.service, run.jobId)));
  });
}

/**
 * The request body as a stream the import may destroy when it fails (a malformed line, a cancel)
 * without destroying the request's socket, so the error can still be answered (with
 * `Connection: close`, the rest of the body unread). A client that goes away mid-file ends it
 * with an error, so the import rolls back instead of waiting for more.
 */
function bodyOf(req: Request): PassThrough {
  const body = new PassThrough();
  req.pipe(body);
  req.on('error', (error) => body.destroy(error));
  req.on('close', () => {
    if (!req.complete) body.destroy(Object.assign(new Error('the client closed the upload'), { code: 'ECONNRESET' }));
  });
  return body;
}

function jobBody(job: CodeJobProgress) {
  return {
    jobId: job.jobId,
    status: job.status,
    total: job.total,
    inserted: job.inserted,
    duplicateCount: job.duplicates,
    invalidCount: job.invalid,
    error: job.error,
  };
}

function reportBody(report: ImportReport) {
  return { ...jobBody(report.job), duplicates: report.duplicates, invalid: report.invalid, reportCsv: reportCsvPath(report.job.jobId) };
}

function reportCsvPath(jobId: string): string {
  return IMPORT_PATHS.reportCsv.replace(':jobId', jobId);
}

async function streamIssues(req: Request, res: Response, pages: AsyncGenerator<CodeLineIssue[]>, logger: Logger, requestId: string): Promise<void> {
  let gone = false;
  req.on('close', () => {
    gone = !res.writableFinished;
  });
  res.write(csvLine(['line', 'code', 'reason']));
  try {
    for await (const page of pages) {
      if (gone || res.destroyed) {
        await pages.return(undefined);
        return;
      }
      const text = page.map((issue) => csvLine([issue.line, issue.code, issue.reason])).join('');
      if (!res.write(text)) await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
    res.end();
  } catch (error) {
    logger[isDatabaseUnavailable(error) ? 'warn' : 'error']({ err: error, requestId }, 'Import report CSV failed mid-stream');
    res.destroy(error as Error);
  }
}
