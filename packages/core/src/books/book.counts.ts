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
 * rule (an expired lock counts as assigned, so the numbers never wait for the sweeper). This
 * counts every coupon of the book: it is the reference that {@link bookCountsSql} must equal
 * (tests compare them), not what the API reads.
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
 * A subquery of one row with the {@link BookCounts} columns of the book `bookId` (an SQL
 * expression, e.g. a column of the outer query), at `now`: the stored states from
 * book_state_count (a few rows per book, kept by triggers on coupon in the same transactions
 * as the coupons), and the live locks counted through the (book_id, state, …) index, the only
 * coupons read. A lock past its expiry is still LOCKED in storage and counts as assigned, as
 * {@link bookCountColumns} says. One statement, so one snapshot: the two parts agree.
 */
export function bookCountsSql(now: Date, bookId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(
    SELECT coalesce(sum(k.n) FILTER (WHERE k.state = 'UNASSIGNED'), 0)::int AS unassigned,
           (coalesce(sum(k.n) FILTER (WHERE k.state IN ('ASSIGNED', 'LOCKED')), 0) - l.live)::int AS assigned,
           l.live::int AS locked,
           coalesce(sum(k.n) FILTER (WHERE k.state = 'REDEEMED'), 0)::int AS redeemed,
           coalesce(sum(k.n), 0)::int AS total
      FROM (SELECT count(*) AS live FROM coupon c WHERE c.book_id = ${bookId} AND ${lockLiveSql(now, 'c')}) l
      LEFT JOIN book_state_count k ON k.book_id = ${bookId}
     GROUP BY l.live)`;
}

/**
 * Counts per state for many books in one statement (the DataLoader batch function behind
 * `Book.counts`), from {@link bookCountsSql}: a 10M-code book costs what a 1k-code one does.
 * Results are in the order of `bookIds`; unknown books count zero.
 */
export async function loadBookCounts(ctx: ServiceContext, bookIds: readonly string[]): Promise<BookCounts[]> {
  if (bookIds.length === 0) return [];
  const rows = await ctx.db.prisma.$queryRaw<Array<BookCounts & { bookId: string }>>(Prisma.sql`
    SELECT b.id::text AS "bookId", s.*
      FROM unnest(${[...bookIds]}::uuid[]) AS b(id)
      CROSS JOIN LATERAL ${bookCountsSql(ctx.clock.now(), Prisma.sql`b.id`)} s`);
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

/** The redemptions of a book that stand (not reversed) and the discount they granted. */
export interface RedemptionTotals {
  redeemedTotal: number;
  /** A decimal string in the book's currency, with its minor digits (as `Book.discountTotal`). */
  discountTotal: string;
}

/**
 * {@link RedemptionTotals} of a book: its own counters while it has a budget (what the budget
 * checks, so `redemptionsLeft` and `redeemedTotal` always add up), else `fromSlots` — the same
 * totals kept for every book by the trigger on redemption in book_redemption_total
 * (see {@link loadRedemptionTotals}), which a book without a budget has no counters for.
 */
export function redemptionTotals(
  book: { maxTotalRedemptions: number | null; maxTotalDiscountAmount: unknown; redeemedTotal: number; discountTotal: string; currency: string | null },
  fromSlots: () => Promise<{ n: number; discount: string }>,
): RedemptionTotals | Promise<RedemptionTotals> {
  if (book.maxTotalRedemptions !== null || book.maxTotalDiscountAmount !== null) {
    return { redeemedTotal: book.redeemedTotal, discountTotal: book.discountTotal };
  }
  return fromSlots().then(({ n, discount }) => ({
    redeemedTotal: n,
    discountTotal: book.currency ? formatAmount(new Money(discount), book.currency) : new Money(discount).toString(),
  }));
}

/**
 * The standing redemptions and their discount of many books in one statement (the DataLoader
 * batch behind `Book.redeemedTotal` and `discountTotal` of books without a budget): the sum of
 * each book's book_redemption_total slots, at most 128 rows a book, whatever its redemptions.
 * Results are in the order of `bookIds`; a book with none (or unknown) has zeros.
 */
export async function loadRedemptionTotals(ctx: ServiceContext, bookIds: readonly string[]): Promise<Array<{ n: number; discount: string }>> {
  if (bookIds.length === 0) return [];
  const rows = await ctx.db.prisma.$queryRaw<Array<{ bookId: string; n: number; discount: string }>>(Prisma.sql`
    SELECT t.book_id::text AS "bookId", sum(t.n)::int AS n, sum(t.discount)::text AS discount
      FROM book_redemption_total t
     WHERE t.book_id = ANY(${[...bookIds]}::uuid[])
     GROUP BY t.book_id`);
  const byId = new Map(rows.map(({ bookId, ...totals }) => [bookId, totals]));
  return bookIds.map((id) => byId.get(id) ?? { n: 0, discount: '0' });
}
