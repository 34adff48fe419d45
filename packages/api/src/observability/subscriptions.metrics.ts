import { type ExecutionArgs, getOperationAST, Kind } from 'graphql';
import type { Metrics } from './metrics.ts';

/** graphql-ws hooks that keep `coupons_subscriptions_open` (by root field) true for this process. */
export interface SubscriptionTracker {
  /** `onOperation`: an operation started; counted when it is a subscription stream. */
  opened(socket: object, id: string, args: ExecutionArgs, result: unknown): void;
  /** `onComplete`: the operation ended (client `complete`, server end, error, or socket close). */
  completed(socket: object, id: string): void;
  /** `onClose`: the socket is gone; anything still counted on it ends (belt and braces). */
  closed(socket: object): void;
}

/**
 * Counts open subscriptions per socket and operation id. graphql-ws calls `onComplete` for every
 * stream that ends, including those a closing socket ends; `closed` covers a stream whose
 * completion could not be sent. Each one is counted down once (`trackSubscription`'s guard).
 */
export function subscriptionTracker(metrics: Metrics): SubscriptionTracker {
  const open = new WeakMap<object, Map<string, () => void>>();
  return {
    opened(socket, id, args, result) {
      if (!isAsyncIterable(result)) return; // an error result: nothing stays open
      const operation = getOperationAST(args.document, args.operationName);
      const first = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
      if (operation?.operation !== 'subscription' || first?.kind !== Kind.FIELD) return;
      let streams = open.get(socket);
      if (!streams) {
        streams = new Map();
        open.set(socket, streams);
      }
      streams.get(id)?.();
      streams.set(id, metrics.trackSubscription(first.name.value));
    },
    completed(socket, id) {
      const streams = open.get(socket);
      streams?.get(id)?.();
      streams?.delete(id);
    },
    closed(socket) {
      for (const end of open.get(socket)?.values() ?? []) end();
      open.delete(socket);
    },
  };
}

function isAsyncIterable(value: unknown): boolean {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}
