import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ConnectionArgs } from '../shared/connection.ts';
import { DecimalScalar } from '../shared/scalars.ts';
import { CouponStateEnum } from './coupon.type.ts';

@ArgsType()
export class CouponListArgs extends ConnectionArgs {
  @Field(() => CouponStateEnum, { nullable: true, description: 'Only coupons in this (effective) state.' })
  state?: keyof typeof CouponStateEnum | null;
}

@ArgsType()
export class RedemptionListArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true })
  bookId?: string | null;

  @Field(() => String, { nullable: true, description: "Only the redemptions of this order (the shop's order id)." })
  orderId?: string | null;
}

// Validation (id length, a known currency, the amount's decimals for it) is core's (requireOrder).
@InputType('OrderInput', { description: 'A shop order a coupon is validated against or redeemed for.' })
export class OrderInput {
  @Field(() => String, { description: "The shop's own order id, 1 to 200 characters. One order redeems a coupon at most once." })
  id!: string;

  @Field(() => DecimalScalar, { description: 'The order total the discount applies to, in `currency` (e.g. "59.90").' })
  amount!: string;

  @Field(() => String, { description: 'ISO 4217 (EUR, USD, JPY …); at most its minor-unit decimals in `amount`.' })
  currency!: string;
}
