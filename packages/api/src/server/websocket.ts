import type http from 'node:http';
import {
  type DocumentNode,
  type ExecutionArgs,
  getOperationAST,
  GraphQLError,
  type GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { type AccessRole, assertAccess } from '../auth/access.decorators.ts';
import { createSharedSubscribe } from '../events/shared-execution.ts';
import { admitSocket } from './socket-auth.ts';
import { type Metrics, subscriptionTracker } from '../observability/index.ts';
import { clearLoaders } from '../shared/loaders.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { clientAddress } from './client-address.ts';
import { type ContextDeps, createRequestContext } from './context.ts';
import type { ErrorFormatter } from './errors.ts';
import { checkOperationCost, limitValidationRules, type OperationLimits } from './limits.ts';
import { rootFieldAccess } from './schema.ts';

export interface WebSocketDeps {
  httpServer: http.Server;
  path: string;
  schema: GraphQLSchema;
  contextDeps: ContextDeps;
  errors: ErrorFormatter;
  limits: OperationLimits;
  introspection: boolean;
  /** Open subscriptions are counted here (`coupons_subscriptions_open`). */
  metrics?: Metrics;
}

/** What graphql-ws keeps per socket: the `connectionParams.authorization` accepted at init. */
type ConnectionExtra = {
  authorization?: string;
  ip?: string;
};

/**
 * graphql-ws (`graphql-transport-ws`) on the HTTP server's `/graphql` path, with the same schema,
 * limits, access rules and error mapping as HTTP:
 *
 * - `connection_init` carries `{ authorization: 'Bearer …' }`: no token or an expired one closes
 *   the socket with 4401, any other bad token with 4403, and a good one is closed with 4401 when
 *   it expires (server/socket-auth.ts).
 * - Each `subscribe` is parsed, validated (depth, aliases, no introspection in production),
 *   costed, and its root fields' access checked before anything runs; the token is checked
 *   again, so an expired session cannot start new operations on an old socket.
 * - Errors go through the one ErrorFormatter (Apollo's formatError does not run here).
 *
 * Returns `dispose()`, which closes every socket (1001) and the WebSocket server.
 */
export function startWebSocketServer(deps: WebSocketDeps): { dispose(): Promise<void> } {
  const wsServer = new WebSocketServer({ server: deps.httpServer, path: deps.path });
  const rules = [
    ...specifiedRules,
    ...limitValidationRules(deps.limits),
    ...(deps.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const access = new Map(rootFieldAccess().map((f) => [`${f.operation}.${f.field}`, f.roles ?? []]));
  const subscriptions = deps.metrics ? subscriptionTracker(deps.metrics) : undefined;
  const badInput = (error: unknown) =>
    new GraphQLError((error as Error).message, { extensions: { code: 'BAD_USER_INPUT' } });

  const cleanup = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      onConnect: (ctx) => {
        ctx.extra.ip = clientAddress(ctx.extra.request);
        const authorization = admitSocket(deps.contextDeps, ctx.connectionParams, ctx.extra.socket);
        if (authorization === null) return false; // already closed with 4401/4403
        ctx.extra.authorization = authorization;
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: deps.limits.maxTokens });
        } catch (error) {
          return [badInput(error)];
        }
        const validationErrors = validate(deps.schema, document, rules);
        if (validationErrors.length) return validationErrors;
        const variables = payload.variables ?? undefined;
        const costError = checkOperationCost(deps.schema, document, variables, payload.operationName, deps.limits.maxCost);
        if (costError) return [costError];
        const contextValue = createRequestContext(deps.contextDeps, {
          authorization: ctx.extra.authorization,
          ip: ctx.extra.ip ?? 'unknown',
        });
        const accessError = checkRootAccess(document, payload.operationName, access, contextValue);
        if (accessError) return [accessError];
        const args: ExecutionArgs = {
          schema: deps.schema,
          document,
          variableValues: variables,
          operationName: payload.operationName,
          contextValue,
        };
        return args;
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        // A subscription reuses its context for every event: start each event with empty caches.
        clearLoaders((args.contextValue as RequestContext).loaders);
        return deps.errors.formatResult(result, { requestId: (args.contextValue as RequestContext).requestId });
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => deps.errors.format(e)),
      onOperation: (ctx, id, _payload, args, result) => subscriptions?.opened(ctx, id, args, result),
      onComplete: (ctx, id) => subscriptions?.completed(ctx, id),
      onClose: (ctx) => subscriptions?.closed(ctx),
      // One execution per event and audience, not per subscriber (events/shared-execution.ts).
      subscribe: createSharedSubscribe(),
      // Decided by the ErrorFormatter above, not by NODE_ENV.
      isProd: true,
    },
    wsServer,
  );
  return {
    async dispose() {
      await cleanup.dispose();
    },
  };
}

/**
 * The authChecker runs per resolved value, which for a subscription is per event: check the
 * root fields' declared access at subscribe time too, so a refused caller never subscribes.
 */
function checkRootAccess(
  document: DocumentNode,
  operationName: string | null | undefined,
  access: Map<string, readonly string[]>,
  context: RequestContext,
): GraphQLError | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return new GraphQLError('Unable to identify the operation', { extensions: { code: 'BAD_USER_INPUT' } });
  const typeName = operation.operation === 'query' ? 'Query' : operation.operation === 'mutation' ? 'Mutation' : 'Subscription';
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== 'Field' || selection.name.value.startsWith('__')) continue;
    const roles = access.get(`${typeName}.${selection.name.value}`);
    if (!roles) continue;
    try {
      assertAccess(context, roles as AccessRole[]);
    } catch (error) {
      const e = error as { message: string; code: string };
      return new GraphQLError(e.message, { extensions: { code: e.code } });
    }
  }
  return undefined;
}
