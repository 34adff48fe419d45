import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { activeMetrics, type Metrics, type OperationType } from './metrics.ts';

/** Options of {@link metricsPlugin}. */
export interface MetricsPluginOptions {
  /**
   * The server's one error mapping (domain error → contract code). Pass it so the metric counts
   * the code the client actually sees; `didEncounterErrors` runs before `formatError`.
   * Without it, {@link defaultErrorCode} is used.
   */
  errorCode?: (error: GraphQLError) => string;
}

const CODE = /^[A-Z][A-Z_]{0,39}$/;

/**
 * The code a client will see for `error`, as far as it can be told before `formatError`:
 * `extensions.code` when set (Apollo's own codes, errors built with a code), else the `code` of
 * the original error when it looks like a contract code (a `DomainError`), else
 * `INTERNAL_SERVER_ERROR` (what masking turns any other error into). SQLSTATEs (`23505`) and
 * Prisma codes (`P2002`) contain digits and fall into the last case.
 */
export function defaultErrorCode(error: GraphQLError): string {
  const fromExtensions = error.extensions?.code;
  if (typeof fromExtensions === 'string' && CODE.test(fromExtensions)) return fromExtensions;
  const original = error.originalError as { code?: unknown } | undefined;
  if (original && typeof original.code === 'string' && CODE.test(original.code)) return original.code;
  return 'INTERNAL_SERVER_ERROR';
}

/**
 * Apollo Server plugin that records, per HTTP GraphQL operation: a request count and latency by
 * operation name and type, and one error count per error by code. Subscriptions over graphql-ws
 * do not pass through Apollo's pipeline; count those with `trackSubscription`.
 *
 * @param metrics the registry to record into; defaults to the one given to `installMetrics`.
 */
export function metricsPlugin<TContext extends BaseContext = BaseContext>(
  metrics?: Metrics,
  options: MetricsPluginOptions = {},
): ApolloServerPlugin<TContext> {
  const errorCode = options.errorCode ?? defaultErrorCode;
  return {
    async requestDidStart() {
      const target = metrics ?? activeMetrics();
      if (!target) return;
      const started = process.hrtime.bigint();
      // Until the operation resolves (a parse or validation error, an unknown persisted query)
      // the request is labelled by the name the client sent, with type `unknown`.
      let type: OperationType = 'unknown';
      let operation: string | undefined;
      return {
        async didResolveOperation(ctx) {
          type = ctx.operation?.operation ?? 'unknown';
          operation = target.operationLabel(ctx.operationName);
        },
        async didEncounterErrors(ctx) {
          const label = operation ?? target.operationLabel(ctx.request.operationName);
          for (const error of ctx.errors) target.graphqlErrors.inc({ operation: label, code: errorCode(error) });
        },
        async willSendResponse(ctx) {
          const labels = { operation: operation ?? target.operationLabel(ctx.request.operationName), type };
          target.graphqlRequests.inc(labels);
          target.graphqlDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}
