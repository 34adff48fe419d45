import { ArgsType, Field, Float, InputType, Int } from 'type-graphql';
import { ConnectionArgs } from '../shared/connection.ts';
import { DecimalScalar, JSONScalar } from '../shared/scalars.ts';
import { BookStatusEnum, DiscountTypeEnum } from './book.type.ts';

// Validation (ranges, window, sizes) is core's job (validateCreateBook): one place, one message
// format naming the field, whatever calls the service.

const currencyDoc = 'ISO 4217 code (EUR, USD, JPY …; any case, stored upper-case). Required for FIXED_AMOUNT and with minOrderAmount.';
const minOrderAmountDoc = 'Orders below this amount (in `currency`) cannot use the coupons; null = no minimum.';

@InputType('CreateBookInput')
export class CreateBookInput {
  @Field(() => String, { description: '1 to 200 characters.' })
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => DiscountTypeEnum)
  discountType!: 'PERCENTAGE' | 'FIXED_AMOUNT';

  @Field(() => Float, { description: '> 0; at most 100 for PERCENTAGE; at most 2 decimals.' })
  discountValue!: number;

  @Field(() => Date, { nullable: true })
  validFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Must be after validFrom.' })
  validUntil?: Date | null;

  @Field(() => Int, { nullable: true, description: '≥ 1, or null for unlimited.' })
  maxAssignmentsPerUser?: number | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  allowMultipleRedemptions?: boolean | null;

  @Field(() => Int, { nullable: true, description: '≥ 1, or null for unlimited.' })
  maxRedemptionsPerUser?: number | null;

  @Field(() => Int, { nullable: true, defaultValue: 300, description: '1 to 86400.' })
  lockTtlSeconds?: number | null;

  @Field(() => String, { nullable: true, description: currencyDoc })
  currency?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: minOrderAmountDoc })
  minOrderAmount?: string | null;

  @Field(() => Int, { nullable: true, description: 'Budget: redemptions of the whole book (≥ 1), or null for unlimited.' })
  maxTotalRedemptions?: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Budget: discount the whole book may grant, in `currency` (> 0), or null for unlimited.' })
  maxTotalDiscountAmount?: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'A JSON object of at most 16 KB.' })
  metadata?: unknown;
}

@InputType('UpdateBookInput', { description: 'Omitted fields stay; null clears an optional field.' })
export class UpdateBookInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => DiscountTypeEnum, { nullable: true })
  discountType?: 'PERCENTAGE' | 'FIXED_AMOUNT' | null;

  @Field(() => Float, { nullable: true })
  discountValue?: number | null;

  @Field(() => Date, { nullable: true })
  validFrom?: Date | null;

  @Field(() => Date, { nullable: true })
  validUntil?: Date | null;

  @Field(() => Int, { nullable: true })
  maxAssignmentsPerUser?: number | null;

  @Field(() => Boolean, { nullable: true })
  allowMultipleRedemptions?: boolean | null;

  @Field(() => Int, { nullable: true })
  maxRedemptionsPerUser?: number | null;

  @Field(() => Int, { nullable: true })
  lockTtlSeconds?: number | null;

  @Field(() => String, { nullable: true, description: currencyDoc })
  currency?: string | null;

  @Field(() => DecimalScalar, { nullable: true, description: minOrderAmountDoc })
  minOrderAmount?: string | null;

  @Field(() => Int, { nullable: true, description: 'Budget: redemptions of the whole book (≥ 1), or null for unlimited.' })
  maxTotalRedemptions?: number | null;

  @Field(() => DecimalScalar, { nullable: true, description: 'Budget: discount the whole book may grant, in `currency` (> 0), or null for unlimited.' })
  maxTotalDiscountAmount?: string | null;

  @Field(() => JSONScalar, { nullable: true })
  metadata?: unknown;
}

@ArgsType()
export class BooksArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the name.' })
  search?: string | null;

  @Field(() => BookStatusEnum, { nullable: true, description: 'Only books with this status; by default every book but ARCHIVED ones.' })
  status?: keyof typeof BookStatusEnum | null;
}
