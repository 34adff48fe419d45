import { type CouponRecord, type LiveCouponEvent, listCouponHistory } from '@coupons/core';
import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Coupon } from '../coupons/coupon.type.ts';
import { ConnectionArgs, type ConnectionShape, toConnection } from '../shared/connection.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { CouponEventConnection } from './live-event.type.ts';

@Resolver(() => Coupon)
export class CouponHistoryResolver {
  @FieldResolver(() => CouponEventConnection, {
    description: 'Every transition of this coupon, newest first: type, actor, reason, time (one query per coupon asked for).',
  })
  async events(@Root() coupon: CouponRecord, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<LiveCouponEvent>> {
    return toConnection(await listCouponHistory(ctx.service, coupon, args), args.after);
  }
}
