import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { createConnectionType } from '../shared/connection.ts';
import { DecimalScalar, JSONScalar } from '../shared/scalars.ts';

/** The coupon state machine's states (../shared/DESIGN.md). */
export const CouponStateEnum = {
  UNASSIGNED: 'UNASSIGNED',
  ASSIGNED: 'ASSIGNED',
  LOCKED: 'LOCKED',
  REDEEMED: 'REDEEMED',
  VOID: 'VOID',
} as const;
registerEnumType(CouponStateEnum, {
  name: 'CouponState',
  description: 'UNASSIGNED → ASSIGNED → LOCKED → REDEEMED; an expired lock reads as ASSIGNED. VOID (voidCoupon) is final.',
});

@ObjectType('Coupon', { description: 'One code of one book.' })
export class Coupon {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Upper-case; looked up case-insensitively.' })
  code!: string;

  @Field(() => CouponStateEnum)
  state!: keyof typeof CouponStateEnum;

  @Field(() => ID)
  bookId!: string;

  @Field(() => ID, { nullable: true, description: 'The owner, once assigned.' })
  assignedUserId!: string | null;

  @Field(() => Date, { nullable: true })
  assignedAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the checkout lock ends (null unless LOCKED). Count down against `serverTime` of events.',
  })
  lockExpiresAt!: Date | null;

  @Field(() => Int, { description: 'Redemptions not reversed.' })
  redemptionCount!: number;

  @Field(() => Date, { nullable: true, description: 'This code stops working at this time (updateCoupon); null: the book decides.' })
  expiresAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Uses of this code (updateCoupon); null: the book decides.' })
  maxRedemptions!: number | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, {
    description:
      'The last change of this coupon. Grows with every change, in the order the changes committed: of two copies of a coupon (a query and an event), the one with the later updatedAt is current.',
  })
  updatedAt!: Date;
}

@ObjectType('Redemption', { description: 'The audit row of one redemption; a reversal never deletes it.' })
export class Redemption {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  couponId!: string;

  @Field(() => ID)
  bookId!: string;

  @Field(() => ID)
  userId!: string;

  @Field(() => Date)
  redeemedAt!: Date;

  @Field(() => String, { nullable: true })
  idempotencyKey!: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'What the caller attached (order id …).' })
  metadata!: unknown;

  @Field(() => Date, { nullable: true })
  reversedAt!: Date | null;

  @Field(() => ID, { nullable: true })
  reversedById!: string | null;

  @Field(() => String, { nullable: true })
  reversalReason!: string | null;

  @Field(() => String, { nullable: true, description: "The shop's order this redemption paid for (redeemCoupon's order)." })
  orderId!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'The order total, in `currency`.' })
  orderAmount!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'What the coupon took off the order, in `currency`.' })
  discountAmount!: string | null;

  @Field(() => String, { nullable: true, description: "The order's currency (ISO 4217)." })
  currency!: string | null;
}

export const CouponConnection = createConnectionType('Coupon', Coupon);
export const RedemptionConnection = createConnectionType('Redemption', Redemption);
