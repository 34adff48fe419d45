import type http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { Config } from '@coupons/config';
import type { GraphQLSchema } from 'graphql';
import { type Metrics, metricsPlugin } from '../observability/index.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { type ErrorFormatter, errorLoggingPlugin, errorResponsePlugin } from './errors.ts';
import { costLimitPlugin, limitValidationRules, type OperationLimits } from './limits.ts';

/** How long `stop()` lets in-flight requests finish before closing their sockets. */
const STOP_GRACE_MS = 10_000;

export interface ApolloDeps {
  schema: GraphQLSchema;
  config: Config;
  httpServer: http.Server;
  /** Disposes graphql-ws (closes its sockets) when Apollo drains. */
  disposeWebSockets: () => Promise<void>;
  limits: OperationLimits;
  errors: ErrorFormatter;
  metrics: Metrics;
}

/** Every GraphQL answer says `Cache-Control: no-store`, as Apollo's cache-control plugin did when no hint was set. */
const noStorePlugin: ApolloServerPlugin<RequestContext> = {
  requestDidStart: async () => ({
    willSendResponse: async ({ response }) => {
      if (!response.http.headers.has('cache-control')) response.http.headers.set('cache-control', 'no-store');
    },
  }),
};

/**
 * Apollo Server for `/graphql` over HTTP: CSRF prevention on, no batching, automatic persisted
 * queries (see below), never a stack trace; introspection per `GRAPHQL_INTROSPECTION` and the landing page
 * only outside production; depth/alias limits as validation rules and the cost limit once the
 * operation is known; every error through the one ErrorFormatter. `stop()` drains HTTP and
 * graphql-ws together.
 */
export function createApolloServer(deps: ApolloDeps): ApolloServer<RequestContext> {
  const { config, limits, errors } = deps;
  return new ApolloServer<RequestContext>({
    schema: deps.schema,
    introspection: config.GRAPHQL_INTROSPECTION,
    hideSchemaDetailsFromClientErrors: !config.GRAPHQL_INTROSPECTION,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Automatic persisted queries in the server's default cache: an in-memory LRU bounded at
    // 30 MiB, per instance. A hash is stored only after its query parsed, validated and passed
    // the limits (Apollo registers it after didResolveOperation), so junk cannot fill the cache;
    // a hash unknown to this instance costs the client one extra round trip, never a failure.
    persistedQueries: {},
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
    nodeEnv: config.NODE_ENV,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: limitValidationRules(limits),
    formatError: (_formatted, error) => errors.format(error),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: deps.httpServer, stopGracePeriodMillis: STOP_GRACE_MS }),
      { serverWillStart: async () => ({ drainServer: deps.disposeWebSockets }) },
      costLimitPlugin(limits),
      // No answer may be stored by a cache on the way (personal data, live state), which is all
      // Apollo's cache-control plugin concluded here: no type or field sets a cache hint. It
      // also wrapped every field resolver of the schema to compute those hints per field.
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin,
      // Request id on INTERNAL_SERVER_ERROR, 503 on SERVICE_UNAVAILABLE, Retry-After when asked.
      errorResponsePlugin(),
      // Unexpected errors logged with the request id (formatError has no request context).
      errorLoggingPlugin(errors),
      // Counts errors by the code the client will see (didEncounterErrors runs before formatError).
      metricsPlugin<RequestContext>(deps.metrics, { errorCode: (error) => errors.codeOf(error) }),
      config.GRAPHQL_INTROSPECTION && !config.isProduction
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
}
