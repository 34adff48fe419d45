import type { Book as BookRow } from '@coupons/db';
import { DomainError } from '../shared/errors.ts';

export type DiscountType = 'PERCENTAGE' | 'FIXED_AMOUNT';

/** A coupon book as services return it (money as a number of currency units, metadata as an object). */
export interface BookRecord {
  id: string;
  name: string;
  description: string | null;
  discountType: DiscountType;
  discountValue: number;
  validFrom: Date | null;
  validUntil: Date | null;
  maxAssignmentsPerUser: number | null;
  allowMultipleRedemptions: boolean;
  maxRedemptionsPerUser: number | null;
  lockTtlSeconds: number;
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** Maps a Prisma `Book` row to the domain record (Decimal → number; metadata is always an object). */
export function toBookRecord(row: BookRow): BookRecord {
  const metadata = row.metadata;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    discountType: row.discountType,
    discountValue: Number(row.discountValue),
    validFrom: row.validFrom,
    validUntil: row.validUntil,
    maxAssignmentsPerUser: row.maxAssignmentsPerUser,
    allowMultipleRedemptions: row.allowMultipleRedemptions,
    maxRedemptionsPerUser: row.maxRedemptionsPerUser,
    lockTtlSeconds: row.lockTtlSeconds,
    metadata: metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {},
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The part of a book the validity rules need. */
export type ValidityWindow = Pick<BookRecord, 'validFrom' | 'validUntil'>;

/**
 * A book is active from `validFrom` (inclusive) until `validUntil` (exclusive); a missing bound
 * is open. `now` comes from the service clock so tests can move time.
 */
export function isBookActive(book: ValidityWindow, now: Date): boolean {
  if (book.validFrom && now.getTime() < book.validFrom.getTime()) return false;
  if (book.validUntil && now.getTime() >= book.validUntil.getTime()) return false;
  return true;
}

/** Throws BOOK_NOT_ACTIVE (saying whether it has not started or has ended) outside the window. */
export function assertBookActive(book: ValidityWindow & { id: string }, now: Date): void {
  if (isBookActive(book, now)) return;
  const notYet = book.validFrom !== null && now.getTime() < book.validFrom.getTime();
  const message = notYet
    ? `Book is not active yet: it starts at ${book.validFrom!.toISOString()}`
    : `Book is no longer active: it ended at ${book.validUntil!.toISOString()}`;
  throw new DomainError('BOOK_NOT_ACTIVE', message, { bookId: book.id });
}
