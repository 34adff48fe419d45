import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { createConnectionType } from '../shared/connection.ts';
import { NamedRecord } from '../shared/named.type.ts';
import { DecimalScalar, JSONScalar } from '../shared/scalars.ts';

/** The GraphQL `DiscountType` enum (the values of Prisma's `DiscountType`). */
export const DiscountTypeEnum = { PERCENTAGE: 'PERCENTAGE', FIXED_AMOUNT: 'FIXED_AMOUNT' } as const;
registerEnumType(DiscountTypeEnum, {
  name: 'DiscountType',
  description: 'PERCENTAGE: discountValue is a percentage (0 < v ≤ 100); FIXED_AMOUNT: an amount of money.',
});

/** The GraphQL `BookStatus` enum (the values of Prisma's `BookStatus`). */
export const BookStatusEnum = { ACTIVE: 'ACTIVE', PAUSED: 'PAUSED', ARCHIVED: 'ARCHIVED' } as const;
registerEnumType(BookStatusEnum, {
  name: 'BookStatus',
  description: 'Set by admins. PAUSED and ARCHIVED books refuse claims, locks and redemptions (BOOK_NOT_ACTIVE); ARCHIVED ones also leave the default lists.',
});

@ObjectType('BookCounts', { description: 'Coupons of a book per state, now. An expired lock counts as assigned.' })
export class BookCounts {
  @Field(() => Int)
  unassigned!: number;

  @Field(() => Int, { description: 'Assigned, including coupons whose lock has expired.' })
  assigned!: number;

  @Field(() => Int, { description: 'Locked with a lock that has not expired.' })
  locked!: number;

  @Field(() => Int)
  redeemed!: number;

  @Field(() => Int)
  total!: number;
}

@ObjectType('Book', { description: 'A coupon campaign: its discount, validity window, limits and codes.' })
export class Book extends NamedRecord {
  @Field(() => DiscountTypeEnum)
  discountType!: 'PERCENTAGE' | 'FIXED_AMOUNT';

  @Field(() => Float, { description: 'Percentage or amount, with at most 2 decimals.' })
  discountValue!: number;

  @Field(() => Date, { nullable: true, description: 'Start of the validity window (inclusive); null = open.' })
  validFrom!: Date | null;

  @Field(() => Date, { nullable: true, description: 'End of the validity window (exclusive); null = open.' })
  validUntil!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Coupons of this book one user may ever be assigned; null = unlimited.' })
  maxAssignmentsPerUser!: number | null;

  @Field(() => Boolean)
  allowMultipleRedemptions!: boolean;

  @Field(() => Int, { nullable: true, description: 'With allowMultipleRedemptions: uses per user; null = unlimited.' })
  maxRedemptionsPerUser!: number | null;

  @Field(() => Int, { description: 'How long a checkout lock lasts (1..86400 seconds).' })
  lockTtlSeconds!: number;

  @Field(() => String, { nullable: true, description: 'ISO 4217: the currency of a FIXED_AMOUNT discount and of minOrderAmount.' })
  currency!: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Orders below this amount (in `currency`) cannot use the coupons; null = none.' })
  minOrderAmount!: string | null;

  @Field(() => JSONScalar, { description: 'Free-form JSON object (≤ 16 KB).' })
  metadata!: Record<string, unknown>;

  @Field(() => BookStatusEnum, { description: 'ACTIVE serves coupons (inside the validity window, see isActive); PAUSED and ARCHIVED do not.' })
  status!: keyof typeof BookStatusEnum;

  @Field(() => Date, { nullable: true, description: 'When the status last changed.' })
  statusChangedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Budget: redemptions of the whole book; null = unlimited.' })
  maxTotalRedemptions!: number | null;

  @Field(() => Int, { description: 'Redemptions that stand (reversed ones give theirs back): what the budget has used.' })
  redeemedTotal!: number;

  @Field(() => DecimalScalar, { nullable: true, description: 'Budget: discount the whole book may grant, in `currency`; null = unlimited.' })
  maxTotalDiscountAmount!: string | null;

  @Field(() => DecimalScalar, { description: 'Discount granted by redemptions that stand, in `currency` (orders in it).' })
  discountTotal!: string;

  @Field(() => Int, { nullable: true, description: 'Redemptions maxTotalRedemptions still allows (0 once spent); null = no such budget.' })
  redemptionsLeft!: number | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'Discount maxTotalDiscountAmount still allows, in `currency` ("0.00" once spent); null = no such budget.',
  })
  discountLeft!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, {
    description:
      'The last change of this book (its settings or status). Grows with every change, in the order the changes committed: of two copies of a book, the one with the later updatedAt is current. Counts and budget counters move without it.',
  })
  updatedAt!: Date;
}

/** `BookConnection` / `BookEdge`. */
export const BookConnection = createConnectionType('Book', Book);
