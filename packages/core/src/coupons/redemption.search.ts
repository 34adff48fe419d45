import { type DatabaseClients, Prisma } from '@coupons/db';
import { requireCaller, type ServiceContext } from '../shared/context.ts';
import { badInput } from '../shared/errors.ts';
import { readPageSnapshot } from '../shared/page-snapshot.ts';
import { decodeCursor, encodeCursor, type Page, type PageArgs, pageSize, toPage } from '../shared/pagination.ts';
import { readFromReplica } from '../shared/read-replica.ts';
import { normaliseCode, requireUuid } from '../shared/validation.ts';
import { type RedemptionRecord, type RedemptionRow, redemptionReturning, toRedemption } from './coupon.record.ts';
import {
  allOf,
  type CountOption,
  codePrefixSql,
  type OwnerArgs,
  type OwnerFilter,
  ownerConditions,
  parseOwnerFilter,
  parseTimeWindow,
  type SearchStatements,
} from './coupon.search.ts';
import { requireOrderId } from './discount.ts';

// The `redemptions` list and its filters. Indexes that serve each (see migration
// search_indexes): none → (redeemed_at, id); book → (book_id, redeemed_at, id); who → (user_id,
// redeemed_at); code → (coupon_id); code prefix → coupon_code_key, then (coupon_id);
// reversed: true → the partial redemption_reversed_idx; order → (order_id).

/** The filters of `redemptions`; all optional, all combinable (AND). */
export interface RedemptionSearchArgs extends PageArgs, OwnerArgs {
  bookId?: string | null;
  /** The shop's order id, exactly. */
  orderId?: string | null;
  /** The redeemed coupon's code, exactly (case-insensitive, as codes are). Not with `codePrefix`. */
  code?: string | null;
  /** Redemptions of codes starting with this. Not with `code`. */
  codePrefix?: string | null;
  /** Redeemed at or after this time. */
  redeemedAfter?: Date | null;
  /** Redeemed strictly before this time. */
  redeemedBefore?: Date | null;
  /** true: only reversed ones; false: only those that stand. */
  reversed?: boolean | null;
}

/** {@link RedemptionSearchArgs} validated: what {@link redemptionSearchSql} is built from. */
export interface RedemptionFilter extends OwnerFilter {
  bookId?: string;
  orderId?: string;
  code?: string;
  codePrefix?: string;
  redeemedAfter?: Date;
  redeemedBefore?: Date;
  reversed?: boolean;
  /** A USER's own id: they see nothing else, whatever the other filters say. */
  visibleTo?: string;
}

const given = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

/** Validates and normalises the filters of `redemptions` (BAD_USER_INPUT naming the field). */
export function parseRedemptionFilter(args: RedemptionSearchArgs): RedemptionFilter {
  const filter: RedemptionFilter = parseOwnerFilter(args);
  if (given(args.bookId)) filter.bookId = requireUuid('bookId', args.bookId);
  if (given(args.orderId)) filter.orderId = requireOrderId('orderId', args.orderId);
  if (given(args.code) && given(args.codePrefix)) throw badInput('codePrefix', 'give code or codePrefix, not both');
  if (given(args.code)) filter.code = normaliseCode('code', args.code);
  if (given(args.codePrefix)) filter.codePrefix = normaliseCode('codePrefix', args.codePrefix);
  const window = parseTimeWindow('redeemedAfter', args.redeemedAfter, 'redeemedBefore', args.redeemedBefore);
  if (window.after) filter.redeemedAfter = window.after;
  if (window.before) filter.redeemedBefore = window.before;
  if (given(args.reversed)) filter.reversed = args.reversed;
  return filter;
}

/**
 * A book's redemptions. The second condition changes no answer: it bounds the walk if the planner
 * reads them down (redeemed_at, id), the index of every book, filtering on the book, instead of
 * down the book's own index. It does that when the book holds most redemptions, expecting them
 * spread evenly over time; for a campaign that ended, every newer redemption of every other book
 * would come first. Bounded, the walk starts at the book's last redemption (one probe of its
 * index). Coupons avoid the same trap by their order (see couponSearchSql); redemptions have no
 * second time column to order by.
 */
function bookConditions(bookId: string): Prisma.Sql[] {
  return [
    Prisma.sql`r.book_id = ${bookId}::uuid`,
    Prisma.sql`r.redeemed_at <= (SELECT max(b.redeemed_at) FROM redemption b WHERE b.book_id = ${bookId}::uuid)`,
  ];
}

/**
 * The statements of a `redemptions` page, as {@link listRedemptions} sends them in one (readPageSnapshot; exported
 * for the plan test and bench/tools/explain-search.ts). Newest first: keyset on (redeemed_at, id).
 */
export function redemptionSearchSql(filter: RedemptionFilter, page: { limit: number; after?: { at: Date; id: string } | null }): SearchStatements {
  const where = allOf(redemptionConditions(filter));
  const after = page.after ? Prisma.sql`AND (r.redeemed_at, r.id) < (${page.after.at}::timestamptz, ${page.after.id}::uuid)` : Prisma.empty;
  return {
    rows: Prisma.sql`SELECT ${redemptionReturning} FROM redemption r
      WHERE ${where} ${after}
      ORDER BY r.redeemed_at DESC, r.id DESC LIMIT ${page.limit + 1}`,
    count: Prisma.sql`SELECT count(*)::int AS n FROM redemption r WHERE ${where}`,
  };
}

/** The WHERE conditions of `filter` on `redemption r` (the list's and the CSV export's). */
export function redemptionConditions(filter: RedemptionFilter): Prisma.Sql[] {
  const conditions = ownerConditions(Prisma.sql`r.user_id`, filter);
  if (filter.visibleTo) conditions.push(Prisma.sql`r.user_id = ${filter.visibleTo}::uuid`);
  if (filter.bookId) conditions.push(...bookConditions(filter.bookId));
  if (filter.orderId) conditions.push(Prisma.sql`r.order_id = ${filter.orderId}`);
  if (filter.code) conditions.push(Prisma.sql`r.coupon_id = (SELECT c.id FROM coupon c WHERE c.code = ${filter.code})`);
  if (filter.codePrefix) conditions.push(Prisma.sql`r.coupon_id IN (SELECT c.id FROM coupon c WHERE ${codePrefixSql(filter.codePrefix)})`);
  if (filter.redeemedAfter) conditions.push(Prisma.sql`r.redeemed_at >= ${filter.redeemedAfter}`);
  if (filter.redeemedBefore) conditions.push(Prisma.sql`r.redeemed_at < ${filter.redeemedBefore}`);
  if (filter.reversed === true) conditions.push(Prisma.sql`r.reversed_at IS NOT NULL`);
  if (filter.reversed === false) conditions.push(Prisma.sql`r.reversed_at IS NULL`);
  return conditions;
}

/**
 * Redemptions, newest first: a USER sees their own (the other filters narrow that further); an
 * ADMIN or an API key sees all, by book, order, who redeemed (userId, email, customerId), code
 * or code prefix, time, and reversed or not.
 */
export async function listRedemptions(ctx: ServiceContext, args: RedemptionSearchArgs, options: CountOption = {}): Promise<Page<RedemptionRecord>> {
  const caller = requireCaller(ctx);
  const limit = pageSize(args.first);
  const filter = parseRedemptionFilter(args);
  if (caller.role !== 'ADMIN') filter.visibleTo = caller.userId;
  const statements = redemptionSearchSql(filter, { limit, after: args.after ? redemptionCursor(args.after) : null });
  const count = options.withTotalCount === false ? null : statements.count;
  const list = ({ prisma }: DatabaseClients) => readPageSnapshot<RedemptionRow>(prisma, { rows: statements.rows, count });
  // An admin's list may lag a moment (read replica); a shopper's own redemptions must show the
  // one they just made, so theirs are read on the primary.
  const { rows, totalCount } = await (caller.role === 'ADMIN' ? readFromReplica(ctx, list) : list(ctx.db));
  return toPage(rows.map(toRedemption), limit, totalCount, (r) => encodeCursor([r.redeemedAt.toISOString(), r.id]));
}

/** The keyset inside a `redemptions` cursor; anything else is BAD_USER_INPUT on `after`. */
function redemptionCursor(after: string): { at: Date; id: string } {
  const [at, id] = decodeCursor(after, ['string', 'string']) as [string, string];
  const when = new Date(at);
  if (Number.isNaN(when.getTime())) throw badInput('after', 'is not a valid cursor');
  return { at: when, id: requireUuid('after', id) };
}
