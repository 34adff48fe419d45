import {
  assignCoupon,
  assignRandomCoupon,
  type Caller,
  type CouponRecord,
  getCouponByCode,
  isOwnOrAdmin,
  listMyCoupons,
  listRedemptions,
  lockCoupon,
  type RedemptionRecord,
  redeemCoupon,
  reverseRedemption,
  type ServiceContext,
  searchCoupons,
  unlockCoupon,
  type UserRecord,
} from '@coupons/core';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AdminOrKey, Shopper } from '../auth/access.decorators.ts';
import { type ConnectionShape, toConnection } from '../shared/connection.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { JSONScalar } from '../shared/scalars.ts';
import { selectsField } from '../shared/selection.ts';
import { User } from '../users/user.type.ts';
import { CouponCodeArgs, CouponListArgs, CouponSearchArgs, OrderInput, RedemptionListArgs, ShopperWriteArgs } from './coupon.args.ts';
import { Coupon, CouponConnection, Redemption, RedemptionConnection } from './coupon.type.ts';
import { oneTarget, readerContext, shopperContext } from './customer-context.ts';

/**
 * Who a parent's nested fields answer to, when it is not the request's caller: a root field that
 * acts for a shop's customer (`customerId`) answers as that customer, to a key and to an admin
 * alike, so the owner, history and coupon its answer leads to are what the customer may see
 * (the rule of `eventForCaller`: a shopper sees only their own, never another holder of a code).
 */
const answeredAs = new WeakMap<object, Caller>();

/** `record` as `service` answers it: marked when `service` acts for a shop's customer. */
export function answeredBy<T extends object>(service: ServiceContext, record: T): T {
  if (service.caller?.customer) answeredAs.set(record, service.caller);
  return record;
}

/** The caller `parent`'s nested fields answer to: the customer it was answered for, or the request's caller. */
export function viewerOf(ctx: RequestContext, parent: object): Caller | null {
  return answeredAs.get(parent) ?? ctx.service.caller;
}

/** `child`, reached from `parent`, answering to the same caller (a copy when marked: loaders share their rows). */
export function passViewer<T extends object>(parent: object, child: T | null): T | null {
  const caller = answeredAs.get(parent);
  if (!caller || child === null) return child;
  const copy = { ...child };
  answeredAs.set(copy, caller);
  return copy;
}

/** Whether `viewer` may see what belongs to `userId` (an admin, or that user). */
const mayView = (viewer: Caller | null, userId: string | null): boolean => viewer !== null && isOwnOrAdmin(viewer, userId);

/** A shopper write on the caller's (or the shop customer's) own coupon by code: lockCoupon, unlockCoupon. */
async function onOwnCoupon(
  ctx: RequestContext,
  { code, idempotencyKey, customerId }: CouponCodeArgs,
  act: (service: ServiceContext, args: { code: string; idempotencyKey?: string | null }) => Promise<CouponRecord>,
): Promise<CouponRecord> {
  const service = await shopperContext(ctx, customerId);
  return answeredBy(service, await act(service, { code, idempotencyKey }));
}

@Resolver(() => Coupon)
export class CouponResolver {
  @Shopper('COUPONS_READ')
  @Query(() => Coupon, { nullable: true, description: 'A coupon by code. A USER sees only their own.' })
  coupon(@Arg('code', () => String) code: string, @Ctx() ctx: RequestContext): Promise<CouponRecord | null> {
    return getCouponByCode(ctx.service, code);
  }

  @Authorized()
  @Query(() => CouponConnection, { description: "The caller's coupons, newest first." })
  async myCoupons(@Args(() => CouponListArgs) args: CouponListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<CouponRecord>> {
    return toConnection(await listMyCoupons(ctx.service, args), args.after);
  }

  @Authorized('ADMIN')
  @Query(() => CouponConnection, {
    description: 'ADMIN: coupons of every book, newest first, by any combination of book, state, holder, code prefix and assignment time.',
  })
  async coupons(
    @Args(() => CouponSearchArgs) args: CouponSearchArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<CouponRecord>> {
    return toConnection(await searchCoupons(ctx.service, args, { withTotalCount: selectsField(info, 'totalCount') }), args.after);
  }

  @AdminOrKey('COUPONS_READ')
  @Query(() => CouponConnection, { description: "A shop customer's coupons, newest first (empty for a customer never acted for)." })
  async customerCoupons(
    @Arg('customerId', () => String) customerId: string,
    @Args(() => CouponListArgs) args: CouponListArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConnectionShape<CouponRecord>> {
    const service = await readerContext(ctx, customerId);
    if (!service) return toConnection({ items: [], cursors: [], totalCount: 0, hasNextPage: false }, args.after);
    const page = await listMyCoupons(service, args);
    return toConnection({ ...page, items: page.items.map((coupon) => answeredBy(service, coupon)) }, args.after);
  }

  @Shopper('COUPONS_WRITE')
  @Mutation(() => Coupon, { description: 'Assigns a random unassigned coupon of the book. userId: ADMIN only.' })
  async assignRandomCoupon(
    @Arg('bookId', () => ID) bookId: string,
    @Arg('userId', () => ID, { nullable: true }) userId: string | null,
    @Args(() => ShopperWriteArgs) { idempotencyKey, customerId }: ShopperWriteArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<CouponRecord> {
    oneTarget(userId, customerId);
    const service = await shopperContext(ctx, customerId);
    return answeredBy(service, await assignRandomCoupon(service, { bookId, userId, idempotencyKey }));
  }

  @Shopper('COUPONS_WRITE')
  @Mutation(() => Coupon, { description: 'Assigns the coupon with this code. userId: ADMIN only.' })
  async assignCoupon(
    @Arg('userId', () => ID, { nullable: true }) userId: string | null,
    @Args(() => CouponCodeArgs) { code, idempotencyKey, customerId }: CouponCodeArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<CouponRecord> {
    oneTarget(userId, customerId);
    const service = await shopperContext(ctx, customerId);
    return answeredBy(service, await assignCoupon(service, { code, userId, idempotencyKey }));
  }

  @Shopper('COUPONS_WRITE')
  @Mutation(() => Coupon, { description: "Locks the caller's coupon for checkout for the book's lockTtlSeconds." })
  lockCoupon(@Args(() => CouponCodeArgs) args: CouponCodeArgs, @Ctx() ctx: RequestContext): Promise<CouponRecord> {
    return onOwnCoupon(ctx, args, lockCoupon);
  }

  @Shopper('COUPONS_WRITE')
  @Mutation(() => Coupon, { description: "Releases the caller's lock early." })
  unlockCoupon(@Args(() => CouponCodeArgs) args: CouponCodeArgs, @Ctx() ctx: RequestContext): Promise<CouponRecord> {
    return onOwnCoupon(ctx, args, unlockCoupon);
  }

  @Shopper('COUPONS_WRITE')
  @Mutation(() => Redemption, { description: "Redeems the caller's locked coupon." })
  async redeemCoupon(
    @Args(() => CouponCodeArgs) { code, idempotencyKey, customerId }: CouponCodeArgs,
    @Arg('metadata', () => JSONScalar, { nullable: true, description: 'A JSON object, at most 16 KB.' })
    metadata: unknown,
    @Arg('order', () => OrderInput, {
      nullable: true,
      description: 'The order it pays for: the redemption records it with its discount; a repeat of the same order returns the first redemption.',
    })
    order: OrderInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RedemptionRecord> {
    const service = await shopperContext(ctx, customerId);
    return answeredBy(service, await redeemCoupon(service, { code, idempotencyKey, metadata, order }));
  }

  /** Null for a shopper unless it is them. */
  @FieldResolver(() => User, { nullable: true, description: 'The owner (batched).' })
  user(@Root() coupon: CouponRecord, @Ctx() ctx: RequestContext): Promise<UserRecord | null> | null {
    const owner = coupon.assignedUserId;
    return owner && mayView(viewerOf(ctx, coupon), owner) ? ctx.loaders.userById.load(owner) : null;
  }
}

@Resolver(() => Redemption)
export class RedemptionResolver {
  @Shopper('COUPONS_READ')
  @Query(() => RedemptionConnection, { description: 'Redemptions, newest first, filtered by any combination of the arguments: a USER sees only their own.' })
  async redemptions(
    @Args(() => RedemptionListArgs) args: RedemptionListArgs,
    @Ctx() ctx: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<RedemptionRecord>> {
    return toConnection(await listRedemptions(ctx.service, args, { withTotalCount: selectsField(info, 'totalCount') }), args.after);
  }

  @AdminOrKey('COUPONS_WRITE')
  @Mutation(() => Redemption, { description: 'ADMIN: reverses a redemption (refund/cancel), giving the use back.' })
  reverseRedemption(
    @Arg('reason', () => String) reason: string,
    @Arg('redemptionId', () => ID, { nullable: true, description: 'The redemption; or give orderId and code instead.' })
    redemptionId: string | null,
    @Arg('orderId', () => String, { nullable: true, description: "The shop's order the redemption paid for (with code)." })
    orderId: string | null,
    @Arg('code', () => String, { nullable: true, description: 'The coupon the order redeemed (with orderId).' })
    code: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RedemptionRecord> {
    return reverseRedemption(ctx.service, { redemptionId, orderId, code, reason });
  }

  /** The coupon as it is now: null for a shopper once it is no longer theirs (a code can change hands). */
  @FieldResolver(() => Coupon, { nullable: true, description: 'The redeemed coupon (batched).' })
  async coupon(@Root() redemption: RedemptionRecord, @Ctx() ctx: RequestContext): Promise<CouponRecord | null> {
    const coupon = await ctx.loaders.couponById.load(redemption.couponId);
    return coupon && mayView(viewerOf(ctx, redemption), coupon.assignedUserId) ? passViewer(redemption, coupon) : null;
  }

  /** Null for a shopper unless it is them. */
  @FieldResolver(() => User, { nullable: true, description: 'Who redeemed (batched).' })
  async user(@Root() redemption: RedemptionRecord, @Ctx() ctx: RequestContext): Promise<UserRecord | null> {
    return mayView(viewerOf(ctx, redemption), redemption.userId) ? ctx.loaders.userById.load(redemption.userId) : null;
  }
}
