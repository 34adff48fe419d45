import { type DatabaseClients, Prisma } from '@coupons/db';
import { requireAdmin } from '../shared/access.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput } from '../shared/errors.ts';
import { readPageSnapshot } from '../shared/page-snapshot.ts';
import { decodeCursor, encodeCursor, type Page, type PageArgs, pageSize, toPage } from '../shared/pagination.ts';
import { readFromReplica } from '../shared/read-replica.ts';
import { normaliseCode, requireDateTime, requireUuid } from '../shared/validation.ts';
import { parseCustomerId } from '../users/customer.service.ts';
import { parseEmail } from '../users/email.ts';
import {
  COUPON_STATES,
  type CouponRecord,
  type CouponRow,
  type CouponStateName,
  effectiveCouponColumns,
  effectiveStateIsSql,
  toCoupon,
} from './coupon.record.ts';

// Coupon search (the root `coupons` query, and every other coupon list: a book's, a user's, the
// caller's). One statement builder, so the plan test (coupon.search.plan.test.ts) EXPLAINs the
// very text the service sends. Each filter is written so an index can serve it on a
// million-code book (migration search_indexes): book → (book_id, created_at, id), owner → coupon_owner_idx,
// code prefix → coupon_code_key (text_pattern_ops, so any collation), assigned window →
// coupon_assigned_at_idx, state → (book_id, state) through effectiveStateIsSql.

/** Who holds the coupon (or made the redemption): each given filter must hold. */
export interface OwnerArgs {
  userId?: string | null;
  /** The holder's email, exactly but case-insensitively (people only: customers have none). */
  email?: string | null;
  /** A shop customer's own id (externalId), exactly as the shop gave it. */
  customerId?: string | null;
}

/** The filters of the root `coupons` query; all optional, all combinable (AND). */
export interface CouponSearchArgs extends PageArgs, OwnerArgs {
  bookId?: string | null;
  /** The effective state (an expired lock is ASSIGNED). */
  state?: CouponStateName | null;
  /** Codes starting with this (normalised as codes are: trimmed, upper-cased). */
  codePrefix?: string | null;
  /** Assigned at or after this time. */
  assignedAfter?: Date | null;
  /** Assigned strictly before this time. */
  assignedBefore?: Date | null;
}

/** The owner filters, validated. */
export interface OwnerFilter {
  userId?: string;
  email?: string;
  customerId?: string;
}

/** {@link CouponSearchArgs} validated and normalised: what {@link couponSearchSql} is built from. */
export interface CouponFilter extends OwnerFilter {
  bookId?: string;
  state?: CouponStateName;
  codePrefix?: string;
  assignedAfter?: Date;
  assignedBefore?: Date;
}

/** The two statements of one page: the rows (keyset, newest first) and the count of all matches (sent as one: readPageSnapshot). */
export interface SearchStatements {
  rows: Prisma.Sql;
  count: Prisma.Sql;
}

const given = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

/** Validates the owner filters (BAD_USER_INPUT naming the field). */
export function parseOwnerFilter(args: OwnerArgs): OwnerFilter {
  const filter: OwnerFilter = {};
  if (given(args.userId)) filter.userId = requireUuid('userId', args.userId);
  if (given(args.email)) filter.email = parseEmail(args.email);
  if (given(args.customerId)) filter.customerId = parseCustomerId(args.customerId);
  return filter;
}

/**
 * A time window `[after, before)`: either end optional; an empty or inverted window is
 * BAD_USER_INPUT on `beforeField` (most likely the two were swapped).
 */
export function parseTimeWindow(
  afterField: string,
  after: Date | null | undefined,
  beforeField: string,
  before: Date | null | undefined,
): { after?: Date; before?: Date } {
  const window = {
    after: given(after) ? requireDateTime(afterField, after) : undefined,
    before: given(before) ? requireDateTime(beforeField, before) : undefined,
  };
  if (window.after && window.before && window.before <= window.after) throw badInput(beforeField, `must be later than ${afterField}`);
  return window;
}

/** Validates and normalises the filters of a coupon search. */
export function parseCouponFilter(args: CouponSearchArgs): CouponFilter {
  const filter: CouponFilter = parseOwnerFilter(args);
  if (given(args.bookId)) filter.bookId = requireUuid('bookId', args.bookId);
  if (given(args.state)) {
    if (!COUPON_STATES.includes(args.state)) throw badInput('state', 'is not a coupon state');
    filter.state = args.state;
  }
  if (given(args.codePrefix)) filter.codePrefix = normaliseCode('codePrefix', args.codePrefix);
  const window = parseTimeWindow('assignedAfter', args.assignedAfter, 'assignedBefore', args.assignedBefore);
  if (window.after) filter.assignedAfter = window.after;
  if (window.before) filter.assignedBefore = window.before;
  return filter;
}

/**
 * `column` holds the filtered owner. Email and customer id resolve to the user's id in an
 * InitPlan over their unique indexes, so the outer scan still walks the owner index; an unknown
 * one compares with NULL and matches nothing.
 */
export function ownerConditions(column: Prisma.Sql, filter: OwnerFilter): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filter.userId) conditions.push(Prisma.sql`${column} = ${filter.userId}::uuid`);
  if (filter.email) conditions.push(Prisma.sql`${column} = (SELECT u.id FROM app_user u WHERE u.email = ${filter.email})`);
  if (filter.customerId) conditions.push(Prisma.sql`${column} = (SELECT u.id FROM app_user u WHERE u.external_id = ${filter.customerId})`);
  return conditions;
}

/**
 * `LIKE` on codes starting with `prefix` (already normalised: A-Z, 0-9, "-" and "_"). `_` is a
 * wildcard to LIKE, so it is escaped (with "!", which no code contains). The planner turns the
 * constant prefix into a range on coupon_code_key, whose text_pattern_ops make that range valid
 * whatever the database's collation.
 */
export function codePrefixSql(prefix: string, alias = 'c'): Prisma.Sql {
  const pattern = `${prefix.replace(/[!%_]/g, '!$&')}%`;
  return Prisma.sql`${Prisma.raw(alias)}.code LIKE ${pattern} ESCAPE '!'`;
}

/** `a AND b AND …` (`true` for none). */
export function allOf(conditions: Prisma.Sql[]): Prisma.Sql {
  return conditions.length ? Prisma.join(conditions, ' AND ') : Prisma.sql`true`;
}

/**
 * Where a page starts: after the last coupon of the previous one. A book's list is ordered by
 * (created_at, id), every other list by id (see {@link couponSearchSql}), so the cursor holds
 * what its order needs.
 */
export type CouponKeyset = { id: bigint; createdAt?: Date };

/** The WHERE conditions of `filter` on `coupon c` at `now` (the search's and the CSV export's). */
export function couponConditions(filter: CouponFilter, now: Date): Prisma.Sql[] {
  const conditions = ownerConditions(Prisma.sql`c.assigned_user_id`, filter);
  if (filter.bookId) conditions.push(Prisma.sql`c.book_id = ${filter.bookId}::uuid`);
  if (filter.state) conditions.push(effectiveStateIsSql(now, filter.state));
  if (filter.codePrefix) conditions.push(codePrefixSql(filter.codePrefix));
  if (filter.assignedAfter) conditions.push(Prisma.sql`c.assigned_at >= ${filter.assignedAfter}`);
  if (filter.assignedBefore) conditions.push(Prisma.sql`c.assigned_at < ${filter.assignedBefore}`);
  return conditions;
}

/**
 * The statements of a coupon search page, as {@link searchCoupons} sends them in one (readPageSnapshot; exported
 * for the plan test and bench/tools/explain-search.ts). Newest first.
 *
 * Why two orders: with a book, newest first is (created_at, id) on (book_id, created_at, id).
 * Ordered by id alone, the planner could instead walk the primary key backwards and filter on the
 * book, expecting this book's codes to be spread evenly among everyone's; a book's codes are
 * consecutive ids, so for an older book that walk reads every newer book's codes first. No index
 * but the book's own gives (created_at, id), so that plan cannot arise. Without a book, the
 * primary key gives id order for the unfiltered list, and the other filters' indexes serve theirs.
 */
export function couponSearchSql(filter: CouponFilter, page: { now: Date; limit: number; after?: CouponKeyset | null }): SearchStatements {
  const where = allOf(couponConditions(filter, page.now));
  const byBook = Boolean(filter.bookId);
  let after = Prisma.empty;
  if (page.after && byBook) after = Prisma.sql`AND (c.created_at, c.id) < (${page.after.createdAt ?? null}::timestamptz, ${page.after.id})`;
  else if (page.after) after = Prisma.sql`AND c.id < ${page.after.id}`;
  const order = byBook ? Prisma.sql`c.created_at DESC, c.id DESC` : Prisma.sql`c.id DESC`;
  return {
    rows: Prisma.sql`SELECT ${effectiveCouponColumns(page.now)} FROM coupon c
      WHERE ${where} ${after}
      ORDER BY ${order} LIMIT ${page.limit + 1}`,
    count: Prisma.sql`SELECT count(*)::int AS n FROM coupon c WHERE ${where}`,
  };
}

/** Whether to count every match for `totalCount` (a count is O(matches); a page is O(page)). */
export interface CountOption {
  /** Default true; when false, `totalCount` is -1 (for a client that did not ask for it). */
  withTotalCount?: boolean;
}

/** Where {@link unsafeSearchCoupons} reads: the primary, or the read replica when there is one. */
interface SearchSource {
  fromReplica?: boolean;
}

/**
 * ADMIN (or an API key with the ADMIN scope): coupons of every book by any combination of book,
 * effective state, holder (userId, email, customerId), code prefix and assignment time; newest
 * first.
 */
export function searchCoupons(ctx: ServiceContext, args: CouponSearchArgs, options: CountOption = {}): Promise<Page<CouponRecord>> {
  requireAdmin(ctx);
  // The admin search (a root query field, never a mutation's payload): a moment of replica lag is fine.
  return unsafeSearchCoupons(ctx, parseCouponFilter(args), args, { ...options, fromReplica: true });
}

/**
 * One page of coupons matching `filter`. `unsafe`: no authorization here; the callers
 * (searchCoupons and the lists of coupon.queries.ts) decide who may see what.
 */
export async function unsafeSearchCoupons(
  ctx: ServiceContext,
  filter: CouponFilter,
  page: PageArgs,
  options: CountOption & SearchSource = {},
): Promise<Page<CouponRecord>> {
  const limit = pageSize(page.first);
  const byBook = Boolean(filter.bookId);
  const after = page.after ? couponCursor(page.after, byBook) : null;
  const statements = couponSearchSql(filter, { now: ctx.clock.now(), limit, after });
  const count = options.withTotalCount === false ? null : statements.count;
  const search = ({ prisma }: DatabaseClients) => readPageSnapshot<CouponRow>(prisma, { rows: statements.rows, count });
  const { rows, totalCount } = await (options.fromReplica ? readFromReplica(ctx, search) : search(ctx.db));
  const cursorOf = (c: CouponRecord) => encodeCursor(byBook ? [c.createdAt.toISOString(), c.id] : [c.id]);
  return toPage(rows.map(toCoupon), limit, totalCount, cursorOf);
}

/** The keyset inside a coupon list's cursor; anything else (or another list's) is BAD_USER_INPUT on `after`. */
function couponCursor(after: string, byBook: boolean): CouponKeyset {
  const values = decodeCursor(after, byBook ? ['string', 'string'] : ['string']) as string[];
  const id = values.at(-1) as string;
  if (!/^[1-9]\d{0,17}$/.test(id)) throw badInput('after', 'is not a valid cursor');
  if (!byBook) return { id: BigInt(id) };
  const createdAt = new Date(values[0]);
  if (Number.isNaN(createdAt.getTime())) throw badInput('after', 'is not a valid cursor');
  return { id: BigInt(id), createdAt };
}
