import { type CouponRecord, type LiveCouponEvent, listCouponHistory } from '@coupons/core';
import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { passViewer, viewerOf } from '../coupons/coupon.resolver.ts';
import { Coupon } from '../coupons/coupon.type.ts';
import { ConnectionArgs, type ConnectionShape, toConnection } from '../shared/connection.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { CouponEventConnection } from './live-event.type.ts';

@Resolver(() => Coupon)
export class CouponHistoryResolver {
  /**
   * Listed for the caller the coupon answers to (a shop's customer, when a root field acted for
   * one): a shopper gets only the events of their own holdings of the code, and of those only
   * what is theirs (core `listCouponHistory`).
   */
  @FieldResolver(() => CouponEventConnection, {
    description: 'Every transition of this coupon, newest first: type, actor, reason, time (one query per coupon asked for).',
  })
  async events(@Root() coupon: CouponRecord, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<LiveCouponEvent>> {
    const caller = viewerOf(ctx, coupon);
    if (caller === ctx.service.caller) return toConnection(await listCouponHistory(ctx.service, coupon, args), args.after);
    // Answered for a shop's customer: so are the events' redemption and coupon (their nested fields).
    const page = await listCouponHistory({ ...ctx.service, caller }, coupon, args);
    const items = page.items.map((event) => ({
      ...event,
      coupon: passViewer(coupon, event.coupon),
      redemption: passViewer(coupon, event.redemption),
    }));
    return toConnection({ ...page, items }, args.after);
  }
}
