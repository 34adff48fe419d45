import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventAnnouncer } from '@coupons/core';
import type { Logger } from 'pino';

/** The header a request id arrives in (from a load balancer or a client) and is echoed back in. */
export const REQUEST_ID_HEADER = 'x-request-id';

// A caller-supplied id is trusted only when it cannot hurt: bounded length and a character set
// without spaces, quotes or control characters, so it cannot forge log lines. The same rule as the
// server's request context (server/context.ts), so both accept the same ids.
const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The request id to use for a request: the incoming `x-request-id` when it is sane (so an id
 * set by nginx or by the client follows the request through every hop), else a fresh UUID.
 */
export function resolveRequestId(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}

// Memoized per request object, so the middleware, the GraphQL context and the access log agree
// on one id without the server having to thread it around.
const requestIds = new WeakMap<IncomingMessage, string>();

/** The id of this request, resolved once from its headers (see {@link resolveRequestId}). */
export function requestIdOf(req: IncomingMessage): string {
  let id = requestIds.get(req);
  if (id === undefined) {
    id = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
    requestIds.set(req, id);
  }
  return id;
}

// Probes and scrapes arrive every few seconds; at info they would drown the real traffic.
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

type Next = (error?: unknown) => void;

/**
 * Express (or plain Node) middleware: resolves the request id, echoes it in the response's
 * `X-Request-Id` header and, given a logger, writes one access-log line when the response ends
 * (method, path without the query string, the GraphQL operation name when there is one, status,
 * duration). The query string is left out on purpose: GET /graphql carries variables there.
 */
export function requestLogging(logger?: Logger) {
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    const requestId = requestIdOf(req);
    res.setHeader('X-Request-Id', requestId);
    if (logger) {
      const started = process.hrtime.bigint();
      // Read now: Express strips a mount path from `req.url` while routing (`/graphql` → `/`).
      const path = ((req as { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0];
      res.once('finish', () => {
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        const operation = operationNameOf(req);
        const line = {
          requestId,
          method: req.method,
          path,
          ...(operation ? { operation } : {}),
          status: res.statusCode,
          durationMs: Math.round(durationMs * 10) / 10,
        };
        // A 503 is the database away (SERVICE_UNAVAILABLE), already visible in /readyz and the
        // metrics: at `error`, an outage would write one error line per request.
        if (res.statusCode === 503) logger.warn(line, 'request refused: service unavailable');
        else if (res.statusCode >= 500) logger.error(line, 'request failed');
        else if (QUIET_PATHS.has(line.path)) logger.debug(line, 'request');
        else logger.info(line, 'request');
      });
    }
    next();
  };
}

// A GraphQL name: nothing that could forge or bloat a log line.
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

// The name of a document's first definition when it is a named operation (after comments): how
// most clients name a request (`query MyCoupons { … }`) without sending `operationName`.
const LEADING_OPERATION = /^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]{0,99})\b/;

/**
 * The operation name of a GraphQL POST (parsed body) or GET (query string): its `operationName`
 * when it is a valid name, else the name of the document's leading operation.
 */
function operationNameOf(req: IncomingMessage): string | undefined {
  type Params = { operationName?: unknown; query?: unknown };
  const { body, query } = req as { body?: Params; query?: Params };
  const params = body?.query !== undefined || body?.operationName !== undefined ? body : query;
  const name = params?.operationName;
  if (name !== undefined && name !== null) return typeof name === 'string' && OPERATION_NAME.test(name) ? name : undefined;
  return typeof params?.query === 'string' ? LEADING_OPERATION.exec(params.query)?.[1] : undefined;
}

/** A child logger whose every line carries the request id (and the caller, when known). */
export function requestLogger(logger: Logger, requestId: string, userId?: string): Logger {
  return logger.child(userId ? { requestId, userId } : { requestId });
}

/**
 * Wraps a request's event announcer so each batch of committed CouponEvent ids is logged at
 * `debug` with the id of the request (or the code job it started) that committed them. The ids
 * are `coupon_event.id`, and the `id` of `couponEvents` payloads: the thread from a request to
 * the events its subscribers saw. The server wraps only when `debug` is on, so at `info` a
 * request pays nothing for it.
 */
export function announcerWithRequestId(announcer: EventAnnouncer, requestId: string, logger: Logger): EventAnnouncer {
  return {
    announce(eventIds) {
      logger.debug({ requestId, eventIds }, 'events announced');
      announcer.announce(eventIds);
    },
  };
}
