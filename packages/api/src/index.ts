export { type ApiServer, type ApiServerOptions, createApiServer, GRAPHQL_PATH } from './server/api-server.ts';
export { buildApiSchema, printApiSchema, rootFieldAccess } from './server/schema.ts';
export { createErrorFormatter, type ErrorFormatter } from './server/errors.ts';
export { MAX_BODY_BYTES } from './server/http.ts';
export type { NamedReadinessCheck, ReadinessCheck, ReadinessReport } from './server/health.routes.ts';
export {
  createLogger,
  createMetrics,
  type CreateLoggerOptions,
  type CreateMetricsOptions,
  type LogFormat,
  type Metrics,
} from './observability/index.ts';
export { type AccessRole, authChecker, Public } from './auth/access.decorators.ts';
export type { RequestContext } from './shared/request-context.ts';
export { createLoaders, type Loaders, loaderById } from './shared/loaders.ts';
export { type ConnectionShape, ConnectionArgs, createConnectionType, PageInfo, toConnection } from './shared/connection.ts';
export { DateTimeScalar, JSONScalar } from './shared/scalars.ts';
export { resolvers } from './resolvers.ts';
