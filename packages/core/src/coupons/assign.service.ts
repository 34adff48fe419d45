import { setTimeout as sleep } from 'node:timers/promises';
import { announceCommitted } from '../events/announcer.ts';
import { requireCaller, type Caller, type ServiceContext } from '../shared/context.ts';
import { DomainError, forbidden, notFound } from '../shared/errors.ts';
import type { SqlClient } from '../shared/sql.ts';
import { normaliseCode, optionalIdempotencyKey, requireUuid } from '../shared/validation.ts';
import { type ClaimOutcome, claimCouponByCode, claimRandomCoupon } from './assign.sql.ts';
import { type CouponRecord, type CouponRow, toCoupon } from './coupon.record.ts';
import { reviveDates, runIdempotent } from './idempotency.ts';

const COUPON_DATES = ['assignedAt', 'lockExpiresAt', 'createdAt', 'updatedAt'] as const;

/** Retries when every unassigned coupon is momentarily locked by other claimers. */
const SOLD_OUT_RETRIES = 5;

export interface AssignRandomArgs {
  bookId: string;
  /** ADMIN only: assign to this user instead of the caller. */
  userId?: string | null;
  idempotencyKey?: string | null;
}

/**
 * Assigns a random unassigned coupon of the book to the caller (or, for an ADMIN, to `userId`).
 * Errors: NOT_FOUND (book/user), BOOK_NOT_ACTIVE, LIMIT_REACHED, SOLD_OUT, FORBIDDEN (USER
 * naming another user).
 */
export async function assignRandomCoupon(ctx: ServiceContext, args: AssignRandomArgs): Promise<CouponRecord> {
  const caller = requireCaller(ctx);
  const bookId = requireUuid('bookId', args.bookId);
  const userId = targetUser(caller, args.userId);
  const key = optionalIdempotencyKey(args.idempotencyKey);
  const run = (sql: SqlClient) => claimRandomWithRetry(ctx, sql, bookId, userId, caller.userId);
  return finishClaim(ctx, caller, key, 'assignRandomCoupon', { bookId, userId }, run);
}

export interface AssignByCodeArgs {
  code: string;
  userId?: string | null;
  idempotencyKey?: string | null;
}

/** Assigns the coupon with this code (case-insensitive) to the caller or, for an ADMIN, `userId`. */
export async function assignCoupon(ctx: ServiceContext, args: AssignByCodeArgs): Promise<CouponRecord> {
  const caller = requireCaller(ctx);
  const code = normaliseCode('code', args.code);
  const userId = targetUser(caller, args.userId);
  const key = optionalIdempotencyKey(args.idempotencyKey);
  const run = async (sql: SqlClient) => {
    const outcome = await claimCouponByCode(sql, { code, userId, actorId: caller.userId, now: ctx.clock.now() });
    return checkClaim(outcome, 'Coupon', code);
  };
  return finishClaim(ctx, caller, key, 'assignCoupon', { code, userId }, run);
}

async function finishClaim(
  ctx: ServiceContext,
  caller: Caller,
  key: string | undefined,
  operation: string,
  args: unknown,
  run: (sql: SqlClient) => Promise<{ coupon: CouponRecord; eventId: string | null }>,
): Promise<CouponRecord> {
  if (!key) {
    const { coupon, eventId } = await run(ctx.db.prisma);
    announceCommitted(ctx, [eventId]);
    return coupon;
  }
  const { result, executed } = await runIdempotent(ctx, {
    userId: caller.userId,
    key,
    operation,
    args,
    run,
    serialize: (r) => r.coupon,
    deserialize: (stored) => ({ coupon: reviveDates<CouponRecord>(stored, COUPON_DATES), eventId: null }),
  });
  if (executed) announceCommitted(ctx, [result.eventId]);
  return result.coupon;
}

async function claimRandomWithRetry(
  ctx: ServiceContext,
  sql: SqlClient,
  bookId: string,
  userId: string,
  actorId: string,
): Promise<{ coupon: CouponRecord; eventId: string | null }> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await claimRandomCoupon(sql, { bookId, userId, actorId, now: ctx.clock.now() });
    const soldOut = outcome.bookFound && outcome.active && !outcome.picked;
    // SKIP LOCKED found nothing, but rows may only be locked by claimers that will fail (a limit)
    // and release them: look again before saying SOLD_OUT. The claim itself says whether any
    // unassigned row is left, so a book that is really sold out answers after one round trip.
    if (soldOut && attempt < SOLD_OUT_RETRIES && outcome.unassignedLeft) {
      await sleep(2 + attempt * 5);
      continue;
    }
    return checkClaim(outcome, 'Book', bookId);
  }
}

/** Names the failure of a claim from what its statement observed. */
function checkClaim(outcome: ClaimOutcome, what: string, id: string): { coupon: CouponRecord; eventId: string | null } {
  if (!outcome.bookFound) throw notFound(what, id);
  if (outcome.coupon) return { coupon: toCoupon(outcome.coupon as CouponRow), eventId: outcome.eventId };
  if (!outcome.active) throw new DomainError('BOOK_NOT_ACTIVE', 'The book is outside its validity window');
  if (outcome.couponState && outcome.couponState !== 'UNASSIGNED') {
    throw new DomainError('INVALID_STATE', `The coupon is ${outcome.couponState}, not UNASSIGNED`, {
      state: outcome.couponState,
    });
  }
  if (!outcome.picked) throw new DomainError('SOLD_OUT', 'No unassigned coupon is left in this book');
  throw new DomainError('LIMIT_REACHED', 'The per-user assignment limit of this book is reached');
}

function targetUser(caller: Caller, userId: string | null | undefined): string {
  if (userId === null || userId === undefined) return caller.userId;
  const id = requireUuid('userId', userId);
  if (caller.role !== 'ADMIN' && id !== caller.userId) throw forbidden('Only an admin may assign to another user');
  return id;
}
