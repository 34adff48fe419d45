import { type BookSettings, bookInputSchema, fieldErrors } from '@coupons/rules';
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

/** What the API receives: the settings the shared rules let through (money as a decimal string, never a float). */
export type BookInput = BookSettings;

/** The currency field is shown (and sent) for a fixed amount, a minimum order or a discount budget. */
export function needsCurrency(values: Pick<BookFormValues, 'discountType' | 'minOrderAmount' | 'maxTotalDiscountAmount'>): boolean {
  return values.discountType === 'FIXED_AMOUNT' || values.minOrderAmount.trim() !== '' || values.maxTotalDiscountAmount.trim() !== '';
}

/**
 * Checks the form with the API's own rules (the shared schema of @coupons/rules, which the
 * services agree with), so mistakes show inline before a round trip. The API stays the
 * authority: its BAD_USER_INPUT errors land on the same fields.
 */
export function validateBookForm(values: BookFormValues): { input: BookInput | null; errors: BookFormErrors } {
  const errors: BookFormErrors = {};
  let metadata: unknown = {};
  if (values.metadata.trim()) {
    try {
      metadata = JSON.parse(values.metadata);
    } catch {
      errors.metadata = 'This is not valid JSON.';
    }
  }
  const currency = needsCurrency(values) && values.currency.trim() !== '' ? values.currency : null;
  const parsed = bookInputSchema.safeParse({
    name: values.name,
    description: values.description,
    discountType: values.discountType,
    discountValue: values.discountValue.trim() === '' ? undefined : Number(values.discountValue),
    validFrom: dateOf(values.validFrom),
    validUntil: dateOf(values.validUntil),
    maxAssignmentsPerUser: optionalNumber(values.maxAssignmentsPerUser),
    allowMultipleRedemptions: values.allowMultipleRedemptions,
    maxRedemptionsPerUser: values.allowMultipleRedemptions ? optionalNumber(values.maxRedemptionsPerUser) : null,
    lockTtlSeconds: values.lockTtlSeconds.trim() === '' ? undefined : Number(values.lockTtlSeconds),
    currency: needsCurrency(values) ? currency : null,
    minOrderAmount: values.minOrderAmount.trim() || null,
    maxTotalRedemptions: optionalNumber(values.maxTotalRedemptions),
    maxTotalDiscountAmount: values.maxTotalDiscountAmount.trim() || null,
    metadata,
  });
  if (!parsed.success) {
    for (const [field, message] of Object.entries(fieldErrors(parsed.error))) {
      const key = field in EMPTY_BOOK_FORM ? (field as keyof BookFormValues) : 'form';
      errors[key] ??= message;
    }
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { input: null, errors };
  return { errors, input: parsed.data };
}

/**
 * The fields of `input` that differ from `before` (the form as it opened), for an update: the API
 * merges the fields it is given into the latest book, so another admin's change to a field this
 * form did not touch is kept instead of being written back over. All of `input` when `before` is
 * null (a form that did not open valid).
 */
export function changedBookInput(before: BookInput | null, input: BookInput): Partial<BookInput> {
  if (!before) return input;
  const previous = before as Record<string, unknown>;
  return Object.fromEntries(Object.entries(input).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(previous[key]))) as Partial<BookInput>;
}

/** A datetime-local value as an ISO instant; a value it cannot read is passed on for the schema to refuse. */
function dateOf(local: string): string | null {
  if (!local) return null;
  return localInputToIso(local) ?? local;
}

/** null for empty (no limit), else the number typed (the schema says when it is not a whole one). */
function optionalNumber(raw: string): number | null {
  const value = raw.trim();
  return value === '' ? null : Number(value);
}

/** Maps an API field path (`input.discountValue`) onto a form field, when it is one. */
export function formFieldOf(apiField: string | null): keyof BookFormValues | null {
  if (!apiField) return null;
  const last = apiField.split('.').pop() ?? '';
  return last in EMPTY_BOOK_FORM ? (last as keyof BookFormValues) : null;
}

/**
 * Where the form shows an error the API gave (as `describeError` describes it): beside the field it
 * names, without the "<field>:" the API puts in front; above the form when that field is not on
 * screen (the multiple-redemptions checkbox has no error line, the currency and redemptions per
 * user are hidden until they apply), where the message keeps the field's name to say what it is about.
 */
export function apiBookFormErrors(described: { field: string | null; message: string }, values: BookFormValues): BookFormErrors {
  const field = formFieldOf(described.field);
  if (!field || !described.field || !shownField(field, values)) return { form: described.message };
  // describeError capitalised the message, so the API's "discountValue:" now reads "DiscountValue:".
  const prefix = new RegExp(`^(?:${escapeRegExp(described.field)}|${escapeRegExp(field)}):\\s*`, 'i');
  const message = described.message.replace(prefix, '');
  return { [field]: message.charAt(0).toUpperCase() + message.slice(1) };
}

/** Whether the form shows `field`, with an error line, for these values. */
function shownField(field: keyof BookFormValues, values: BookFormValues): boolean {
  if (field === 'allowMultipleRedemptions') return false;
  if (field === 'currency') return needsCurrency(values);
  if (field === 'maxRedemptionsPerUser') return values.allowMultipleRedemptions;
  return true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
