import type { Database } from '@coupons/db';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { INTERNAL_MESSAGE } from './errors.ts';

/**
 * The largest request body accepted: 20 MiB. A million 10-character codes sent as a CSV string
 * is about 11 MiB, so any realistic single upload fits; a 50 MB body is refused up front (from
 * its Content-Length, before it is read) with HTTP 413 and a BAD_USER_INPUT error that says to
 * split the upload.
 */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** A readiness probe: `null` when ready, else the reason (shown by `/readyz`). */
export type ReadinessCheck = () => Promise<string | null>;

/** A GraphQL-shaped error body, so clients handle HTTP-level refusals like any other error. */
function sendError(res: express.Response, status: number, code: string, message: string, details: object = {}) {
  res.status(status).json({ errors: [{ message, extensions: { ...details, code } }] });
}

/** CORS for the configured origins (comma-separated; `*` allows any). Bearer tokens, no cookies. */
export function corsMiddleware(originsSetting: string): RequestHandler {
  const origins = new Set(
    originsSetting
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  );
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.headers.origin;
    const allowed = origin !== undefined && (origins.has('*') || origins.has(origin));
    if (allowed) res.setHeader('Access-Control-Allow-Origin', origin);
    if (req.method !== 'OPTIONS') return next();
    if (allowed) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader(
        'Access-Control-Allow-Headers',
        req.headers['access-control-request-headers'] ??
          'content-type, authorization, apollo-require-preflight, x-apollo-operation-name, x-request-id',
      );
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.status(204).end();
  };
}

/**
 * JSON bodies up to {@link MAX_BODY_BYTES}; every other POST gets an empty body so Apollo's CSRF
 * prevention (not a missing-parser 500) answers a `text/plain` or form POST.
 */
export function bodyMiddleware(): RequestHandler[] {
  return [
    express.json({ limit: MAX_BODY_BYTES }),
    (req, _res, next) => {
      req.body ??= {};
      next();
    },
  ];
}

/** Refuses HTTP batches (a JSON array of operations): one operation, one cost check. */
export const rejectBatches: RequestHandler = (req, res, next) => {
  if (!Array.isArray(req.body)) return next();
  sendError(res, 400, 'BAD_USER_INPUT', 'Batched operations are not supported: send one operation per request');
};

/** Body-parser and other HTTP-level failures as GraphQL-shaped errors; unknown ones masked. */
export function httpErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      return sendError(res, 413, 'BAD_USER_INPUT', `Request body is larger than the ${MAX_BODY_BYTES / 1024 / 1024} MiB limit; split large code uploads into several requests`, { maxBytes: MAX_BODY_BYTES });
    }
    if (type === 'entity.parse.failed') return sendError(res, 400, 'BAD_USER_INPUT', 'Request body is not valid JSON');
    const status = Number((error as { status?: number }).status);
    if (status >= 400 && status < 500) return sendError(res, status, 'BAD_USER_INPUT', 'The request could not be read');
    logger.error({ err: error }, 'Unexpected HTTP error');
    sendError(res, 500, 'INTERNAL_SERVER_ERROR', INTERNAL_MESSAGE);
  };
}

/**
 * `/healthz`: the process is up (liveness). `/readyz`: the database answers `SELECT 1` and every
 * extra check passes (readiness: take the instance out of rotation otherwise, and while it drains).
 */
export function healthRoutes(
  app: Express,
  deps: { db: Database; readinessChecks: ReadinessCheck[]; isStopping: () => boolean },
): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: ReadinessCheck[] = [
      async () => (deps.isStopping() ? 'shutting down' : null),
      () => databaseCheck(deps.db),
      ...deps.readinessChecks,
    ];
    const results = await Promise.all(checks.map((check) => check().catch((e: Error) => `check failed: ${e.message}`)));
    const problems = results.filter((r): r is string => r !== null);
    res.status(problems.length ? 503 : 200).json(problems.length ? { status: 'unavailable', problems } : { status: 'ok' });
  });
}

async function databaseCheck(db: Database): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('database: no answer within 2 s'), 2000);
  });
  try {
    return await Promise.race([db.prisma.$queryRaw`SELECT 1`.then(() => null), timeout]);
  } catch {
    return 'database: unreachable';
  } finally {
    clearTimeout(timer);
  }
}
