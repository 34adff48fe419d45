import { pipeline } from 'node:stream';
import {
  badInput,
  type CsvExport,
  DomainError,
  type CsvExportOptions,
  ExportTimeLimitError,
  exportBookCodes,
  exportBookRedemptions,
  isDatabaseUnavailable,
  requireAdmin,
  type ServiceContext,
} from '@coupons/core';
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
  /** How long one export may run (default: core's EXPORT_TIME_LIMIT_MS). */
  exportOptions?: CsvExportOptions;
  /** Exports (both routes together) streaming at once in this process (`EXPORT_MAX_CONCURRENT`); past it, RATE_LIMITED. */
  maxConcurrent: number;
}

/** What a refused export's `Retry-After` asks for: about the time a million-row export takes here. */
export const EXPORT_RETRY_AFTER_SECONDS = 2;

/** An error answer: status, headers and a GraphQL-shaped JSON body. */
export interface ExportErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: { errors: GraphQLFormattedError[] };
}

/**
 * Mounts the CSV exports on the API's express app:
 * `GET /export/books/:bookId/codes.csv` and `GET /export/books/:bookId/redemptions.csv`, each
 * narrowed by query parameters (the filters of the `coupons` search and of the `redemptions`
 * list: `?state=REDEEMED&assignedAfter=2026-01-01T00:00:00Z`, `?email=…&reversed=false`).
 * Authorized like the API (an `Authorization: Bearer <token>` header of an ADMIN; never a token
 * in the URL); errors are answered by the API's one error map (server/errors.ts): a GraphQL-shaped
 * JSON body with the contract's code and the status of `ERROR_ANSWERS` (404 NOT_FOUND, 400
 * BAD_USER_INPUT for a bad or unknown filter, 503 with `Retry-After` while the database is away
 * …), unexpected errors masked and logged. The bytes come from PostgreSQL's COPY and are piped to
 * the socket with back-pressure (constant memory); a client that goes away ends the statement.
 * At most `deps.maxConcurrent` exports stream at once; one more is RATE_LIMITED (429, Retry-After).
 */
export function mountExportRoutes(app: Express, deps: ExportRouteDeps): void {
  const router = Router();
  const slots = exportSlots(deps.maxConcurrent);
  // The caller is checked before the query is read: a caller who may not export hears 401/403,
  // whatever the parameters (a `?token=` is never looked at).
  router.get(
    EXPORT_PATHS.codes,
    csvHandler(deps, slots, (ctx, bookId, query) => exportBookCodes(ctx, bookId, codeFilters(query), deps.exportOptions)),
  );
  router.get(
    EXPORT_PATHS.redemptions,
    csvHandler(deps, slots, (ctx, bookId, query) => exportBookRedemptions(ctx, bookId, redemptionFilters(query), deps.exportOptions)),
  );
  app.use(router);
}

/** Slots of the running exports; `take` gives a release (idempotent) or null when all are taken. */
interface ExportSlots {
  take(): (() => void) | null;
}

/**
 * At most `max` exports stream at once in this process. Each holds a pooled database connection
 * and a snapshot for as long as its client reads (up to the export time limit): without a cap, a
 * handful of slow downloads would take the connections every other request needs. One more is
 * refused at once (RATE_LIMITED, HTTP 429 with Retry-After) rather than queued: a queued export
 * would still hold its HTTP request open, and a client can retry or pace itself. The count is
 * taken and given back on the event loop (no await in between), so racing requests never exceed it.
 */
function exportSlots(max: number): ExportSlots {
  let running = 0;
  return {
    take() {
      if (running >= max) return null;
      running += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        running -= 1;
      };
    },
  };
}

type Query = Request['query'];
type Exporter = (ctx: ServiceContext, bookId: string, query: Query) => Promise<CsvExport>;

const CODE_TEXT_FILTERS = ['state', 'userId', 'email', 'customerId', 'codePrefix'] as const;
const REDEMPTION_TEXT_FILTERS = ['userId', 'email', 'customerId', 'orderId', 'code', 'codePrefix'] as const;

/** `?state=…&assignedAfter=…` as the codes export's filters (validated by the service). */
function codeFilters(query: Query) {
  const filters = textFilters(query, CODE_TEXT_FILTERS, ['assignedAfter', 'assignedBefore']);
  return {
    ...filters,
    state: filters.state as never,
    assignedAfter: dateFilter(query, 'assignedAfter'),
    assignedBefore: dateFilter(query, 'assignedBefore'),
  };
}

/** `?redeemedAfter=…&reversed=false…` as the redemptions export's filters. */
function redemptionFilters(query: Query) {
  const filters = textFilters(query, REDEMPTION_TEXT_FILTERS, ['redeemedAfter', 'redeemedBefore', 'reversed']);
  const reversed = filters.reversed;
  if (reversed !== undefined && reversed !== 'true' && reversed !== 'false') throw badInput('reversed', 'must be true or false');
  return {
    ...filters,
    reversed: reversed === undefined ? undefined : reversed === 'true',
    redeemedAfter: dateFilter(query, 'redeemedAfter'),
    redeemedBefore: dateFilter(query, 'redeemedBefore'),
  };
}

/** The query's parameters, each given once; an unknown one is BAD_USER_INPUT (a typo must not export everything). */
function textFilters<T extends string, D extends string>(query: Query, names: readonly T[], others: readonly D[]): Partial<Record<T | D, string>> {
  const known = new Set<string>([...names, ...others]);
  const filters: Partial<Record<string, string>> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!known.has(name)) throw badInput(name, 'is not a filter of this export');
    if (typeof value !== 'string') throw badInput(name, 'must be given once');
    filters[name] = value;
  }
  return filters;
}

/** An ISO 8601 date-time parameter (an unparsable one is BAD_USER_INPUT through the service's check). */
function dateFilter(query: Query, name: string): Date | undefined {
  const value = query[name];
  return typeof value === 'string' ? new Date(value) : undefined;
}

function csvHandler({ contextOf, answerError, logger }: ExportRouteDeps, slots: ExportSlots, exporter: Exporter) {
  return async (req: Request, res: Response) => {
    const context = await contextOf(req);
    res.setHeader('x-request-id', context.requestId);
    let csv: CsvExport;
    let release: (() => void) | null = null;
    try {
      if (context.authError) throw context.authError;
      requireAdmin(context.service);
      release = slots.take();
      if (!release) {
        throw new DomainError('RATE_LIMITED', `Too many CSV exports are running; try again in ${EXPORT_RETRY_AFTER_SECONDS} s`, {
          retryAfterSeconds: EXPORT_RETRY_AFTER_SECONDS,
        });
      }
      csv = await exporter(context.service, String(req.params.bookId), req.query);
    } catch (error) {
      release?.();
      const answer = answerError(error, { requestId: context.requestId, operation: `GET ${req.route?.path ?? req.path}` });
      res.status(answer.status).set(answer.headers).json(answer.body);
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${csv.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Back-pressure from the socket to PostgreSQL; a client that goes away destroys the stream,
    // which closes the export's connection and so ends its statement.
    const done = release;
    pipeline(csv.stream, res, (error) => {
      // The export's connection is given back when its stream ends, however it ended.
      done();
      if (!error || res.writableFinished) return;
      if (req.destroyed && (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') {
        logger.debug({ requestId: context.requestId }, 'CSV export: the client went away');
        return;
      }
      // Headers are gone: the download is cut short, so the client sees it failed. A database
      // that went away or a client too slow for the time limit is an outage (warn), else a bug.
      const level = isDatabaseUnavailable(error) || error instanceof ExportTimeLimitError ? 'warn' : 'error';
      logger[level]({ err: error, requestId: context.requestId }, 'CSV export failed mid-stream');
    });
  };
}
