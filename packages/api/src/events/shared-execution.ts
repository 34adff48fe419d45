import { createSourceEventStream, type ExecutionArgs, type ExecutionResult, execute, Kind, type OperationDefinitionNode } from 'graphql';
import { getOrAdd } from '../shared/get-or-add.ts';
import type { RequestContext } from '../shared/request-context.ts';
import type { SharedPayloads } from './shared-payload.ts';

type Result = ExecutionResult | Promise<ExecutionResult>;

export interface SharedSubscribeOptions {
  /** Who may share a result ({@link callerAudience}); null: this subscriber shares with nobody. */
  audienceOf?: (context: unknown) => string | null;
  /** Runs before each execution, with the context it runs under (websocket.ts empties its DataLoaders). */
  beforeExecute?: (context: unknown) => void;
  /** Results handed to a whole audience are marked here, so their JSON is made once (shared-payload.ts). */
  payloads?: SharedPayloads;
  /**
   * Writes a shared result's JSON to this subscriber's socket itself (websocket.ts), resolving
   * once written; null when it cannot. Such results skip graphql-ws' per-message work (its
   * `onNext`, and a `JSON.stringify` of the whole message); any other result (one with errors,
   * or not shared) is yielded to graphql-ws as usual.
   */
  send?: (context: unknown, payloadJson: string) => Promise<void> | null;
}

/**
 * A graphql-ws `subscribe` that runs each event's GraphQL execution once per *audience* instead
 * of once per subscriber. graphql-js executes the selection set anew for every subscriber and
 * every event; with a thousand dashboards on one book that is most of the CPU a delivery costs.
 * Subscribers that share the same operation text, variables and audience would get the very same
 * result, so the first one to pull an event executes it and the others reuse the result (the
 * bus hands every subscriber the same event object, which keys the cache; it is a WeakMap, so a
 * result lives as long as the event is still queued somewhere). Any database read a selection
 * makes (through the executing context's DataLoaders) is therefore made once per audience and
 * shape, not once per subscriber.
 *
 * The audience decides who may share, and must capture everything a result can depend on
 * ({@link callerAudience}). Subscribe-time work (arguments, access, NOT_FOUND) still runs per
 * subscriber, unshared, through graphql-js' own `createSourceEventStream`.
 */
export function createSharedSubscribe(
  options: SharedSubscribeOptions = {},
): (args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const { audienceOf = callerAudience, beforeExecute, payloads, send } = options;
  const results = new WeakMap<object, Map<string, Result>>();
  return async (args) => {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source as ExecutionResult;
    const key = shareKey(args, audienceOf(args.contextValue));
    const run = (payload: unknown): Result => {
      beforeExecute?.(args.contextValue);
      return execute({ ...args, rootValue: payload });
    };
    const runShared = (payload: unknown): Result => {
      const result = run(payload);
      if (!payloads) return result;
      if (!isPromise(result)) return payloads.share(result);
      return result.then((value) => payloads.share(value));
    };
    const deliver =
      payloads && send
        ? (result: ExecutionResult) => {
            if (result.errors) return null;
            const json = payloads.jsonOf(result);
            return json === undefined ? null : send(args.contextValue, json);
          }
        : undefined;
    return mapEvents(
      source,
      (payload) => {
        if (key === null || typeof payload !== 'object' || payload === null) return run(payload);
        return getOrAdd(getOrAdd(results, payload, () => new Map()), key, () => runShared(payload));
      },
      deliver,
    );
  };
}

/**
 * What subscribers must have in common to share results: audience, operation, the values of the
 * variables it declares, and its text; null when it shares with nobody. Only declared variables
 * count (they passed coercion; an undeclared one changes nothing and can be anything, e.g. an
 * array nested 20,000 deep, which JSON.parse reads but JSON.stringify cannot write), and a key
 * that cannot be made just means no sharing: nothing may throw once the source stream is open.
 */
function shareKey(args: ExecutionArgs, audience: string | null): string | null {
  const text = args.document.loc?.source.body;
  if (audience === null || text === undefined) return null;
  const operation = args.document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!args.operationName || d.name?.value === args.operationName),
  );
  const raw = (args.variableValues ?? {}) as Record<string, unknown>;
  try {
    // An omitted variable (its default applies) and an explicit null stay apart.
    const declared = (operation?.variableDefinitions ?? []).map((d) => d.variable.name.value).filter((name) => Object.hasOwn(raw, name));
    const values = JSON.stringify(Object.fromEntries(declared.map((name) => [name, raw[name]])));
    return `${audience}\u0000${args.operationName ?? ''}\u0000${values}\u0000${text}`;
  } catch {
    return null;
  }
}

/**
 * Who may share a result: everything field access and the resolvers read of the caller. Field
 * access (auth/access.decorators.ts) looks at the role and, for an API key, at its scopes: a
 * COUPONS_READ key is refused fields an admin sees, so keys share only with keys of the same
 * scopes, never with people. Resolvers read the role and, for a USER, who they are. So: people
 * who are ADMIN share one audience; each USER is their own (with their own key scopes when a key
 * acts for them); without a caller, or with an authentication error, nothing is shared.
 */
export function callerAudience(context: unknown): string | null {
  const request = context as Partial<RequestContext> | undefined;
  const caller = request?.service?.caller;
  if (!caller || request?.authError) return null;
  const key = caller.apiKey ? `key:${[...caller.apiKey.scopes].sort().join(',')}` : 'person';
  return caller.role === 'ADMIN' ? `ADMIN\u0000${key}` : `USER:${caller.userId}\u0000${key}`;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Maps a source stream; `return()` reaches the source, so unsubscribing releases it. A result
 * `deliver` sends itself is not yielded: the next event is awaited once it is written, so one
 * subscription's messages keep their order and a slow socket still holds its own events back.
 */
function mapEvents(
  source: AsyncIterable<unknown>,
  map: (payload: unknown) => Result,
  deliver?: (result: ExecutionResult) => Promise<void> | null,
): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  const close = async () => {
    await iterator.return?.();
  };
  return {
    async next() {
      for (;;) {
        const step = await iterator.next();
        if (step.done) return { value: undefined, done: true };
        let result: ExecutionResult;
        try {
          result = await map(step.value);
        } catch (error) {
          await close();
          throw error;
        }
        const sent = deliver?.(result);
        if (!sent) return { value: result, done: false };
        await sent;
      }
    },
    async return() {
      await close();
      return { value: undefined, done: true };
    },
    async throw(error?: unknown) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}
