import { type Caller, requireCaller, type ServiceContext } from '../shared/context.ts';
import { badInput, DomainError, forbidden, notFound } from '../shared/errors.ts';
import { normaliseCode, optionalIdempotencyKey, requireJsonDepth, requireText, requireUuid } from '../shared/validation.ts';
import { type RedemptionRecord, toRedemption } from './coupon.record.ts';
import { reviveDates } from './idempotency.ts';
import { lockRanOut, type RedeemOutcome, redeemCouponSql, reverseRedemptionSql } from './redeem.sql.ts';
import type { Tx } from './transition.ts';
import { transitionError } from './transition.errors.ts';
import { runTransition } from './transition.run.ts';

const REDEMPTION_DATES = ['redeemedAt', 'reversedAt'] as const;
const MAX_METADATA_BYTES = 16 * 1024;

/**
 * Redeems the caller's locked coupon. With an `idempotencyKey`, a retry (even 20 at once)
 * returns the first Redemption and redeems nothing more.
 */
export async function redeemCoupon(
  ctx: ServiceContext,
  args: { code: string; idempotencyKey?: string | null; metadata?: unknown },
): Promise<RedemptionRecord> {
  const caller = requireCaller(ctx);
  const code = normaliseCode('code', args.code);
  const key = optionalIdempotencyKey(args.idempotencyKey) ?? null;
  const metadata = checkMetadata(args.metadata);
  return runTransition(ctx, {
    caller,
    operation: 'redeemCoupon',
    key,
    args: { code, metadata },
    revive: (stored) => reviveDates<RedemptionRecord>(stored, REDEMPTION_DATES),
    run: async (tx) => {
      const outcome = await redeemCouponSql(tx, { code, userId: caller.userId, now: ctx.clock.now(), idempotencyKey: key, metadata });
      if (!outcome.redemption) throw await redeemRefusal(tx, outcome, caller, code);
      return { value: toRedemption(outcome.redemption), eventIds: outcome.eventIds };
    },
  });
}

/** ADMIN: reverses a redemption (refund/cancel) without deleting it; gives the use back. */
export async function reverseRedemption(
  ctx: ServiceContext,
  args: { redemptionId: string; reason: string },
): Promise<RedemptionRecord> {
  const caller = requireCaller(ctx);
  if (caller.role !== 'ADMIN') throw forbidden('Only an admin may reverse a redemption');
  const redemptionId = requireUuid('redemptionId', args.redemptionId);
  const reason = requireText('reason', args.reason, { max: 500, multiline: true });
  return runTransition(ctx, {
    caller,
    operation: 'reverseRedemption',
    args: { redemptionId, reason },
    revive: (stored) => reviveDates<RedemptionRecord>(stored, REDEMPTION_DATES),
    run: async (tx) => {
      const outcome = await reverseRedemptionSql(tx, { redemptionId, adminId: caller.userId, reason, now: ctx.clock.now() });
      if (!outcome.found) throw notFound('Redemption', redemptionId);
      if (!outcome.redemption) throw new DomainError('INVALID_STATE', 'This redemption is already reversed');
      return { value: toRedemption(outcome.redemption), eventIds: outcome.eventIds };
    },
  });
}

/**
 * Why a redeem changed nothing, read while the transaction still holds the coupon's row lock. A
 * lock that passed every check but the counter's guard met the per-user redemption limit. An
 * expired lock is LOCK_EXPIRED whether the statement saw it still LOCKED (lazy expiry) or the
 * sweeper had already moved it back to ASSIGNED: the answer must not depend on a background timer.
 */
async function redeemRefusal(tx: Tx, outcome: RedeemOutcome, caller: Caller, code: string): Promise<DomainError> {
  const redeemable =
    outcome.found && outcome.active && outcome.state === 'LOCKED' && !outcome.lockExpired && outcome.lockedById === caller.userId;
  if (redeemable && !outcome.counted) {
    return new DomainError('LIMIT_REACHED', 'The per-user redemption limit of this book is reached');
  }
  const error = transitionError(outcome, caller, 'redeem');
  if (error.code === 'INVALID_STATE' && error.details.state === 'ASSIGNED' && (await lockRanOut(tx, code))) {
    return new DomainError('LOCK_EXPIRED', 'The lock on this coupon has expired: lock it again', { state: 'ASSIGNED' });
  }
  return error;
}

function checkMetadata(metadata: unknown): unknown {
  if (metadata === undefined || metadata === null) return null;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) throw badInput('metadata', 'must be a JSON object');
  requireJsonDepth('metadata', metadata);
  const size = Buffer.byteLength(JSON.stringify(metadata));
  if (size > MAX_METADATA_BYTES) throw badInput('metadata', `must be at most ${MAX_METADATA_BYTES} bytes of JSON`);
  if (JSON.stringify(metadata).includes('\\u0000')) throw badInput('metadata', 'must not contain NUL characters');
  return metadata;
}
