import { type CouponValidation as CouponValidationRecord, validateCoupon } from '@coupons/core';
import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../shared/request-context.ts';
import { OrderInput } from './coupon.args.ts';
import { customerIdDoc } from './customer-context.ts';
import { CouponValidation } from './validate.type.ts';

@Resolver()
export class ValidateCouponResolver {
  @Authorized()
  @Query(() => CouponValidation, {
    description:
      "Whether the checkout can use this coupon now (claim → validate → lock → redeem), and the discount on `order`. Changes nothing; `reason` is the error code lock/redeem would give.",
  })
  validateCoupon(
    @Arg('code', () => String) code: string,
    @Arg('customerId', () => String, { nullable: true, description: customerIdDoc }) customerId: string | null,
    @Arg('order', () => OrderInput, { nullable: true, description: 'Price the discount against this order (and check its minimum and currency).' })
    order: OrderInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<CouponValidationRecord> {
    // lead: customerId (not handled yet: the caller's own coupons are validated)
    void customerId;
    return validateCoupon(ctx.service, { code, order });
  }
}
