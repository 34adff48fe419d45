import type { Express } from 'express';
import type { Logger } from 'pino';
import { mountExportRoutes } from '../codes/export.routes.ts';
import { type ContextDeps, createRequestContext } from './context.ts';
import { createErrorFormatter, routeErrorResponse } from './errors.ts';

/**
 * Mounts the CSV exports (codes/export.routes.ts) with what they take from the server: the request
 * context `/graphql` builds (the caller from the Authorization header; never a token in the URL)
 * and the API's one error map, so a route's errors are answered as a GraphQL request's would be.
 */
export function mountCsvExports(app: Express, contextDeps: ContextDeps, logger: Logger): void {
  const { config } = contextDeps;
  const errors = createErrorFormatter({ logger, isProduction: config.isProduction, hideSchemaHints: !config.GRAPHQL_INTROSPECTION });
  mountExportRoutes(app, {
    contextOf: (req) =>
      createRequestContext(contextDeps, {
        authorization: req.headers.authorization,
        ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        requestId: req.header('x-request-id'),
      }),
    answerError: (error, request) => routeErrorResponse(errors, error, request),
    logger,
  });
}
