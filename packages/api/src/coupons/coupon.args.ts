import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ConnectionArgs } from '../shared/connection.ts';
import { DecimalScalar } from '../shared/scalars.ts';
import { CouponStateEnum } from './coupon.type.ts';
import { customerIdDoc as actForCustomerDoc } from './customer-context.ts';

@ArgsType()
export class CouponListArgs extends ConnectionArgs {
  @Field(() => CouponStateEnum, { nullable: true, description: 'Only coupons in this (effective) state.' })
  state?: keyof typeof CouponStateEnum | null;
}

const emailDoc = (what: string) => `Only ${what} of the person with this email (exact, case-insensitive, like userByEmail; a shop's customers have none).`;
const customerIdDoc = (what: string) => `Only ${what} of the shop's customer with this id (exact, as the shop gave it as customerId).`;
const codePrefixDoc = 'Only codes starting with this (1 to 64 characters of A-Z, 0-9, "-" or "_"; case-insensitive, as codes are).';

/** The root `coupons` search: every filter optional, all combined with AND. */
@ArgsType()
export class CouponSearchArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true, description: 'Only the codes of this book.' })
  bookId?: string | null;

  @Field(() => CouponStateEnum, { nullable: true, description: 'Only coupons in this (effective) state: an expired lock is ASSIGNED.' })
  state?: keyof typeof CouponStateEnum | null;

  @Field(() => ID, { nullable: true, description: 'Only coupons held by this user.' })
  userId?: string | null;

  @Field(() => String, { nullable: true, description: emailDoc('coupons') })
  email?: string | null;

  @Field(() => String, { nullable: true, description: customerIdDoc('coupons') })
  customerId?: string | null;

  @Field(() => String, { nullable: true, description: codePrefixDoc })
  codePrefix?: string | null;

  @Field(() => Date, { nullable: true, description: 'Only coupons assigned at or after this time.' })
  assignedAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only coupons assigned before this time (later than assignedAfter).' })
  assignedBefore?: Date | null;
}

/** `redemptions`: every filter optional, all combined with AND (a USER only ever sees their own). */
@ArgsType()
export class RedemptionListArgs extends ConnectionArgs {
  @Field(() => ID, { nullable: true })
  bookId?: string | null;

  @Field(() => String, { nullable: true, description: "Only the redemptions of this order (the shop's order id)." })
  orderId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only the redemptions of this user.' })
  userId?: string | null;

  @Field(() => String, { nullable: true, description: emailDoc('the redemptions') })
  email?: string | null;

  @Field(() => String, { nullable: true, description: customerIdDoc('the redemptions') })
  customerId?: string | null;

  @Field(() => String, { nullable: true, description: 'Only the redemptions of this code (exact, case-insensitive). Not with codePrefix.' })
  code?: string | null;

  @Field(() => String, { nullable: true, description: `${codePrefixDoc} Not with code.` })
  codePrefix?: string | null;

  @Field(() => Date, { nullable: true, description: 'Only redemptions at or after this time.' })
  redeemedAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only redemptions before this time (later than redeemedAfter).' })
  redeemedBefore?: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'true: only reversed redemptions; false: only those that stand.' })
  reversed?: boolean | null;
}

/** What every shopper write takes besides its target: a retry key and the shop's customer to act for. */
@ArgsType()
export class ShopperWriteArgs {
  @Field(() => String, {
    nullable: true,
    description: 'A retry with the same key returns the first result; reused with other arguments it is BAD_USER_INPUT.',
  })
  idempotencyKey?: string | null;

  @Field(() => String, { nullable: true, description: actForCustomerDoc })
  customerId?: string | null;
}

/** A shopper write on one coupon by its code (lockCoupon, unlockCoupon, redeemCoupon). */
@ArgsType()
export class CouponCodeArgs extends ShopperWriteArgs {
  @Field(() => String)
  code!: string;
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
