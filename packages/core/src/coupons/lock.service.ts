import { announceCommitted } from '../events/announcer.ts';
import { requireCaller, type ServiceContext } from '../shared/context.ts';
import type { SqlClient } from '../shared/sql.ts';
import { normaliseCode, optionalIdempotencyKey } from '../shared/validation.ts';
import { type CouponRecord, type CouponRow, toCoupon } from './coupon.record.ts';
import { reviveDates, runIdempotent } from './idempotency.ts';
import { lockCouponSql, unlockCouponSql } from './lock.sql.ts';
import { transitionError } from './transition.errors.ts';

const COUPON_DATES = ['assignedAt', 'lockExpiresAt', 'createdAt', 'updatedAt'] as const;

/**
 * Locks the caller's coupon for checkout (`lockTtlSeconds` of its book). Allowed from ASSIGNED
 * or from an expired lock; only the assigned user may lock. An `idempotencyKey` makes a retry
 * return the first lock instead of failing with INVALID_STATE.
 */
export async function lockCoupon(
  ctx: ServiceContext,
  args: { code: string; idempotencyKey?: string | null },
): Promise<CouponRecord> {
  const caller = requireCaller(ctx);
  const code = normaliseCode('code', args.code);
  const key = optionalIdempotencyKey(args.idempotencyKey);
  const run = async (sql: SqlClient) => {
    const outcome = await lockCouponSql(sql, { code, userId: caller.userId, now: ctx.clock.now() });
    if (!outcome.coupon) throw transitionError(outcome, caller.userId, 'lock');
    return { coupon: toCoupon(outcome.coupon as CouponRow), eventIds: outcome.eventIds };
  };
  if (!key) {
    const { coupon, eventIds } = await run(ctx.db.prisma);
    announceCommitted(ctx, eventIds);
    return coupon;
  }
  const { result, executed } = await runIdempotent(ctx, {
    userId: caller.userId,
    key,
    operation: 'lockCoupon',
    args: { code },
    run,
    serialize: (r) => r.coupon,
    deserialize: (stored) => ({ coupon: reviveDates<CouponRecord>(stored, COUPON_DATES), eventIds: [] }),
  });
  if (executed) announceCommitted(ctx, result.eventIds);
  return result.coupon;
}

/** Releases the caller's unexpired lock early: LOCKED → ASSIGNED. */
export async function unlockCoupon(ctx: ServiceContext, args: { code: string }): Promise<CouponRecord> {
  const caller = requireCaller(ctx);
  const code = normaliseCode('code', args.code);
  const outcome = await unlockCouponSql(ctx.db.prisma, { code, userId: caller.userId, now: ctx.clock.now() });
  if (!outcome.coupon) throw transitionError(outcome, caller.userId, 'unlock');
  announceCommitted(ctx, outcome.eventIds);
  return toCoupon(outcome.coupon as CouponRow);
}
