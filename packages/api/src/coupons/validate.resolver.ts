import { type CouponValidation as CouponValidationRecord, validateCoupon } from '@coupons/core';
import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { Shopper } from '../auth/access.decorators.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { OrderInput } from './coupon.args.ts';
import { answeredBy } from './coupon.resolver.ts';
import { customerIdDoc, readerContext } from './customer-context.ts';
import { CouponValidation } from './validate.type.ts';

@Resolver()
export class ValidateCouponResolver {
  @Shopper('COUPONS_WRITE')
  @Query(() => CouponValidation, {
    description:
      "Whether the checkout can use this coupon now (claim → validate → lock → redeem), and the discount on `order`. Changes nothing; `reason` is the error code lock/redeem would give.",
  })
  async validateCoupon(
    @Arg('code', () => String) code: string,
    @Arg('customerId', () => String, { nullable: true, description: customerIdDoc }) customerId: string | null,
    @Arg('order', () => OrderInput, { nullable: true, description: 'Price the discount against this order (and check its minimum and currency).' })
    order: OrderInput | null,
    @Ctx() ctx: RequestContext,
  ): Promise<CouponValidationRecord> {
    // Validation changes nothing, so it creates no customer: one the shop never acted for holds
    // no coupon, and the answer is what redeeming would say — NOT_FOUND.
    const service = await readerContext(ctx, customerId);
    if (!service) return { valid: false, reason: 'NOT_FOUND', message: 'Coupon not found', discount: null, coupon: null };
    const validation = await validateCoupon(service, { code, order });
    // The coupon answers to the customer acted for, as the shopper operations' answers do.
    return validation.coupon ? { ...validation, coupon: answeredBy(service, validation.coupon) } : validation;
  }
}
