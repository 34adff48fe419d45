// The observability toolkit of the API: JSON logs with redaction, request ids, Prometheus metrics.
// The server wires these in (see docs/operations.md, "Observability").
export { createLogger, prettyDestination, scrubSecrets, REDACT_PATHS, REDACTED, type CreateLoggerOptions, type LogFormat, type Logger } from './logger.ts';
export {
  announcerWithRequestId,
  REQUEST_ID_HEADER,
  requestIdOf,
  requestLogger,
  requestLogging,
  resolveRequestId,
} from './request-id.ts';
export {
  activeMetrics,
  createMetrics,
  installMetrics,
  observeEventLag,
  recordCodeGuess,
  recordConstraintViolation,
  recordTransactionRetry,
  recordTransition,
  trackSubscription,
  type CreateMetricsOptions,
  type Metrics,
  type OperationType,
  type PoolStats,
} from './metrics.ts';
export { defaultErrorCode, metricsPlugin, type MetricsPluginOptions } from './metrics.plugin.ts';
export { isLoopbackAddress, metricsHandler, type MetricsHandlerOptions } from './metrics.endpoint.ts';
export { instrumentLiveEvents } from './live-events.metrics.ts';
export { type SubscriptionTracker, subscriptionTracker } from './subscriptions.metrics.ts';
