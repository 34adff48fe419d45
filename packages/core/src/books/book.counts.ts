import { Prisma } from '@coupons/db';
import { effectiveStateSql, lockLiveSql } from '../coupons/coupon.record.ts';
import type { ServiceContext } from '../shared/context.ts';
import { formatAmount, Money } from '../shared/money.ts';

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

/** What is left of a book's budget (`Book` and the `bookStats` feed). */
export interface BudgetLeft {
  /** Redemptions the book's `maxTotalRedemptions` still allows (0 when spent); null = no such budget. */
  redemptionsLeft: number | null;
  /** Discount its `maxTotalDiscountAmount` still allows, in the book's currency ("0.00" when spent); null = no such budget. */
  discountLeft: string | null;
}

/** The budget columns of a book row, as {@link budgetLeft} reads them. */
export interface BudgetCounters {
  maxTotalRedemptions: number | null;
  redeemedTotal: number;
  maxTotalDiscountAmount: { toString(): string } | null;
  discountTotal: { toString(): string };
  currency: string | null;
}

/**
 * What is left of a book's budget, from the book row's own counters: `redeemed_total` and
 * `discount_total` are what the redeem's guarded increment checks against the limits, under the
 * book row's lock (coupons/redeem.sql.ts), and what a reversal gives back — so this is exactly
 * the room the next redemption meets, read in O(1), never by counting the book's redemptions.
 * The counters move only while a book has a budget (a first budget recounts them), which is why
 * a book without one answers null.
 */
export function budgetLeft(book: BudgetCounters): BudgetLeft {
  const redemptionsLeft = book.maxTotalRedemptions === null ? null : Math.max(book.maxTotalRedemptions - book.redeemedTotal, 0);
  let discountLeft: string | null = null;
  // The CHECK constraint book_budget_check: a discount budget always has a currency.
  if (book.maxTotalDiscountAmount !== null && book.currency) {
    const left = new Money(book.maxTotalDiscountAmount.toString()).minus(book.discountTotal.toString());
    discountLeft = formatAmount(left.isNegative() ? new Money(0) : left, book.currency);
  }
  return { redemptionsLeft, discountLeft };
}
