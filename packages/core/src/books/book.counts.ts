import { Prisma } from '@coupons/db';
import type { ServiceContext } from '../shared/context.ts';

/** How many coupons of a book are in each state right now. */
export interface BookCounts {
  unassigned: number;
  /** Includes LOCKED coupons whose lock has expired (they behave as ASSIGNED everywhere). */
  assigned: number;
  /** Only unexpired locks. */
  locked: number;
  redeemed: number;
  total: number;
}

const EMPTY: BookCounts = { unassigned: 0, assigned: 0, locked: 0, redeemed: 0, total: 0 };

/**
 * Counts per state for many books in one GROUP BY (the DataLoader batch function behind
 * `Book.counts`). Results are in the order of `bookIds`; unknown books count zero.
 * An expired lock (`lock_expires_at <= now`) counts as assigned, the same lazy rule every
 * coupon operation applies, so the numbers never wait for the sweeper.
 */
export async function loadBookCounts(ctx: ServiceContext, bookIds: readonly string[]): Promise<BookCounts[]> {
  if (bookIds.length === 0) return [];
  const now = ctx.clock.now();
  const rows = await ctx.db.prisma.$queryRaw<Array<BookCounts & { bookId: string }>>(Prisma.sql`
    SELECT book_id::text AS "bookId",
           count(*) FILTER (WHERE state = 'UNASSIGNED')::int AS unassigned,
           count(*) FILTER (WHERE state = 'ASSIGNED'
                              OR (state = 'LOCKED' AND lock_expires_at <= ${now}))::int AS assigned,
           count(*) FILTER (WHERE state = 'LOCKED'
                              AND (lock_expires_at IS NULL OR lock_expires_at > ${now}))::int AS locked,
           count(*) FILTER (WHERE state = 'REDEEMED')::int AS redeemed,
           count(*)::int AS total
      FROM coupon
     WHERE book_id = ANY(${[...bookIds]}::uuid[])
     GROUP BY book_id`);
  const byId = new Map(rows.map(({ bookId, ...counts }) => [bookId, counts]));
  return bookIds.map((id) => byId.get(id) ?? { ...EMPTY });
}
