import { Prisma } from '@coupons/db';
import { requireCaller, type ServiceContext } from '../shared/context.ts';
import { badInput, forbidden, notFound } from '../shared/errors.ts';
import { decodeCursor, encodeCursor, type Page, type PageArgs, pageSize, toPage } from '../shared/pagination.ts';
import { normaliseCode, requireUuid } from '../shared/validation.ts';
import {
  type CouponRecord,
  type CouponRow,
  type CouponStateName,
  effectiveCouponColumns,
  effectiveStateSql,
  type RedemptionRecord,
  type RedemptionRow,
  redemptionReturning,
  toCoupon,
  toRedemption,
} from './coupon.record.ts';
import { requireOrderId } from './discount.ts';

const STATES: readonly CouponStateName[] = ['UNASSIGNED', 'ASSIGNED', 'LOCKED', 'REDEEMED'];

/**
 * A coupon by code (case-insensitive). A USER sees only coupons assigned to them; anyone else's
 * (or an unassigned one) is NOT_FOUND, so codes cannot be probed.
 */
export async function getCouponByCode(ctx: ServiceContext, rawCode: string): Promise<CouponRecord | null> {
  const caller = requireCaller(ctx);
  const code = normaliseCode('code', rawCode);
  const now = ctx.clock.now();
  const [row] = await ctx.db.prisma.$queryRaw<CouponRow[]>(Prisma.sql`
    SELECT ${effectiveCouponColumns(now)} FROM coupon c WHERE c.code = ${code}`);
  if (!row) return null;
  if (caller.role !== 'ADMIN' && row.assigned_user_id !== caller.userId) return null;
  return toCoupon(row);
}

export interface CouponListArgs extends PageArgs {
  state?: CouponStateName | null;
}

/** The caller's coupons, newest assignment first. */
export function listMyCoupons(ctx: ServiceContext, args: CouponListArgs): Promise<Page<CouponRecord>> {
  const caller = requireCaller(ctx);
  return listCoupons(ctx, Prisma.sql`c.assigned_user_id = ${caller.userId}::uuid`, args);
}

/** ADMIN: a user's coupons. */
export function listUserCoupons(ctx: ServiceContext, userId: string, args: CouponListArgs): Promise<Page<CouponRecord>> {
  const caller = requireCaller(ctx);
  const id = requireUuid('userId', userId);
  if (caller.role !== 'ADMIN' && caller.userId !== id) throw forbidden();
  return listCoupons(ctx, Prisma.sql`c.assigned_user_id = ${id}::uuid`, args);
}

/** ADMIN: a book's coupons. */
export function listBookCoupons(ctx: ServiceContext, bookId: string, args: CouponListArgs): Promise<Page<CouponRecord>> {
  const caller = requireCaller(ctx);
  if (caller.role !== 'ADMIN') throw forbidden();
  return listCoupons(ctx, Prisma.sql`c.book_id = ${requireUuid('bookId', bookId)}::uuid`, args);
}

/** Keyset pagination by descending id; `state` filters on the effective (lazily expired) state. */
async function listCoupons(ctx: ServiceContext, scope: Prisma.Sql, args: CouponListArgs): Promise<Page<CouponRecord>> {
  const limit = pageSize(args.first);
  const now = ctx.clock.now();
  if (args.state && !STATES.includes(args.state)) throw badInput('state', 'is not a coupon state');
  const stateFilter = args.state ? Prisma.sql`AND ${effectiveStateSql(now)} = ${args.state}` : Prisma.empty;
  const after = args.after ? Prisma.sql`AND c.id < ${couponCursorId(args.after)}` : Prisma.empty;
  const [rows, [count]] = await Promise.all([
    ctx.db.prisma.$queryRaw<CouponRow[]>(Prisma.sql`
      SELECT ${effectiveCouponColumns(now)} FROM coupon c
      WHERE ${scope} ${stateFilter} ${after}
      ORDER BY c.id DESC LIMIT ${limit + 1}`),
    ctx.db.prisma.$queryRaw<Array<{ n: number }>>(Prisma.sql`
      SELECT count(*)::int AS n FROM coupon c WHERE ${scope} ${stateFilter}`),
  ]);
  return toPage(rows.map(toCoupon), limit, count?.n ?? 0, (c) => encodeCursor([c.id]));
}

/** The coupon id inside a `myCoupons` cursor; anything else is BAD_USER_INPUT on `after`. */
function couponCursorId(after: string): bigint {
  const [id] = decodeCursor(after, ['string']) as [string];
  if (!/^[1-9]\d{0,17}$/.test(id)) throw badInput('after', 'is not a valid cursor');
  return BigInt(id);
}

/**
 * Coupons by id, in any order, for DataLoader batching (one query for any number of ids).
 * `unsafe`: no authorization; callers reach these ids only through objects already authorized.
 */
export async function unsafeGetCouponsByIds(ctx: ServiceContext, ids: readonly string[]): Promise<CouponRecord[]> {
  const now = ctx.clock.now();
  const rows = await ctx.db.prisma.$queryRaw<CouponRow[]>(Prisma.sql`
    SELECT ${effectiveCouponColumns(now)} FROM coupon c WHERE c.id = ANY(${ids.map((id) => BigInt(id))}::bigint[])`);
  return rows.map(toCoupon);
}

/**
 * Redemptions, newest first: a USER sees their own; an ADMIN sees all (or one book's, or one
 * order's: `orderId` is the shop's order id, matched exactly, over the `order_id` index).
 */
export async function listRedemptions(
  ctx: ServiceContext,
  args: PageArgs & { bookId?: string | null; orderId?: string | null },
): Promise<Page<RedemptionRecord>> {
  const caller = requireCaller(ctx);
  const limit = pageSize(args.first);
  const conditions: Prisma.Sql[] = [Prisma.sql`true`];
  if (args.bookId) conditions.push(Prisma.sql`r.book_id = ${requireUuid('bookId', args.bookId)}::uuid`);
  if (args.orderId !== null && args.orderId !== undefined) conditions.push(Prisma.sql`r.order_id = ${requireOrderId('orderId', args.orderId)}`);
  if (caller.role !== 'ADMIN') conditions.push(Prisma.sql`r.user_id = ${caller.userId}::uuid`);
  const scope = Prisma.join(conditions, ' AND ');
  let after = Prisma.empty;
  if (args.after) {
    const [at, id] = decodeCursor(args.after, ['string', 'string']) as [string, string];
    const when = new Date(at);
    if (Number.isNaN(when.getTime())) throw badInput('after', 'is not a valid cursor');
    after = Prisma.sql`AND (r.redeemed_at, r.id) < (${when}::timestamptz, ${requireUuid('after', id)}::uuid)`;
  }
  const [rows, [count]] = await Promise.all([
    ctx.db.prisma.$queryRaw<RedemptionRow[]>(Prisma.sql`
      SELECT ${redemptionReturning}
      FROM redemption r WHERE ${scope} ${after}
      ORDER BY r.redeemed_at DESC, r.id DESC LIMIT ${limit + 1}`),
    ctx.db.prisma.$queryRaw<Array<{ n: number }>>(Prisma.sql`SELECT count(*)::int AS n FROM redemption r WHERE ${scope}`),
  ]);
  return toPage(rows.map(toRedemption), limit, count?.n ?? 0, (r) => encodeCursor([r.redeemedAt.toISOString(), r.id]));
}

/** A redemption by id, visible to its user and to admins. */
export async function getRedemption(ctx: ServiceContext, id: string): Promise<RedemptionRecord> {
  const caller = requireCaller(ctx);
  const [row] = await ctx.db.prisma.$queryRaw<RedemptionRow[]>(Prisma.sql`
    SELECT ${redemptionReturning}
    FROM redemption r WHERE r.id = ${requireUuid('id', id)}::uuid`);
  if (!row || (caller.role !== 'ADMIN' && row.user_id !== caller.userId)) throw notFound('Redemption', id);
  return toRedemption(row);
}
