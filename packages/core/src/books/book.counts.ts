import { Prisma } from '@coupons/db';
import { effectiveStateSql, lockLiveSql } from '../coupons/coupon.record.ts';
import type { ServiceContext } from '../shared/context.ts';

/** How many coupons of a book are in each state right now (`Book.counts` and the `bookStats` feed). */
export interface BookCounts {
  unassigned: number;
  /** Includes LOCKED coupons whose lock has expired (they behave as ASSIGNED everywhere). */
  assigned: number;
  /** Only unexpired locks. */
  locked: number;
  redeemed: number;
  total: number;
}

export const EMPTY_BOOK_COUNTS: Readonly<BookCounts> = { unassigned: 0, assigned: 0, locked: 0, redeemed: 0, total: 0 };

/**
 * The aggregate columns of {@link BookCounts} over coupon rows aliased `alias`, by the lazy-expiry
 * rule (an expired lock counts as assigned, so the numbers never wait for the sweeper).
 */
export function bookCountColumns(now: Date, alias = 'c'): Prisma.Sql {
  const state = effectiveStateSql(now, alias);
  return Prisma.sql`
    count(*) FILTER (WHERE ${state} = 'UNASSIGNED')::int AS unassigned,
    count(*) FILTER (WHERE ${state} = 'ASSIGNED')::int AS assigned,
    count(*) FILTER (WHERE ${lockLiveSql(now, alias)})::int AS locked,
    count(*) FILTER (WHERE ${state} = 'REDEEMED')::int AS redeemed,
    count(*)::int AS total`;
}

/**
 * Counts per state for many books in one GROUP BY (the DataLoader batch function behind
 * `Book.counts`). Results are in the order of `bookIds`; unknown books count zero.
 */
export async function loadBookCounts(ctx: ServiceContext, bookIds: readonly string[]): Promise<BookCounts[]> {
  if (bookIds.length === 0) return [];
  const rows = await ctx.db.prisma.$queryRaw<Array<BookCounts & { bookId: string }>>(Prisma.sql`
    SELECT c.book_id::text AS "bookId", ${bookCountColumns(ctx.clock.now())}
      FROM coupon c
     WHERE c.book_id = ANY(${[...bookIds]}::uuid[])
     GROUP BY book_id`);
  const byId = new Map(rows.map(({ bookId, ...counts }) => [bookId, counts]));
  return bookIds.map((id) => byId.get(id) ?? { ...EMPTY_BOOK_COUNTS });
}
