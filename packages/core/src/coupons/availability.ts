import { Prisma } from '@coupons/db';
import { DomainError } from '../shared/errors.ts';

// Whether a coupon can be used now, one rule for every transition: its book is ACTIVE (not
// paused or archived by an admin), inside its validity window, and the code is not past its own
// expiry (updateCoupon). Transitions evaluate it in SQL in the statement that holds the coupon's
// row lock, so a pause racing a claim answers as if it ran wholly before or after it.

/** Why a coupon cannot be used, as transitions report it (null: it can). */
export type InactiveReason = 'PAUSED' | 'ARCHIVED' | 'NOT_STARTED' | 'ENDED' | 'CODE_EXPIRED';

/**
 * SQL text of the {@link InactiveReason} at `now` for the book aliased `book` and, when given,
 * the coupon aliased `coupon`; NULL when usable. The first reason wins, in this order.
 */
export function inactiveReasonSql(now: Date, book = 'b', coupon?: string): Prisma.Sql {
  const b = Prisma.raw(book);
  const codeExpired = coupon
    ? Prisma.sql`WHEN ${Prisma.raw(coupon)}.expires_at IS NOT NULL AND ${Prisma.raw(coupon)}.expires_at <= ${now} THEN 'CODE_EXPIRED'`
    : Prisma.empty;
  return Prisma.sql`(CASE
    WHEN ${b}.status <> 'ACTIVE' THEN ${b}.status::text
    WHEN ${b}.valid_from IS NOT NULL AND ${b}.valid_from > ${now} THEN 'NOT_STARTED'
    WHEN ${b}.valid_until IS NOT NULL AND ${b}.valid_until <= ${now} THEN 'ENDED'
    ${codeExpired}
  END)`;
}

/** What the book's part of the rule reads (a `BookRecord` has it). */
export interface BookAvailability {
  status: 'ACTIVE' | 'PAUSED' | 'ARCHIVED';
  validFrom: Date | null;
  validUntil: Date | null;
}

/**
 * The book's part of {@link inactiveReasonSql} in JavaScript, for a caller that holds the book row
 * itself (a distribution locks it `FOR SHARE`): the same reasons, in the same order, with the
 * same sides of each instant (`validFrom` inclusive, `validUntil` exclusive). Null: usable.
 */
export function bookInactiveReason(book: BookAvailability, now: Date): InactiveReason | null {
  if (book.status !== 'ACTIVE') return book.status;
  if (book.validFrom !== null && book.validFrom.getTime() > now.getTime()) return 'NOT_STARTED';
  if (book.validUntil !== null && book.validUntil.getTime() <= now.getTime()) return 'ENDED';
  return null;
}

const MESSAGES: Record<InactiveReason, string> = {
  PAUSED: 'This campaign is paused: its coupons cannot be used right now',
  ARCHIVED: 'This campaign has been archived: its coupons can no longer be used',
  NOT_STARTED: 'This campaign has not started yet',
  ENDED: 'This campaign has ended',
  CODE_EXPIRED: 'This code has expired',
};

/** BOOK_NOT_ACTIVE saying why, with the reason in `extensions.reason`. */
export function notActive(reason: string | null | undefined): DomainError {
  const known = reason && reason in MESSAGES ? (reason as InactiveReason) : 'ENDED';
  return new DomainError('BOOK_NOT_ACTIVE', MESSAGES[known], { reason: known });
}
