import { setTimeout as sleep } from 'node:timers/promises';
import { SESSION_REVOKED } from '../auth/user-session.service.ts';
import { customerRefusal } from '../users/customer.service.ts';
import { notActive } from './availability.ts';
import { requireCaller, type Caller, type ServiceContext } from '../shared/context.ts';
import { DomainError, forbidden, notFound, unauthenticated } from '../shared/errors.ts';
import { normaliseCode, optionalIdempotencyKey, requireUuid } from '../shared/validation.ts';
import { type Claimant, type ClaimOutcome, claimCouponByCode, claimRandomCoupon } from './assign.sql.ts';
import { type CouponRecord, type CouponRow, toCoupon } from './coupon.record.ts';
import { reviveDates } from './idempotency.ts';
import { type TransitionResult, runTransition } from './transition.run.ts';

const COUPON_DATES = ['assignedAt', 'lockExpiresAt', 'expiresAt', 'createdAt', 'updatedAt'] as const;
const reviveCoupon = (stored: unknown) => reviveDates<CouponRecord>(stored, COUPON_DATES);

/** Retries when every unassigned coupon is momentarily locked by other claimers. */
const SOLD_OUT_RETRIES = 5;
/** Then attempts that wait for those locks (claimRandomCoupon's `wait`), each until a holder ends. */
const WAITING_ATTEMPTS = 3;

export interface AssignRandomArgs {
  bookId: string;
  /** ADMIN only: assign to this user instead of the caller. */
  userId?: string | null;
  idempotencyKey?: string | null;
}

/**
 * Assigns a random unassigned coupon of the book to the caller (or, for an ADMIN, to `userId`).
 * Errors: NOT_FOUND (book/user), BOOK_NOT_ACTIVE, LIMIT_REACHED, SOLD_OUT, FORBIDDEN (USER
 * naming another user), and for an account that cannot hold coupons (disabled or erased, decided
 * under the lock of its row: see assign.sql.ts) those of {@link claimantRefusal}.
 */
export async function assignRandomCoupon(ctx: ServiceContext, args: AssignRandomArgs): Promise<CouponRecord> {
  const caller = requireCaller(ctx);
  const bookId = requireUuid('bookId', args.bookId);
  const userId = targetUser(caller, args.userId);
  const key = optionalIdempotencyKey(args.idempotencyKey);
  for (let attempt = 0; ; attempt++) {
    try {
      return await runTransition(ctx, {
        caller,
        operation: 'assignRandomCoupon',
        key,
        args: { bookId, userId },
        revive: reviveCoupon,
        run: async (tx) => {
          const wait = attempt >= SOLD_OUT_RETRIES;
          const outcome = await claimRandomCoupon(tx, { bookId, userId, actorId: caller.userId, now: ctx.clock.now(), wait });
          // SKIP LOCKED found nothing, but rows may only be locked by claimers that will fail (a
          // limit) and release them, or by a deleteBook: look again, outside the transaction,
          // before saying SOLD_OUT; after a few tries, wait for those locks, so the answer is what
          // their holders did (the codes taken: SOLD_OUT; a code released: it; the book deleted:
          // NOT_FOUND), as if the claims had run one after the other. The claim itself says whether
          // any unassigned row is left, so a book that is really sold out answers after one attempt.
          const soldOut = outcome.claimant === 'OK' && outcome.bookFound && outcome.active && !outcome.picked;
          if (soldOut && outcome.unassignedLeft && attempt < SOLD_OUT_RETRIES + WAITING_ATTEMPTS) throw new LockedByOthers();
          return checkClaim(outcome, 'Book', bookId, caller, userId);
        },
      });
    } catch (error) {
      if (!(error instanceof LockedByOthers)) throw error;
      if (attempt < SOLD_OUT_RETRIES) await sleep(2 + attempt * 5);
    }
  }
}

/** Every unassigned coupon was locked by a concurrent claimer: try again shortly. */
class LockedByOthers extends Error {}

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
  return runTransition(ctx, {
    caller,
    operation: 'assignCoupon',
    key: optionalIdempotencyKey(args.idempotencyKey),
    args: { code, userId },
    revive: reviveCoupon,
    run: async (tx) => {
      const outcome = await claimCouponByCode(tx, { code, userId, actorId: caller.userId, now: ctx.clock.now() });
      return checkClaim(outcome, 'Coupon', code, caller, userId);
    },
  });
}

/** Names the failure of a claim from what its statement observed. */
function checkClaim(outcome: ClaimOutcome, what: string, id: string, caller: Caller, userId: string): TransitionResult<CouponRecord> {
  if (outcome.claimant !== 'OK') throw claimantRefusal(outcome.claimant, caller, userId);
  if (!outcome.bookFound) throw notFound(what, id);
  if (outcome.coupon) return { value: toCoupon(outcome.coupon as CouponRow), eventIds: [outcome.eventId] };
  // Claiming a free code by code is what the call is for; a taken code that is not the shopper's
  // answers exactly like one that does not exist (codes cannot be probed).
  const takenByAnother = outcome.couponState !== null && outcome.couponState !== 'UNASSIGNED' && outcome.couponOwnerId !== caller.userId;
  if (caller.role !== 'ADMIN' && takenByAnother) throw notFound(what, id);
  if (!outcome.active) throw notActive(outcome.inactiveReason);
  if (outcome.couponState && outcome.couponState !== 'UNASSIGNED') {
    throw new DomainError('INVALID_STATE', `The coupon is ${outcome.couponState}, not UNASSIGNED`, {
      state: outcome.couponState,
    });
  }
  if (!outcome.picked) throw new DomainError('SOLD_OUT', 'No unassigned coupon is left in this book');
  if (!outcome.counted) throw new DomainError('LIMIT_REACHED', 'The per-user assignment limit of this book is reached');
  throw new Error('claim refused with no stated reason: the coupon was locked, UNASSIGNED, in an active book and counted');
}

/**
 * A claim for an account that cannot hold coupons, answered as the serial order in which the
 * claim came after the change would answer it:
 * - a person claiming for themself was disabled or erased: their token is refused from then on
 *   (UNAUTHENTICATED, as the session check says);
 * - a key or an admin acting for a shop's customer (`customerId`) who is disabled or erased:
 *   FORBIDDEN (the customer may not use coupons; an admin can enable them);
 * - an admin's assignment to another account: NOT_FOUND for an unknown id, INVALID_STATE for a
 *   disabled or erased one (enable them first).
 */
function claimantRefusal(claimant: Exclude<Claimant, 'OK'>, caller: Caller, userId: string): DomainError {
  if (claimant === 'MISSING') return notFound('User', userId);
  if (userId !== caller.userId) {
    const message = claimant === 'ERASED' ? 'This user was erased: they cannot be given coupons' : 'This user is disabled: enable them before giving them coupons';
    return new DomainError('INVALID_STATE', message, { userId });
  }
  if (caller.customer) return customerRefusal(claimant);
  return unauthenticated(SESSION_REVOKED);
}

function targetUser(caller: Caller, userId: string | null | undefined): string {
  if (userId === null || userId === undefined) return caller.userId;
  const id = requireUuid('userId', userId);
  if (caller.role !== 'ADMIN' && id !== caller.userId) throw forbidden('Only an admin may assign to another user');
  return id;
}
