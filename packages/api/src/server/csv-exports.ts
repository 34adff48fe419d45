import type { Express, Request } from 'express';
import type { Logger } from 'pino';
import { mountExportRoutes } from '../codes/export.routes.ts';
import { mountImportRoutes } from '../codes/import.routes.ts';
import { type ContextDeps, createRequestContext } from './context.ts';
import { createErrorFormatter, routeErrorResponse } from './errors.ts';

/**
 * Mounts the CSV exports and the streamed CSV import (codes/export.routes.ts) with what they take from the server: the request
 * context `/graphql` builds (the caller from the Authorization header; never a token in the URL)
 * and the API's one error map, so a route's errors are answered as a GraphQL request's would be.
 */
export function mountCsvExports(app: Express, contextDeps: ContextDeps, logger: Logger): void {
  const { config } = contextDeps;
  const errors = createErrorFormatter({ logger, isProduction: config.isProduction, hideSchemaHints: !config.GRAPHQL_INTROSPECTION });
  const deps = {
    contextOf: (req: Request) =>
      createRequestContext(contextDeps, {
        authorization: req.headers.authorization,
        ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        requestId: req.header('x-request-id'),
      }),
    answerError: (error: unknown, request: { requestId: string; operation: string }) => routeErrorResponse(errors, error, request),
    logger,
  };
  mountExportRoutes(app, { ...deps, maxConcurrent: config.EXPORT_MAX_CONCURRENT });
  // The streamed code import (codes/import.routes.ts) takes the same context and error map.
  mountImportRoutes(app, deps);
}
