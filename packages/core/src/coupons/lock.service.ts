import { requireCaller, type ServiceContext } from '../shared/context.ts';
import { normaliseCode, optionalIdempotencyKey } from '../shared/validation.ts';
import { type CouponRecord, type CouponRow, toCoupon } from './coupon.record.ts';
import { reviveDates } from './idempotency.ts';
import { lockCouponSql, type TransitionOutcome, unlockCouponSql } from './lock.sql.ts';
import type { Tx } from './transition.ts';
import { transitionError } from './transition.errors.ts';
import { runTransition } from './transition.run.ts';

const COUPON_DATES = ['assignedAt', 'lockExpiresAt', 'expiresAt', 'createdAt', 'updatedAt'] as const;
const reviveCoupon = (stored: unknown) => reviveDates<CouponRecord>(stored, COUPON_DATES);

/**
 * Locks the caller's coupon for checkout (`lockTtlSeconds` of its book). Allowed from ASSIGNED
 * or from an expired lock; only the assigned user may lock. An `idempotencyKey` makes a retry
 * return the first lock instead of failing with INVALID_STATE.
 */
export function lockCoupon(ctx: ServiceContext, args: { code: string; idempotencyKey?: string | null }): Promise<CouponRecord> {
  return ownCouponTransition(ctx, args, 'lock', lockCouponSql);
}

/**
 * Releases the caller's unexpired lock early: LOCKED → ASSIGNED. An `idempotencyKey` makes a
 * retry after a lost answer return the first result instead of INVALID_STATE.
 */
export function unlockCoupon(ctx: ServiceContext, args: { code: string; idempotencyKey?: string | null }): Promise<CouponRecord> {
  return ownCouponTransition(ctx, args, 'unlock', unlockCouponSql);
}

/** Lock and unlock: a transition of the caller's own coupon by code that answers the coupon. */
function ownCouponTransition(
  ctx: ServiceContext,
  args: { code: string; idempotencyKey?: string | null },
  transition: 'lock' | 'unlock',
  statement: (tx: Tx, args: { code: string; userId: string; now: Date }) => Promise<TransitionOutcome>,
): Promise<CouponRecord> {
  const caller = requireCaller(ctx);
  const code = normaliseCode('code', args.code);
  return runTransition(ctx, {
    caller,
    operation: `${transition}Coupon`,
    key: optionalIdempotencyKey(args.idempotencyKey),
    args: { code },
    revive: reviveCoupon,
    run: async (tx) => {
      const outcome = await statement(tx, { code, userId: caller.userId, now: ctx.clock.now() });
      if (!outcome.coupon) throw transitionError(outcome, caller, transition);
      return { value: toCoupon(outcome.coupon as CouponRow), eventIds: outcome.eventIds };
    },
  });
}
