import { isUtf8 } from 'node:buffer';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type DocumentNode,
  type ExecutionArgs,
  type FieldNode,
  type FragmentDefinitionNode,
  getOperationAST,
  Kind,
  GraphQLError,
  type GraphQLSchema,
  NoSchemaIntrospectionCustomRule,
  parse,
  type SelectionNode,
  specifiedRules,
  validate,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { isDomainError } from '@coupons/core';
import { type AccessRole, assertAccess } from '../auth/access.decorators.ts';
import { createSharedSubscribe } from '../events/shared-execution.ts';
import { createSharedPayloads, nextMessage } from '../events/shared-payload.ts';
import { type Logger, type Metrics, subscriptionTracker } from '../observability/index.ts';
import { getOrAdd } from '../shared/get-or-add.ts';
import { clearLoaders } from '../shared/loaders.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { clientAddress } from './client-address.ts';
import { type ContextDeps, createRequestContext } from './context.ts';
import type { ErrorFormatter } from './errors.ts';
import { checkOperationCost, limitValidationRules, type OperationLimits } from './limits.ts';
import { rootFieldAccess } from './schema.ts';
import { admitSocket, CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, createSessionWatch, type SocketSession } from './socket-auth.ts';

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
  /** How often open sockets are re-checked against their users' rows (config `SESSION_RECHECK_INTERVAL_MS`). */
  sessionRecheckMs: number;
  /** Where a failed session re-check is reported. */
  logger?: Logger;
}

/** What graphql-ws keeps per socket: the session accepted at init. */
type ConnectionExtra = {
  session?: SocketSession;
  ip?: string;
};

/**
 * The largest message a client may send: a `subscribe` (query and variables) or a
 * `connection_init` is a few kB. ws closes a socket that sends more with 1009 before reading it
 * whole (its default, 100 MiB, let a client make the server hold and parse that much per socket,
 * before signing in).
 */
export const MAX_SOCKET_MESSAGE_BYTES = 1024 * 1024;

/**
 * Operations one socket may have running at once (the console keeps a few; a live wall one per
 * panel). Each holds a request context and a place on the live-event bus, so past this one more
 * `subscribe` is refused with RATE_LIMITED until one completes.
 */
export const MAX_OPERATIONS_PER_SOCKET = 100;

/** Messages of graphql-transport-ws that only a server sends. */
const SERVER_MESSAGE_TYPES = new Set(['connection_ack', 'next', 'error']);

/**
 * graphql-ws reads any message of the protocol, then throws on one only a server sends: its ws
 * adapter closed the socket with 4500 "Internal server error" and printed a stack trace past the
 * logger. Such a message is the client's mistake, answered as graphql-ws answers any message it
 * cannot take (4400), before graphql-ws sees it. So is a frame ws refuses (too big, invalid
 * UTF-8, a bad opcode: errors coded `WS_ERR_…`): ws has closed the socket with the code the
 * protocol gives (1009, 1007, 1002 …), and graphql-ws would print it as an internal error.
 * ws checks that a text frame is UTF-8; a binary frame, which graphql-ws reads as text too, is
 * checked here (4400): decoded, its bytes would be read with U+FFFD in their place.
 * Everything else goes on to graphql-ws unchanged.
 */
function refuseServerMessages(socket: WebSocket): void {
  const emit = socket.emit.bind(socket);
  socket.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === 'message' && (isServerMessage(args[0]) || (args[1] === true && !isUtf8(args[0] as Buffer)))) {
      socket.close(4400, 'Invalid message received');
      return true;
    }
    if (event === 'error' && /^WS_ERR_/.test(String((args[0] as { code?: unknown } | undefined)?.code))) return true;
    return emit(event, ...args);
  }) as typeof socket.emit;
}

function isServerMessage(data: unknown): boolean {
  try {
    const type = (JSON.parse(String(data)) as { type?: unknown } | null)?.type;
    return typeof type === 'string' && SERVER_MESSAGE_TYPES.has(type);
  } catch {
    return false; // not JSON: graphql-ws closes with 4400 itself
  }
}

/**
 * graphql-ws (`graphql-transport-ws`) on the HTTP server's `/graphql` path, with the same schema,
 * limits, access rules and error mapping as HTTP:
 *
 * - `connection_init` carries `{ authorization: 'Bearer …' }`: no token or an expired one closes
 *   the socket with 4401, any other bad token with 4403, and a good one is closed with 4401 when
 *   it expires (server/socket-auth.ts).
 * - Each `subscribe` is parsed, validated (depth, aliases, no introspection in production),
 *   costed, and its root fields' access checked before anything runs; the token is checked
 *   again against its user's row, so an expired, revoked or deleted session cannot start new
 *   operations on an old socket (the socket is closed with 4401), and the stored role decides.
 * - Open subscriptions are re-checked every few seconds, and at once when this process revokes
 *   a user's sessions: 4401 when revoked or deleted, 4403 when an admin's subscription outlived
 *   the admin role (server/socket-auth.ts, SessionWatch).
 * - Errors go through the one ErrorFormatter (Apollo's formatError does not run here).
 *
 * Returns `dispose()`, which closes every socket (1001) and the WebSocket server.
 */
export function startWebSocketServer(deps: WebSocketDeps): { dispose(): Promise<void> } {
  // Fan-out: one execution per event and audience (events/shared-execution.ts), and one JSON of
  // each shared result written to every socket of the audience (events/shared-payload.ts).
  const payloads = createSharedPayloads();
  /** Each running subscription's socket and id, by its context: where its shared results are written. */
  const outlets = new WeakMap<object, { socket: WebSocket; id: string }>();
  /** The ids of each socket's running operations ({@link MAX_OPERATIONS_PER_SOCKET}). */
  const running = new WeakMap<WebSocket, Set<string>>();
  // `noServer`, upgrades handed over by our own listener: attached with `server`, ws re-emits the
  // HTTP server's errors on the WebSocket server, where graphql-ws prints each with a stack (a
  // port already in use then printed "Internal error emitted on the WebSocket server" before
  // the start failure the operator needs to read).
  const wsServer = new WebSocketServer({ noServer: true, path: deps.path, maxPayload: MAX_SOCKET_MESSAGE_BYTES });
  const upgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) =>
    wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit('connection', ws, request));
  deps.httpServer.on('upgrade', upgrade);
  // Registered before graphql-ws' own listener, so it sees every socket first.
  wsServer.on('connection', refuseServerMessages);
  const rules = [
    ...specifiedRules,
    ...limitValidationRules(deps.limits),
    ...(deps.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const access = new Map(rootFieldAccess().map((f) => [`${f.operation}.${f.field}`, f.roles ?? []]));
  const subscriptions = deps.metrics ? subscriptionTracker(deps.metrics) : undefined;
  const badInput = (error: unknown) =>
    new GraphQLError((error as Error).message, { extensions: { code: 'BAD_USER_INPUT' } });
  const sessions = createSessionWatch({ db: deps.contextDeps.db, intervalMs: deps.sessionRecheckMs, logger: deps.logger });
  // HTTP requests share these deps: a revocation made over HTTP in this process re-checks this
  // server's sockets at once (other processes notice within one re-check interval).
  const onSessionsChanged = (userId: string) => void sessions.recheck(userId);
  deps.contextDeps.onSessionsChanged ??= onSessionsChanged;

  const cleanup = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      onConnect: async (ctx) => {
        ctx.extra.ip = clientAddress(ctx.extra.request);
        const session = await admitSocket(deps.contextDeps, ctx.connectionParams, ctx.extra.socket);
        if (session === null) return false; // already closed with 4401/4403
        ctx.extra.session = session;
        sessions.track(ctx.extra.socket, session);
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const operations = getOrAdd(running, ctx.extra.socket, () => new Set<string>());
        if (operations.size >= MAX_OPERATIONS_PER_SOCKET) {
          return [
            new GraphQLError(`At most ${MAX_OPERATIONS_PER_SOCKET} operations may run at once on one connection: complete one first`, {
              extensions: { code: 'RATE_LIMITED' },
            }),
          ];
        }
        // The place is taken now (the checks below await) and given back when the operation is refused.
        operations.add(id);
        const refuse = (errors: readonly GraphQLError[]) => {
          operations.delete(id);
          return errors;
        };
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: deps.limits.maxTokens });
        } catch (error) {
          return refuse([badInput(error)]);
        }
        const validationErrors = validate(deps.schema, document, rules);
        if (validationErrors.length) return refuse(validationErrors);
        const variables = payload.variables ?? undefined;
        const costError = checkOperationCost(deps.schema, document, variables, payload.operationName, deps.limits.maxCost);
        if (costError) return refuse([costError]);
        const contextValue = await createRequestContext(deps.contextDeps, {
          authorization: ctx.extra.session?.authorization,
          ip: ctx.extra.ip ?? 'unknown',
        });
        const sessionError = checkSession(contextValue, ctx.extra.socket);
        if (sessionError) return refuse([sessionError]);
        const accessError = checkRootAccess(document, payload.operationName, access, contextValue);
        if (accessError) return refuse([accessError]);
        const caller = contextValue.service.caller;
        if (caller) sessions.granted(ctx.extra.socket, id, caller.role);
        outlets.set(contextValue, { socket: ctx.extra.socket, id });
        const args: ExecutionArgs = {
          schema: deps.schema,
          document,
          variableValues: variables,
          operationName: payload.operationName,
          contextValue,
        };
        return args;
      },
      // Results not written by `send` below: errors get this subscriber's request id.
      onNext: (_ctx, _id, _payload, args, result) =>
        deps.errors.formatResult(result, { requestId: (args.contextValue as RequestContext).requestId }),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => deps.errors.format(e)),
      onOperation: (ctx, id, _payload, args, result) => subscriptions?.opened(ctx, id, args, result),
      onComplete: (ctx, id) => {
        running.get(ctx.extra.socket)?.delete(id);
        sessions.released(ctx.extra.socket, id);
        subscriptions?.completed(ctx, id);
      },
      onClose: (ctx) => subscriptions?.closed(ctx),
      // A subscription reuses its context for every event: each execution starts with empty caches.
      subscribe: createSharedSubscribe({
        beforeExecute: (context) => clearLoaders((context as RequestContext).loaders),
        payloads,
        send: (context, payloadJson) => {
          const outlet = outlets.get(context as object);
          return outlet ? sendNext(outlet.socket, outlet.id, payloadJson) : null;
        },
      }),
      // Decided by the ErrorFormatter above, not by NODE_ENV.
      isProd: true,
    },
    wsServer,
  );
  /**
   * A revoked, deleted or unverifiable session answers this operation with its error; the first
   * two also close the socket (4401), and a caller who lost a role an open subscription was
   * granted under closes it with 4403.
   */
  function checkSession(context: RequestContext, socket: Parameters<typeof sessions.close>[0]): GraphQLError | undefined {
    const { authError, service } = context;
    if (authError) {
      if (isDomainError(authError)) sessions.close(socket, CLOSE_UNAUTHENTICATED);
      return new GraphQLError(authError.message, { originalError: authError, extensions: isDomainError(authError) ? { code: authError.code } : {} });
    }
    if (service.caller && sessions.lostRole(socket, service.caller.role)) {
      sessions.close(socket, CLOSE_FORBIDDEN);
      return new GraphQLError('Your role no longer allows an open subscription', { extensions: { code: 'FORBIDDEN' } });
    }
    return undefined;
  }

  return {
    async dispose() {
      deps.httpServer.off('upgrade', upgrade);
      sessions.stop();
      if (deps.contextDeps.onSessionsChanged === onSessionsChanged) deps.contextDeps.onSessionsChanged = undefined;
      await cleanup.dispose();
    },
  };
}

/**
 * A `next` message written the way graphql-ws' own `ws` adapter writes one: nothing to a socket
 * that is no longer open, and done once the write completes (a failed write ends with the
 * socket, whose close ends the subscription).
 */
function sendNext(socket: WebSocket, id: string, payloadJson: string): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState !== socket.OPEN) return resolve();
    socket.send(nextMessage(id, payloadJson), () => resolve());
  });
}

/**
 * The authChecker runs per resolved value, which for a subscription is per event: check the
 * root fields' declared access at subscribe time too, so a refused caller never subscribes. The
 * root fields are those the operation selects directly or through fragments (spread or inline).
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
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  for (const selection of rootFields(operation.selectionSet.selections, fragments)) {
    if (selection.name.value.startsWith('__')) continue;
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

/** The fields of `selections`, fragments (spread or inline) opened; each named fragment once. */
function rootFields(
  selections: readonly SelectionNode[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  opened: Set<string> = new Set(),
): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) fields.push(...rootFields(selection.selectionSet.selections, fragments, opened));
    else if (!opened.has(selection.name.value)) {
      opened.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) fields.push(...rootFields(fragment.selectionSet.selections, fragments, opened));
    }
  }
  return fields;
}
