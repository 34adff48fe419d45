import { Prisma } from '@coupons/db';
import { isAdmin, requireAdmin } from '../shared/access.ts';
import { requireCaller, type ServiceContext } from '../shared/context.ts';
import { forbidden, notFound } from '../shared/errors.ts';
import type { Page, PageArgs } from '../shared/pagination.ts';
import { normaliseCode, requireUuid } from '../shared/validation.ts';
import {
  type CouponRecord,
  type CouponRow,
  type CouponStateName,
  effectiveCouponColumns,
  type RedemptionRecord,
  type RedemptionRow,
  redemptionReturning,
  toCoupon,
  toRedemption,
} from './coupon.record.ts';
import { type CouponFilter, parseCouponFilter, unsafeSearchCoupons } from './coupon.search.ts';

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
  return listCoupons(ctx, { userId: caller.userId }, args);
}

/** ADMIN (an API key: with the ADMIN scope), or the user themselves: a user's coupons. */
export function listUserCoupons(ctx: ServiceContext, userId: string, args: CouponListArgs): Promise<Page<CouponRecord>> {
  const caller = requireCaller(ctx);
  const id = requireUuid('userId', userId);
  if (!isAdmin(ctx) && caller.userId !== id) throw forbidden();
  return listCoupons(ctx, { userId: id }, args);
}

/** ADMIN (an API key: with the ADMIN scope): a book's coupons, its unassigned codes included. */
export function listBookCoupons(ctx: ServiceContext, bookId: string, args: CouponListArgs): Promise<Page<CouponRecord>> {
  requireAdmin(ctx);
  return listCoupons(ctx, { bookId: requireUuid('bookId', bookId) }, args);
}

/** Keyset pagination by descending id; `state` filters on the effective (lazily expired) state. */
function listCoupons(ctx: ServiceContext, scope: CouponFilter, args: CouponListArgs): Promise<Page<CouponRecord>> {
  return unsafeSearchCoupons(ctx, { ...scope, ...parseCouponFilter({ state: args.state }) }, args);
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

/** A redemption by id, visible to its user and to admins. */
export async function getRedemption(ctx: ServiceContext, id: string): Promise<RedemptionRecord> {
  const caller = requireCaller(ctx);
  const [row] = await ctx.db.prisma.$queryRaw<RedemptionRow[]>(Prisma.sql`
    SELECT ${redemptionReturning}
    FROM redemption r WHERE r.id = ${requireUuid('id', id)}::uuid`);
  if (!row || (caller.role !== 'ADMIN' && row.user_id !== caller.userId)) throw notFound('Redemption', id);
  return toRedemption(row);
}
