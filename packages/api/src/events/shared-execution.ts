import { createSourceEventStream, type ExecutionArgs, type ExecutionResult, execute } from 'graphql';
import { getOrAdd } from '../shared/get-or-add.ts';
import type { RequestContext } from '../shared/request-context.ts';

type Result = ExecutionResult | Promise<ExecutionResult>;

/**
 * A graphql-ws `subscribe` that runs each event's GraphQL execution once per *audience* instead
 * of once per subscriber. graphql-js executes the selection set anew for every subscriber and
 * every event; with a thousand dashboards on one book that is most of the CPU a delivery costs.
 * Subscribers that share the same operation text, variables and audience would get the very same
 * result, so the first one to pull an event executes it and the others reuse the result (the
 * bus hands every subscriber the same event object, which keys the cache; it is a WeakMap, so a
 * result lives as long as the event is still queued somewhere).
 *
 * The audience decides who may share, and must capture everything a result can depend on:
 * admins see everything, so all ADMINs share; a USER shares only with their own other sockets.
 * Subscribe-time work (arguments, access, NOT_FOUND) still runs per subscriber, unshared, through
 * graphql-js' own `createSourceEventStream`.
 */
export function createSharedSubscribe(
  audienceOf: (context: unknown) => string | null = callerAudience,
): (args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const results = new WeakMap<object, Map<string, Result>>();
  return async (args) => {
    const source = await createSourceEventStream(args);
    if (!isAsyncIterable(source)) return source as ExecutionResult;
    const audience = audienceOf(args.contextValue);
    const text = args.document.loc?.source.body;
    const key =
      audience === null || text === undefined
        ? null
        : `${audience}\u0000${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}\u0000${text}`;
    const run = (payload: unknown): Result => execute({ ...args, rootValue: payload });
    return mapEvents(source, (payload) => {
      if (key === null || typeof payload !== 'object' || payload === null) return run(payload);
      return getOrAdd(getOrAdd(results, payload, () => new Map()), key, () => run(payload));
    });
  };
}

/** ADMINs share one audience; a USER is their own; without a caller nothing is shared. */
export function callerAudience(context: unknown): string | null {
  const caller = (context as Partial<RequestContext> | undefined)?.service?.caller;
  if (!caller) return null;
  return caller.role === 'ADMIN' ? 'ADMIN' : `USER:${caller.userId}`;
}

/** Maps a source stream; `return()` reaches the source, so unsubscribing releases it. */
function mapEvents(source: AsyncIterable<unknown>, map: (payload: unknown) => Result): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  const close = async () => {
    await iterator.return?.();
  };
  return {
    async next() {
      const step = await iterator.next();
      if (step.done) return { value: undefined, done: true };
      try {
        return { value: await map(step.value), done: false };
      } catch (error) {
        await close();
        throw error;
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
