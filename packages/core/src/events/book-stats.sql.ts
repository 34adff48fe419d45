import { type Database, Prisma } from '@coupons/db';
import { type BookCounts, type BudgetLeft, bookCountsSql, budgetLeft } from '../books/book.counts.ts';

/**
 * What the `bookStats(bookId)` subscription sends: a book's live counters (the same counts as
 * `Book.counts`) and what is left of its budget (the same as `Book.redemptionsLeft`/`discountLeft`).
 */
export interface BookStats extends BookCounts, BudgetLeft {
  bookId: string;
  /** Checkouts in progress: coupons under an unexpired lock (same number as `locked`, named for dashboards). */
  activeLocks: number;
  /** Redemption rows written in the 60 seconds before `serverTime` (reversed ones included: they happened). */
  redemptionsLastMinute: number;
  serverTime: Date;
}

interface StatsRow extends BookCounts {
  book_id: string;
  redemptions_last_minute: number;
  max_total_redemptions: number | null;
  redeemed_total: number;
  max_total_discount_amount: string | null;
  discount_total: string;
  currency: string | null;
}

/**
 * Counters of several books at `now`, one statement (books that do not exist are absent from the
 * map), read by {@link bookCountsSql} like `Book.counts`. No authorization: callers check.
 * Cost does not grow with a book's size (a few counter rows and the live locks); the live feed
 * still reads it at most a few times per second per book and shares it between subscribers.
 * The budget left costs nothing more: it comes from the book row's own counters (`budgetLeft`).
 */
export async function unsafeReadBookStats(
  db: Database,
  bookIds: readonly string[],
  now: Date,
): Promise<Map<string, BookStats>> {
  if (bookIds.length === 0) return new Map();
  const rows = await db.prisma.$queryRaw<StatsRow[]>(Prisma.sql`
    SELECT b.id::text AS book_id,
           coalesce(s.unassigned, 0)::int AS unassigned, coalesce(s.assigned, 0)::int AS assigned,
           coalesce(s.locked, 0)::int AS locked, coalesce(s.redeemed, 0)::int AS redeemed,
           coalesce(s.total, 0)::int AS total,
           (SELECT count(*) FROM redemption r
             WHERE r.book_id = b.id AND r.redeemed_at > ${now}::timestamptz - interval '1 minute'
               AND r.redeemed_at <= ${now}::timestamptz)::int AS redemptions_last_minute,
           b.max_total_redemptions, b.redeemed_total, b.max_total_discount_amount::text AS max_total_discount_amount,
           b.discount_total::text AS discount_total, b.currency
      FROM book b
      LEFT JOIN LATERAL ${bookCountsSql(now, Prisma.sql`b.id`)} s ON true
     WHERE b.id = ANY(${[...bookIds]}::uuid[])`);
  return new Map(
    rows.map((row) => [
      row.book_id,
      {
        bookId: row.book_id,
        unassigned: row.unassigned,
        assigned: row.assigned,
        locked: row.locked,
        redeemed: row.redeemed,
        total: row.total,
        activeLocks: row.locked,
        redemptionsLastMinute: row.redemptions_last_minute,
        ...budgetLeft({
          maxTotalRedemptions: row.max_total_redemptions,
          redeemedTotal: row.redeemed_total,
          maxTotalDiscountAmount: row.max_total_discount_amount,
          discountTotal: row.discount_total,
          currency: row.currency,
        }),
        serverTime: now,
      },
    ]),
  );
}

/** Two stats say the same thing (ignoring when they were read). */
export function sameBookStats(a: BookStats | null, b: BookStats): boolean {
  return (
    a !== null &&
    a.unassigned === b.unassigned &&
    a.assigned === b.assigned &&
    a.locked === b.locked &&
    a.redeemed === b.redeemed &&
    a.total === b.total &&
    a.redemptionsLastMinute === b.redemptionsLastMinute &&
    a.redemptionsLeft === b.redemptionsLeft &&
    a.discountLeft === b.discountLeft
  );
}
