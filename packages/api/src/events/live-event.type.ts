import type { CouponRecord, EventActor, RedemptionRecord } from '@coupons/core';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Coupon, CouponStateEnum, Redemption } from '../coupons/coupon.type.ts';
import { createConnectionType } from '../shared/connection.ts';
import { DecimalScalar } from '../shared/scalars.ts';
import { User } from '../users/user.type.ts';

/** The GraphQL `CouponEventType` enum (the values of the `coupon_event.type` column). */
export const CouponEventTypeEnum = {
  CREATED_BULK: 'CREATED_BULK',
  ASSIGNED: 'ASSIGNED',
  LOCKED: 'LOCKED',
  UNLOCKED: 'UNLOCKED',
  LOCK_EXPIRED: 'LOCK_EXPIRED',
  REDEEMED: 'REDEEMED',
  REVERSED: 'REVERSED',
  VOIDED: 'VOIDED',
  UPDATED: 'UPDATED',
  UNASSIGNED: 'UNASSIGNED',
} as const;
registerEnumType(CouponEventTypeEnum, {
  name: 'CouponEventType',
  description: 'A committed transition. CREATED_BULK summarises one batch of new codes (see `count`).',
});

type CouponStateName = keyof typeof CouponStateEnum;

@ObjectType('CouponEvent', { description: 'One committed coupon transition (the `couponEvents` subscription).' })
export class CouponEvent {
  @Field(() => ID, { description: 'Increasing with commit order per coupon (not a gapless sequence).' })
  id!: string;

  @Field(() => CouponEventTypeEnum)
  type!: keyof typeof CouponEventTypeEnum;

  @Field(() => ID)
  bookId!: string;

  @Field(() => ID, { nullable: true, description: 'Null for CREATED_BULK.' })
  couponId!: string | null;

  @Field(() => CouponStateEnum, { nullable: true, description: 'Null for CREATED_BULK.' })
  fromState!: CouponStateName | null;

  @Field(() => CouponStateEnum, { nullable: true, description: 'Null for CREATED_BULK.' })
  toState!: CouponStateName | null;

  @Field(() => Coupon, {
    nullable: true,
    description: 'The coupon as it is when the event is delivered (a later transition may already show). Null for CREATED_BULK.',
  })
  coupon!: CouponRecord | null;

  @Field(() => User, {
    nullable: true,
    description: 'Who caused it; null for the lock sweeper and system jobs, and for a USER when it was someone else.',
  })
  actor!: EventActor | null;

  @Field(() => Redemption, { nullable: true, description: 'For REDEEMED and REVERSED.' })
  redemption!: RedemptionRecord | null;

  @Field(() => Int, { nullable: true, description: 'CREATED_BULK: how many coupons were created.' })
  count!: number | null;

  @Field(() => String, { nullable: true, description: 'Why an admin did it (VOIDED, UNASSIGNED).' })
  reason!: string | null;

  @Field(() => Date, { description: 'When the transition happened (server clock).' })
  at!: Date;

  @Field(() => Date, {
    description: 'The server clock when this message was sent: count lock countdowns from it, not from the client clock.',
  })
  serverTime!: Date;
}

@ObjectType('BookStats', { description: "A book's live counters (the `bookStats` subscription)." })
export class BookStats {
  @Field(() => ID)
  bookId!: string;

  @Field(() => Int)
  unassigned!: number;

  @Field(() => Int, { description: 'Includes coupons whose lock has expired.' })
  assigned!: number;

  @Field(() => Int, { description: 'Unexpired locks only.' })
  locked!: number;

  @Field(() => Int)
  redeemed!: number;

  @Field(() => Int)
  total!: number;

  @Field(() => Int, { description: 'Checkouts in progress (coupons under an unexpired lock).' })
  activeLocks!: number;

  @Field(() => Int, { description: 'Redemptions in the 60 seconds before serverTime.' })
  redemptionsLastMinute!: number;

  @Field(() => Int, {
    nullable: true,
    description: "Redemptions the book's maxTotalRedemptions still allows (0 once spent; a reversal gives one back); null = no such budget.",
  })
  redemptionsLeft!: number | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: "Discount the book's maxTotalDiscountAmount still allows, in its currency (\"0.00\" once spent); null = no such budget.",
  })
  discountLeft!: string | null;

  @Field(() => Date)
  serverTime!: Date;
}

/** `CouponEventConnection` / `CouponEventEdge`: a coupon's history (`Coupon.events`). */
export const CouponEventConnection = createConnectionType('CouponEvent', CouponEvent);
