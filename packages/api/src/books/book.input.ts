import {
  type CreateBookInput as CoreCreateBookInput,
  LOCK_TTL_DEFAULT,
  type UpdateBookInput as CoreUpdateBookInput,
} from '@coupons/core';
import { ArgsType, type ClassType, Field, Float, InputType, Int } from 'type-graphql';
import { ConnectionArgs } from '../shared/connection.ts';
import { DecimalScalar, JSONScalar } from '../shared/scalars.ts';
import { BookStatusEnum, DiscountTypeEnum } from './book.type.ts';

// Validation (ranges, window, sizes) is core's job (validateCreateBook): one place, one message
// format naming the field, whatever calls the service.

/**
 * One book setting as both inputs declare it. `UpdateBookInput` is `CreateBookInput` with every
 * field optional (as core's `UpdateBookInput` is its `CreateBookInput`, partial): it takes the
 * type, not the create-only required flag, default or description.
 */
interface BookInputField {
  /** The GraphQL type, `() => Type` as in `@Field`. */
  type: NonNullable<Parameters<typeof Field>[0]>;
  /** Required in CreateBookInput. */
  required?: true;
  /** CreateBookInput's default, shown in the schema. */
  defaultValue?: unknown;
  description?: string;
  /** The description stands in UpdateBookInput too. */
  describedInUpdate?: true;
}

const BOOK_INPUT_FIELDS: { [K in keyof CoreCreateBookInput]-?: BookInputField } = {
  name: { type: () => String, required: true, description: '1 to 200 characters.' },
  description: { type: () => String },
  discountType: { type: () => DiscountTypeEnum, required: true },
  discountValue: { type: () => Float, required: true, description: '> 0; at most 100 for PERCENTAGE; at most 2 decimals.' },
  validFrom: { type: () => Date },
  validUntil: { type: () => Date, description: 'Must be after validFrom.' },
  maxAssignmentsPerUser: { type: () => Int, description: '≥ 1, or null for unlimited.' },
  allowMultipleRedemptions: { type: () => Boolean, defaultValue: false },
  maxRedemptionsPerUser: { type: () => Int, description: '≥ 1, or null for unlimited.' },
  lockTtlSeconds: { type: () => Int, defaultValue: LOCK_TTL_DEFAULT, description: '1 to 86400.' },
  currency: { type: () => String, description: 'ISO 4217 code (EUR, USD, JPY …; any case, stored upper-case). Required for FIXED_AMOUNT and with minOrderAmount.', describedInUpdate: true },
  minOrderAmount: { type: () => DecimalScalar, description: 'Orders below this amount (in `currency`) cannot use the coupons; null = no minimum.', describedInUpdate: true },
  maxTotalRedemptions: { type: () => Int, description: 'Budget: redemptions of the whole book (≥ 1), or null for unlimited.', describedInUpdate: true },
  maxTotalDiscountAmount: { type: () => DecimalScalar, description: 'Budget: discount the whole book may grant, in `currency` (> 0), or null for unlimited.', describedInUpdate: true },
  metadata: { type: () => JSONScalar, description: 'A JSON object of at most 16 KB.' },
};

/** Declares the input type `name` with a field per book setting, as `createBook` or `updateBook` takes it. */
function bookInputType<T extends object>(name: string, mode: 'create' | 'update', options?: { description: string }): ClassType<T> {
  class BookInput {}
  for (const [key, field] of Object.entries(BOOK_INPUT_FIELDS)) {
    const create = mode === 'create';
    Field(field.type, {
      nullable: !(create && field.required),
      ...(create && field.defaultValue !== undefined ? { defaultValue: field.defaultValue } : {}),
      ...((create || field.describedInUpdate) && field.description ? { description: field.description } : {}),
    })(BookInput.prototype, key);
  }
  InputType(name, options)(BookInput);
  return BookInput as ClassType<T>;
}

export const CreateBookInput = bookInputType<CoreCreateBookInput>('CreateBookInput', 'create');
export type CreateBookInput = CoreCreateBookInput;

export const UpdateBookInput = bookInputType<CoreUpdateBookInput>('UpdateBookInput', 'update', {
  description: 'Omitted fields stay; null clears an optional field.',
});
export type UpdateBookInput = CoreUpdateBookInput;

@ArgsType()
export class BooksArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the name.' })
  search?: string | null;

  @Field(() => BookStatusEnum, { nullable: true, description: 'Only books with this status; by default every book but ARCHIVED ones.' })
  status?: keyof typeof BookStatusEnum | null;
}
