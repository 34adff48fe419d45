import { announceCommitted } from '../events/announcer.ts';
import { requireCaller, type ServiceContext } from '../shared/context.ts';
import { badInput, DomainError, forbidden, notFound } from '../shared/errors.ts';
import type { SqlClient } from '../shared/sql.ts';
import { normaliseCode, optionalIdempotencyKey, requireJsonDepth, requireUuid } from '../shared/validation.ts';
import { type RedemptionRecord, toRedemption } from './coupon.record.ts';
import { reviveDates, runIdempotent } from './idempotency.ts';
import type { TransitionOutcome } from './lock.sql.ts';
import { lockRanOut, redeemCouponSql, reverseRedemptionSql } from './redeem.sql.ts';
import { transitionError } from './transition.errors.ts';

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
  const run = async (sql: SqlClient) => {
    const outcome = await redeemCouponSql(sql, {
      code,
      userId: caller.userId,
      now: ctx.clock.now(),
      idempotencyKey: key,
      metadata,
    });
    if (!outcome.redemption) {
      throw outcome.found && outcome.active && !outcome.counted && outcome.state === 'LOCKED' && !outcome.lockExpired
        && outcome.lockedById === caller.userId
        ? new DomainError('LIMIT_REACHED', 'The per-user redemption limit of this book is reached')
        : await redeemRefusal(sql, outcome, caller.userId, code);
    }
    return { redemption: toRedemption(outcome.redemption), eventIds: outcome.eventIds };
  };
  if (!key) {
    const { redemption, eventIds } = await run(ctx.db.prisma);
    announceCommitted(ctx, eventIds);
    return redemption;
  }
  const { result, executed } = await runIdempotent(ctx, {
    userId: caller.userId,
    key,
    operation: 'redeemCoupon',
    args: { code, metadata },
    run,
    serialize: (r) => r.redemption,
    deserialize: (stored) => ({ redemption: reviveDates<RedemptionRecord>(stored, REDEMPTION_DATES), eventIds: [] }),
  });
  if (executed) announceCommitted(ctx, result.eventIds);
  return result.redemption;
}

/** ADMIN: reverses a redemption (refund/cancel) without deleting it; gives the use back. */
export async function reverseRedemption(
  ctx: ServiceContext,
  args: { redemptionId: string; reason: string },
): Promise<RedemptionRecord> {
  const caller = requireCaller(ctx);
  if (caller.role !== 'ADMIN') throw forbidden('Only an admin may reverse a redemption');
  const redemptionId = requireUuid('redemptionId', args.redemptionId);
  const reason = typeof args.reason === 'string' ? args.reason.trim() : '';
  if (reason.length < 1 || reason.length > 500) throw badInput('reason', 'must be 1 to 500 characters');
  const outcome = await reverseRedemptionSql(ctx.db.prisma, {
    redemptionId,
    adminId: caller.userId,
    reason,
    now: ctx.clock.now(),
  });
  if (!outcome.found) throw notFound('Redemption', redemptionId);
  if (!outcome.redemption) throw new DomainError('INVALID_STATE', 'This redemption is already reversed');
  announceCommitted(ctx, outcome.eventIds);
  return toRedemption(outcome.redemption);
}

/**
 * Why a redeem changed nothing. An expired lock is LOCK_EXPIRED whether the statement saw it
 * still LOCKED (lazy expiry) or the sweeper had already moved it back to ASSIGNED: the answer
 * must not depend on a background timer.
 */
async function redeemRefusal(sql: SqlClient, outcome: TransitionOutcome, userId: string, code: string): Promise<DomainError> {
  const error = transitionError(outcome, userId, 'redeem');
  if (error.code === 'INVALID_STATE' && error.details.state === 'ASSIGNED' && (await lockRanOut(sql, code))) {
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
