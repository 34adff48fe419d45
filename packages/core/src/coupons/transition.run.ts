import { announceCommitted } from '../shared/announce.ts';
import type { Caller, ServiceContext } from '../shared/context.ts';
import { runIdempotent } from './idempotency.ts';
import { inTransaction, type Tx } from './transition.ts';

/** What one transition's transaction produced: the answer, and the CouponEvent rows it wrote. */
export interface TransitionResult<T> {
  value: T;
  eventIds: ReadonlyArray<string | null>;
}

export interface TransitionCall<T> {
  caller: Caller;
  /** The operation's name: an idempotency key used for one operation cannot replay another. */
  operation: string;
  /** An optional idempotency key, already validated. */
  key?: string | null;
  /** The arguments that define "the same request" for an idempotency key. */
  args: unknown;
  /** Both steps of the transition (transition.ts), on the open transaction. Throws to refuse. */
  run: (tx: Tx) => Promise<TransitionResult<T>>;
  /** Rebuilds a stored answer (JSON) for a replayed idempotency key. */
  revive: (stored: unknown) => T;
}

/**
 * Runs one coupon transition: in its own transaction, or with an idempotency key inside the
 * transaction that records the key (so the effect and the record commit together), and then,
 * only after COMMIT, announces its events to live subscribers. A replayed key returns the stored
 * answer and announces nothing: its events were announced the first time.
 */
export async function runTransition<T>(ctx: ServiceContext, call: TransitionCall<T>): Promise<T> {
  if (!call.key) {
    const { value, eventIds } = await inTransaction(ctx.db.pool, call.run);
    announceCommitted(ctx, eventIds);
    return value;
  }
  const { result, executed } = await runIdempotent(ctx, {
    userId: call.caller.userId,
    key: call.key,
    operation: call.operation,
    args: call.args,
    run: call.run,
    serialize: (r) => r.value,
    deserialize: (stored): TransitionResult<T> => ({ value: call.revive(stored), eventIds: [] }),
  });
  if (executed) announceCommitted(ctx, result.eventIds);
  return result.value;
}
