import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDatabaseUnavailable, serviceUnavailable } from '@coupons/core';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { INTERNAL_MESSAGE } from './errors.ts';

/**
 * The largest request body accepted: 20 MiB. A million 10-character codes sent as a CSV string
 * is about 11 MiB, so any realistic single upload fits; a 50 MB body is refused up front (from
 * its Content-Length, before it is read) with HTTP 413 and a BAD_USER_INPUT error that says to
 * split the upload.
 */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** The refusal of a body declared UTF-8 (or undeclared) whose bytes are not: decoding would replace them with U+FFFD, changing what the client sent. */
export const NOT_UTF8 = 'entity.charset.invalid';

/** A GraphQL-shaped error body, so clients handle HTTP-level refusals like any other error. */
export function sendError(res: ServerResponse, status: number, code: string, message: string, details: object = {}): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { ...details, code } }] });
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * CORS for the configured origins (comma-separated; `*` allows any). Credentials (the refresh
 * cookie) only for origins listed by name: `*` lets any site read answers, never with cookies.
 * The returned function sets a request's CORS headers and answers a preflight (`OPTIONS`, 204);
 * it returns whether it answered.
 */
export function corsPolicy(originsSetting: string): (req: IncomingMessage, res: ServerResponse) => boolean {
  const origins = new Set(
    originsSetting
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  );
  return (req, res) => {
    addVary(res, 'Origin');
    const origin = req.headers.origin;
    const allowed = origin !== undefined && (origins.has('*') || origins.has(origin));
    if (allowed) res.setHeader('Access-Control-Allow-Origin', origin);
    if (origin !== undefined && origins.has(origin)) res.setHeader('Access-Control-Allow-Credentials', 'true');
    if (req.method !== 'OPTIONS') return false;
    if (allowed) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader(
        'Access-Control-Allow-Headers',
        req.headers['access-control-request-headers'] ??
          'content-type, authorization, apollo-require-preflight, x-apollo-operation-name, x-request-id',
      );
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.statusCode = 204;
    res.end();
    return true;
  };
}

/** {@link corsPolicy} as Express middleware. */
export function corsMiddleware(originsSetting: string): RequestHandler {
  const cors = corsPolicy(originsSetting);
  return (req, res, next) => {
    if (!cors(req, res)) next();
  };
}

/** Adds `field` to the response's `Vary` header (once). */
function addVary(res: ServerResponse, field: string): void {
  const current = res.getHeader('Vary');
  const fields = current === undefined ? [] : String(current).split(',').map((f) => f.trim()).filter(Boolean);
  if (fields.includes('*') || fields.some((f) => f.toLowerCase() === field.toLowerCase())) return;
  res.setHeader('Vary', [...fields, field].join(', '));
}

/**
 * JSON bodies up to {@link MAX_BODY_BYTES}; every other POST gets an empty body so Apollo's CSRF
 * prevention (not a missing-parser 500) answers a `text/plain` or form POST. A body in UTF-8
 * (declared, or by default) whose bytes are not is refused, not decoded with U+FFFD in their place.
 */
export function bodyMiddleware(): RequestHandler[] {
  return [
    express.json({
      limit: MAX_BODY_BYTES,
      verify: (_req, _res, bytes, charset) => {
        if (charset === 'utf-8' && !isUtf8(bytes)) throw Object.assign(new Error('body not UTF-8'), { status: 400, type: NOT_UTF8 });
      },
    }),
    (req, _res, next) => {
      req.body ??= {};
      next();
    },
  ];
}

/** Refuses an HTTP batch (a JSON array of operations): one operation, one cost check. Returns whether it refused. */
export function refuseBatch(body: unknown, res: ServerResponse): boolean {
  if (!Array.isArray(body)) return false;
  sendError(res, 400, 'BAD_USER_INPUT', 'Batched operations are not supported: send one operation per request');
  return true;
}

/** {@link refuseBatch} as Express middleware. */
export const rejectBatches: RequestHandler = (req, res, next) => {
  if (!refuseBatch(req.body, res)) next();
};

/**
 * Body-parser and other HTTP-level failures as GraphQL-shaped errors: the database away is
 * SERVICE_UNAVAILABLE (503 with Retry-After), unknown ones masked.
 */
export function httpErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    answerHttpError(logger, error, res);
  };
}

/** The answer {@link httpErrorHandler} gives to `error`, for a response whose headers are not sent yet. */
export function answerHttpError(logger: Logger, error: unknown, res: ServerResponse): void {
  const type = (error as { type?: string }).type;
  const status = Number((error as { status?: number }).status);
  if (type === 'entity.too.large') {
    sendError(res, 413, 'BAD_USER_INPUT', `Request body is larger than the ${MAX_BODY_BYTES / 1024 / 1024} MiB limit; split large code uploads into several requests`, { maxBytes: MAX_BODY_BYTES });
  } else if (type === 'entity.parse.failed') {
    sendError(res, 400, 'BAD_USER_INPUT', 'Request body is not valid JSON');
  } else if (type === NOT_UTF8) {
    sendError(res, 400, 'BAD_USER_INPUT', 'Request body is not valid UTF-8: send JSON encoded as UTF-8');
  } else if (status >= 400 && status < 500) {
    // http-errors marks the messages meant for clients (`expose`): graphql-upload's say what is wrong with a multipart request.
    const { expose, message } = error as { expose?: boolean; message?: unknown };
    sendError(res, status, 'BAD_USER_INPUT', expose === true && typeof message === 'string' ? message : 'The request could not be read');
  } else if (isDatabaseUnavailable(error)) {
    const unavailable = serviceUnavailable();
    res.setHeader('Retry-After', String(unavailable.details.retryAfterSeconds));
    sendError(res, 503, unavailable.code, unavailable.message, unavailable.details);
  } else {
    logger.error({ err: error }, 'Unexpected HTTP error');
    sendError(res, 500, 'INTERNAL_SERVER_ERROR', INTERNAL_MESSAGE);
  }
}

/**
 * Cuts a request whose body stops arriving: when nothing of it came for `idleMs` while the API
 * was ready to read, it is answered 408 BAD_USER_INPUT and its connection closed, instead of
 * holding a socket (and, for an import, a database connection) until the hour-long
 * `requestTimeout`. A body the API itself holds back (a streamed import waiting for PostgreSQL:
 * the request is paused) is not the client's stall, and the timer starts again. Once the body
 * is complete the timer is off, whatever the answer then takes.
 */
export function cutStalledBody(req: IncomingMessage, res: ServerResponse, idleMs: number): void {
  const length = req.headers['content-length'];
  if (req.complete || length === '0' || (length === undefined && req.headers['transfer-encoding'] === undefined)) return;
  const stop = () => req.setTimeout(0);
  req.once('end', stop);
  req.once('close', stop);
  req.setTimeout(idleMs, () => {
    if (req.complete) return;
    if (req.isPaused() || req.readableFlowing === false) return void req.setTimeout(idleMs);
    // The body then ends in an error for whoever reads it (an import rolls back), and the
    // connection closes; the no-op listener keeps a reader that has let go from making it uncaught.
    const cut = () => {
      req.on('error', () => {});
      req.destroy(Object.assign(new Error('the request body stopped arriving'), { code: 'ECONNRESET' }));
    };
    if (res.headersSent) return cut();
    res.setHeader('Connection', 'close');
    res.once('finish', cut);
    sendError(res, 408, 'BAD_USER_INPUT', `The request body stopped arriving: nothing of it came for ${idleMs / 1000} s`);
  });
}

