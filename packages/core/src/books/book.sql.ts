import { type Book as BookRow, Prisma } from '@coupons/db';
import type { SqlClient } from '../shared/sql.ts';
import { type BookRecord, toBookRecord } from './book.model.ts';

/**
 * How a transaction holds a book row while it works from what it read:
 * - `update` (`FOR NO KEY UPDATE`): updateBook's read-merge-write. A second updateBook, and any
 *   `share` holder, waits until we commit, then reads our version. It does not block the
 *   `FOR KEY SHARE` that foreign-key checks take (code uploads, claims, redemptions go on).
 * - `share` (`FOR SHARE`): a reader that acts on the book's rules (distribution acting on
 *   `maxAssignmentsPerUser`, the validity window and the status). Readers do not block each
 *   other; an updateBook, a pause or an archive waits for them, so their rules cannot change
 *   under them before they commit.
 */
export type BookLockMode = 'keyShare' | 'update' | 'share' | 'exclusive';

/**
 * - `keyShare` (`FOR KEY SHARE`): a write that points at the book (an endpoint's book filter), as
 *   its foreign key would lock it, only first: a delete in flight makes it wait and then find no
 *   book (NOT_FOUND from the statement, not from the foreign key). Blocks only deletes.
 * - `exclusive` (`FOR UPDATE`): a change that must not race a claim — the discount terms once
 *   coupons may be out, a delete. Claims take `FOR KEY SHARE` on the book (the foreign-key check
 *   of their per-user counter), so this waits for claims in flight and holds off new ones.
 */
const LOCK_CLAUSE: Record<BookLockMode, Prisma.Sql> = {
  keyShare: Prisma.sql`FOR KEY SHARE`,
  update: Prisma.sql`FOR NO KEY UPDATE`,
  share: Prisma.sql`FOR SHARE`,
  exclusive: Prisma.sql`FOR UPDATE`,
};

/**
 * True when a coupon of the book was ever assigned: a per-user counter row exists from the first
 * claim on (counters are never deleted), whatever happened to the coupon since.
 */
export async function bookCouponsWereOut(tx: SqlClient, bookId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<Array<{ out: boolean }>>(Prisma.sql`
    SELECT EXISTS (SELECT 1 FROM user_book_counter WHERE book_id = ${bookId}::uuid)
        OR EXISTS (SELECT 1 FROM coupon WHERE book_id = ${bookId}::uuid AND state <> 'UNASSIGNED') AS out`);
  return rows[0]?.out === true;
}

/**
 * Locks a book's row in the caller's transaction and returns its latest committed version, or
 * null when there is no such book. Under READ COMMITTED a row lock waits for a concurrent writer
 * and then returns the version it committed, so what we read stays the truth until we commit.
 * Must run on a transaction's `tx` (on the bare client the lock ends with the statement).
 */
export async function selectBookLocked(tx: SqlClient, id: string, mode: BookLockMode): Promise<BookRecord | null> {
  const rows = await tx.$queryRaw<BookRow[]>(Prisma.sql`
    SELECT ${BOOK_ROW_COLUMNS} FROM book WHERE id = ${id}::uuid
    ${LOCK_CLAUSE[mode]}`);
  return rows[0] ? toBookRecord(rows[0]) : null;
}

/** The columns of a `book` row under the names of Prisma's `Book`, for {@link toBookRecord}, in raw SQL. */
export const BOOK_ROW_COLUMNS = Prisma.sql`
  id::text AS id, name, description, discount_type::text AS "discountType", discount_value AS "discountValue",
  valid_from AS "validFrom", valid_until AS "validUntil", max_assignments_per_user AS "maxAssignmentsPerUser",
  allow_multiple_redemptions AS "allowMultipleRedemptions", max_redemptions_per_user AS "maxRedemptionsPerUser",
  lock_ttl_seconds AS "lockTtlSeconds", currency, min_order_amount AS "minOrderAmount", metadata,
  status::text AS status, status_changed_at AS "statusChangedAt",
  max_total_redemptions AS "maxTotalRedemptions", redeemed_total AS "redeemedTotal",
  max_total_discount_amount AS "maxTotalDiscountAmount", discount_total AS "discountTotal",
  created_at AS "createdAt", updated_at AS "updatedAt"`;
