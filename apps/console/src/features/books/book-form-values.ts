import type { BookFormFieldsFragment } from '@/gql/graphql';
import { isoToLocalInput, localInputToIso } from '@/lib/format/format';

/** The book form's state: strings, exactly as typed, so a half-typed number is not lost. */
export interface BookFormValues {
  name: string;
  description: string;
  discountType: 'PERCENTAGE' | 'FIXED_AMOUNT';
  discountValue: string;
  validFrom: string;
  validUntil: string;
  maxAssignmentsPerUser: string;
  allowMultipleRedemptions: boolean;
  maxRedemptionsPerUser: string;
  lockTtlSeconds: string;
  /** ISO 4217; asked for with a fixed amount or a minimum order. */
  currency: string;
  minOrderAmount: string;
  /** Budget: redemptions of the whole book; empty = no limit. */
  maxTotalRedemptions: string;
  /** Budget: discount the whole book may grant, in `currency`; empty = no limit. */
  maxTotalDiscountAmount: string;
  metadata: string;
}

export type BookFormErrors = Partial<Record<keyof BookFormValues | 'form', string>>;

export const EMPTY_BOOK_FORM: BookFormValues = {
  name: '',
  description: '',
  discountType: 'PERCENTAGE',
  discountValue: '',
  validFrom: '',
  validUntil: '',
  maxAssignmentsPerUser: '1',
  allowMultipleRedemptions: false,
  maxRedemptionsPerUser: '',
  lockTtlSeconds: '300',
  currency: '',
  minOrderAmount: '',
  maxTotalRedemptions: '',
  maxTotalDiscountAmount: '',
  metadata: '',
};

/** The book as the API returns it (the form's fragment), for an edit form. */
export type BookLike = BookFormFieldsFragment;

export function bookToFormValues(book: BookLike): BookFormValues {
  const metadata = book.metadata && typeof book.metadata === 'object' && Object.keys(book.metadata).length > 0 ? JSON.stringify(book.metadata, null, 2) : '';
  return {
    name: book.name,
    description: book.description ?? '',
    discountType: book.discountType === 'FIXED_AMOUNT' ? 'FIXED_AMOUNT' : 'PERCENTAGE',
    discountValue: String(book.discountValue ?? ''),
    validFrom: isoToLocalInput(book.validFrom),
    validUntil: isoToLocalInput(book.validUntil),
    maxAssignmentsPerUser: book.maxAssignmentsPerUser == null ? '' : String(book.maxAssignmentsPerUser),
    allowMultipleRedemptions: book.allowMultipleRedemptions,
    maxRedemptionsPerUser: book.maxRedemptionsPerUser == null ? '' : String(book.maxRedemptionsPerUser),
    lockTtlSeconds: String(book.lockTtlSeconds),
    currency: book.currency ?? '',
    minOrderAmount: book.minOrderAmount ?? '',
    maxTotalRedemptions: book.maxTotalRedemptions == null ? '' : String(book.maxTotalRedemptions),
    maxTotalDiscountAmount: book.maxTotalDiscountAmount ?? '',
    metadata,
  };
}

/** What the API receives: shared by CreateBookInput and UpdateBookInput. */
export interface BookInput {
  name: string;
  description: string | null;
  discountType: 'PERCENTAGE' | 'FIXED_AMOUNT';
  discountValue: number;
  validFrom: string | null;
  validUntil: string | null;
  maxAssignmentsPerUser: number | null;
  allowMultipleRedemptions: boolean;
  maxRedemptionsPerUser: number | null;
  lockTtlSeconds: number;
  currency: string | null;
  /** A decimal string ("25.00"): money never travels as a float. */
  minOrderAmount: string | null;
  maxTotalRedemptions: number | null;
  /** A decimal string, like minOrderAmount. */
  maxTotalDiscountAmount: string | null;
  metadata: Record<string, unknown>;
}

/** The currency field is shown (and sent) for a fixed amount, a minimum order or a discount budget. */
export function needsCurrency(values: Pick<BookFormValues, 'discountType' | 'minOrderAmount' | 'maxTotalDiscountAmount'>): boolean {
  return values.discountType === 'FIXED_AMOUNT' || values.minOrderAmount.trim() !== '' || values.maxTotalDiscountAmount.trim() !== '';
}

const WHOLE = /^\d+$/;
const AMOUNT = /^(0|[1-9]\d{0,13})(\.\d{1,4})?$/;

/**
 * Checks the form the way the API will, so most mistakes are caught inline before a round trip.
 * The API stays the authority: its BAD_USER_INPUT errors land on the same fields.
 */
export function validateBookForm(values: BookFormValues): { input: BookInput | null; errors: BookFormErrors } {
  const errors: BookFormErrors = {};
  const name = values.name.trim();
  if (!name) errors.name = 'Give the book a name.';
  else if (name.length > 200) errors.name = 'Keep the name under 200 characters.';

  const discount = Number(values.discountValue);
  if (values.discountValue.trim() === '' || Number.isNaN(discount)) errors.discountValue = 'Enter the discount as a number.';
  else if (discount <= 0) errors.discountValue = 'The discount must be more than 0.';
  else if (values.discountType === 'PERCENTAGE' && discount > 100) errors.discountValue = 'A percentage cannot be more than 100.';

  const currency = values.currency.trim().toUpperCase();
  const minOrderAmount = values.minOrderAmount.trim();
  if (needsCurrency(values) && !/^[A-Z]{3}$/.test(currency)) {
    errors.currency =
      values.discountType === 'FIXED_AMOUNT'
        ? 'A fixed amount needs a currency: a three-letter code like EUR.'
        : values.minOrderAmount.trim()
          ? 'A minimum order needs a currency: a three-letter code like EUR.'
          : 'A discount budget needs a currency: a three-letter code like EUR.';
  }
  if (minOrderAmount && !AMOUNT.test(minOrderAmount)) errors.minOrderAmount = 'Enter an amount like 25.00, or leave empty for no minimum.';
  const maxTotalDiscountAmount = values.maxTotalDiscountAmount.trim();
  if (maxTotalDiscountAmount && (!AMOUNT.test(maxTotalDiscountAmount) || Number(maxTotalDiscountAmount) <= 0)) {
    errors.maxTotalDiscountAmount = 'Enter an amount above 0 like 500.00, or leave empty for no budget.';
  }
  const maxTotalRedemptions = optionalWhole(values.maxTotalRedemptions);
  if (maxTotalRedemptions === false) errors.maxTotalRedemptions = 'Enter a whole number of at least 1, or leave empty for no budget.';

  const validFrom = localInputToIso(values.validFrom);
  const validUntil = localInputToIso(values.validUntil);
  if (values.validFrom && !validFrom) errors.validFrom = 'Enter a valid date and time.';
  if (values.validUntil && !validUntil) errors.validUntil = 'Enter a valid date and time.';
  if (validFrom && validUntil && Date.parse(validUntil) <= Date.parse(validFrom)) errors.validUntil = 'The end must be after the start.';

  const maxAssignments = optionalWhole(values.maxAssignmentsPerUser);
  if (maxAssignments === false) errors.maxAssignmentsPerUser = 'Enter a whole number of at least 1, or leave empty for no limit.';
  const maxRedemptions = values.allowMultipleRedemptions ? optionalWhole(values.maxRedemptionsPerUser) : null;
  if (maxRedemptions === false) errors.maxRedemptionsPerUser = 'Enter a whole number of at least 1, or leave empty for no limit.';

  const ttl = values.lockTtlSeconds.trim();
  if (!WHOLE.test(ttl) || Number(ttl) < 1) errors.lockTtlSeconds = 'Enter the lock time in whole seconds (at least 1).';
  else if (Number(ttl) > 86_400) errors.lockTtlSeconds = 'A lock can last at most one day (86,400 seconds).';

  let metadata: Record<string, unknown> = {};
  if (values.metadata.trim()) {
    try {
      const parsed: unknown = JSON.parse(values.metadata);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) errors.metadata = 'Metadata must be a JSON object, like {"channel": "web"}.';
      else metadata = parsed as Record<string, unknown>;
    } catch {
      errors.metadata = 'This is not valid JSON.';
    }
  }

  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    errors,
    input: {
      name,
      description: values.description.trim() || null,
      discountType: values.discountType,
      discountValue: discount,
      validFrom,
      validUntil,
      maxAssignmentsPerUser: maxAssignments === false ? null : maxAssignments,
      allowMultipleRedemptions: values.allowMultipleRedemptions,
      maxRedemptionsPerUser: maxRedemptions === false ? null : maxRedemptions,
      lockTtlSeconds: Number(ttl),
      currency: needsCurrency(values) ? currency : null,
      minOrderAmount: minOrderAmount || null,
      maxTotalRedemptions: maxTotalRedemptions === false ? null : maxTotalRedemptions,
      maxTotalDiscountAmount: maxTotalDiscountAmount || null,
      metadata,
    },
  };
}

/** null for empty (no limit), the number when valid, false when invalid. */
function optionalWhole(raw: string): number | null | false {
  const value = raw.trim();
  if (value === '') return null;
  if (!WHOLE.test(value) || Number(value) < 1) return false;
  return Number(value);
}

/** Maps an API field path (`input.discountValue`) onto a form field, when it is one. */
export function formFieldOf(apiField: string | null): keyof BookFormValues | null {
  if (!apiField) return null;
  const last = apiField.split('.').pop() ?? '';
  return last in EMPTY_BOOK_FORM ? (last as keyof BookFormValues) : null;
}
