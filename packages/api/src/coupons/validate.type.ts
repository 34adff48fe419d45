import { Field, ObjectType } from 'type-graphql';
import { DiscountTypeEnum } from '../books/book.type.ts';
import { type ApiErrorCode, ErrorCodeEnum } from '../shared/error-code.type.ts';
import { DecimalScalar } from '../shared/scalars.ts';
import { Coupon } from './coupon.type.ts';

@ObjectType('Discount', { description: "What a coupon takes off: the book's discount, priced against an order when one is given." })
export class Discount {
  @Field(() => DiscountTypeEnum)
  type!: 'PERCENTAGE' | 'FIXED_AMOUNT';

  @Field(() => DecimalScalar, { description: 'A percentage ("12.5"), or an amount of `currency` ("5.00").' })
  value!: string;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: "What the order saves, rounded half-even to the currency's minor units; null when no order was given.",
  })
  amount!: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217: the order\'s currency, or the book\'s without an order.' })
  currency!: string | null;
}

@ObjectType('CouponValidation', { description: 'Whether the checkout can use a coupon now, and for how much. Nothing was changed.' })
export class CouponValidation {
  @Field(() => Boolean, { description: 'True when lockCoupon then redeemCoupon (or redeemCoupon, under your lock) would accept it now.' })
  valid!: boolean;

  @Field(() => ErrorCodeEnum, {
    nullable: true,
    description: 'The error code the checkout would hit now (NOT_FOUND, INVALID_STATE, BOOK_NOT_ACTIVE, ORDER_NOT_ELIGIBLE …); null when valid.',
  })
  reason!: ApiErrorCode | null;

  @Field(() => String, { nullable: true, description: 'The message that error would carry; null when valid.' })
  message!: string | null;

  @Field(() => Discount, { nullable: true, description: 'Null for a code that is not yours (codes cannot be probed).' })
  discount!: Discount | null;

  @Field(() => Coupon, { nullable: true, description: 'The coupon, when it is yours.' })
  coupon!: Coupon | null;
}
