import { INPUT_LIMITS, morePlacesThan } from '@coupons/rules';
import { badInput } from '../shared/errors.ts';
import { currencyMinorUnits, formatAmount, Money, parseCurrencyAmount, requireCurrency } from '../shared/money.ts';
import { requireDateTime, requireMetadata, requireText } from '../shared/validation.ts';
import type { BookRecord, DiscountType } from './book.model.ts';

/** What `createBook` accepts. Omitted optional fields take the documented defaults. */
export interface CreateBookInput {
  name: string;
  description?: string | null;
  discountType: DiscountType;
  discountValue: number;
  validFrom?: Date | null;
  validUntil?: Date | null;
  maxAssignmentsPerUser?: number | null;
  allowMultipleRedemptions?: boolean | null;
  maxRedemptionsPerUser?: number | null;
  lockTtlSeconds?: number | null;
  /** ISO 4217 (any case); required for FIXED_AMOUNT and with a minimum order. */
  currency?: string | null;
  /** A decimal string ("25.00") in `currency`; null = no minimum. */
  minOrderAmount?: string | null;
  /** Budget: redemptions of the whole book; null = unlimited. */
  maxTotalRedemptions?: number | null;
  /** Budget: discount the whole book may grant, a decimal string in `currency`; null = unlimited. */
  maxTotalDiscountAmount?: string | null;
  metadata?: unknown;
}

/**
 * What `updateBook` accepts: `undefined` keeps a field, `null` clears a nullable one (and is
 * BAD_USER_INPUT for a required one).
 */
export type UpdateBookInput = { [K in keyof CreateBookInput]?: CreateBookInput[K] | null };

/** The editable fields of a book, validated and complete (status and budget use are not edited here). */
export type BookFields = Omit<
  BookRecord,
  'id' | 'createdAt' | 'updatedAt' | 'status' | 'statusChangedAt' | 'redeemedTotal' | 'discountTotal' | 'redemptionsLeft' | 'discountLeft'
>;

/**
 * The settings that make the deal a shopper was given: once a coupon of the book was assigned,
 * changing them would change coupons people already hold, so updateBook refuses (make a new
 * book instead). Everything else — name, texts, window, limits, lock TTL, budgets, metadata —
 * may change at any time.
 */
export const TERMS_FIELDS = ['discountType', 'discountValue', 'currency'] as const;

// The limits are the shared input rules' (@coupons/rules), which the console checks before a round trip.
export const NAME_MAX = INPUT_LIMITS.bookName;
export const DESCRIPTION_MAX = INPUT_LIMITS.bookDescription;
export const METADATA_MAX_BYTES = INPUT_LIMITS.metadataBytes;
export const LOCK_TTL_DEFAULT = 300;
export const LOCK_TTL_MAX = INPUT_LIMITS.lockTtlSeconds;
/** discount_value is DECIMAL(12,2). */
const FIXED_AMOUNT_MAX = INPUT_LIMITS.discountValue;
const INT4_MAX = INPUT_LIMITS.int4;

/** Validates a full create input and fills defaults; BAD_USER_INPUT names the first bad field. */
export function validateCreateBook(input: CreateBookInput): BookFields {
  return checkBookFields({
    name: input.name,
    description: input.description ?? null,
    discountType: input.discountType,
    discountValue: input.discountValue,
    validFrom: input.validFrom ?? null,
    validUntil: input.validUntil ?? null,
    maxAssignmentsPerUser: input.maxAssignmentsPerUser ?? null,
    allowMultipleRedemptions: input.allowMultipleRedemptions ?? false,
    maxRedemptionsPerUser: input.maxRedemptionsPerUser ?? null,
    lockTtlSeconds: input.lockTtlSeconds ?? LOCK_TTL_DEFAULT,
    currency: input.currency ?? null,
    minOrderAmount: input.minOrderAmount ?? null,
    maxTotalRedemptions: input.maxTotalRedemptions ?? null,
    maxTotalDiscountAmount: input.maxTotalDiscountAmount ?? null,
    metadata: (input.metadata ?? {}) as Record<string, unknown>,
  });
}

/**
 * Merges an update into the current book and validates the result as a whole, so cross-field
 * rules (validFrom < validUntil, percentage ≤ 100) hold whichever side changed.
 */
export function validateUpdateBook(current: BookRecord, input: UpdateBookInput): BookFields {
  const fields = mergeUpdate(current, input);
  // A budget can be lowered, but not below what is already used. The counters are kept only
  // while a budget is set: a first budget is checked against a fresh count (book.service.ts).
  const counted = current.maxTotalRedemptions !== null || current.maxTotalDiscountAmount !== null;
  if (!counted) return fields;
  if (fields.maxTotalRedemptions !== null && fields.maxTotalRedemptions < current.redeemedTotal) {
    throw badInput('maxTotalRedemptions', `must be at least ${current.redeemedTotal}: that many redemptions already stand`);
  }
  if (fields.maxTotalDiscountAmount !== null && new Money(fields.maxTotalDiscountAmount).lessThan(current.discountTotal)) {
    throw badInput('maxTotalDiscountAmount', `must be at least ${current.discountTotal}: that much discount is already granted`);
  }
  return fields;
}

function mergeUpdate(current: BookRecord, input: UpdateBookInput): BookFields {
  const pick = <K extends keyof BookFields>(key: K): BookFields[K] =>
    (input[key as keyof UpdateBookInput] === undefined ? current[key] : input[key as keyof UpdateBookInput]) as BookFields[K];
  for (const key of ['name', 'discountType', 'discountValue', 'allowMultipleRedemptions', 'lockTtlSeconds', 'metadata'] as const) {
    if (input[key] === null) throw badInput(key, 'cannot be null');
  }
  return checkBookFields({
    name: pick('name'),
    description: pick('description'),
    discountType: pick('discountType'),
    discountValue: pick('discountValue'),
    validFrom: pick('validFrom'),
    validUntil: pick('validUntil'),
    maxAssignmentsPerUser: pick('maxAssignmentsPerUser'),
    allowMultipleRedemptions: pick('allowMultipleRedemptions'),
    maxRedemptionsPerUser: pick('maxRedemptionsPerUser'),
    lockTtlSeconds: pick('lockTtlSeconds'),
    currency: pick('currency'),
    minOrderAmount: pick('minOrderAmount'),
    maxTotalRedemptions: pick('maxTotalRedemptions'),
    maxTotalDiscountAmount: pick('maxTotalDiscountAmount'),
    metadata: pick('metadata'),
  });
}

function checkBookFields(fields: BookFields): BookFields {
  const name = requireText('name', fields.name, { max: NAME_MAX });
  const description = requireText('description', fields.description, { max: DESCRIPTION_MAX, optional: true, multiline: true });
  if (fields.discountType !== 'PERCENTAGE' && fields.discountType !== 'FIXED_AMOUNT') {
    throw badInput('discountType', 'must be PERCENTAGE or FIXED_AMOUNT');
  }
  checkDiscountValue(fields.discountType, fields.discountValue);
  const money = checkMoney(fields);
  checkWindow(fields.validFrom, fields.validUntil);
  checkLimit('maxAssignmentsPerUser', fields.maxAssignmentsPerUser);
  checkLimit('maxRedemptionsPerUser', fields.maxRedemptionsPerUser);
  checkLimit('maxTotalRedemptions', fields.maxTotalRedemptions);
  if (typeof fields.allowMultipleRedemptions !== 'boolean') throw badInput('allowMultipleRedemptions', 'must be a boolean');
  const ttl = fields.lockTtlSeconds;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > LOCK_TTL_MAX) {
    throw badInput('lockTtlSeconds', `must be an integer between 1 and ${LOCK_TTL_MAX}`);
  }
  return { ...fields, ...money, name, description, metadata: requireMetadata('metadata', fields.metadata) };
}

function checkDiscountValue(type: DiscountType, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw badInput('discountValue', 'must be a number greater than 0');
  }
  if (type === 'PERCENTAGE' && value > 100) throw badInput('discountValue', 'a percentage must be at most 100');
  if (value > FIXED_AMOUNT_MAX) throw badInput('discountValue', `must be at most ${FIXED_AMOUNT_MAX}`);
  if (morePlacesThan(value, 2)) {
    throw badInput('discountValue', 'must have at most 2 decimal places');
  }
}

/**
 * The book's currency and minimum order, checked against the discount: a fixed amount and a
 * minimum order are amounts of money, so they need a currency (the CHECK book_currency_check is
 * only the safety net), and neither may have more decimals than that currency (2.50 JPY).
 */
function checkMoney(fields: BookFields): Pick<BookFields, 'currency' | 'minOrderAmount' | 'maxTotalDiscountAmount'> {
  const currency = fields.currency === null || fields.currency === undefined ? null : requireCurrency('currency', fields.currency);
  if (fields.discountType === 'FIXED_AMOUNT') {
    if (!currency) throw badInput('currency', 'is required for a FIXED_AMOUNT discount (the currency of the amount, e.g. EUR)');
    const minor = currencyMinorUnits(currency);
    if (morePlacesThan(fields.discountValue, minor)) {
      throw badInput('discountValue', minor === 0 ? `${currency} amounts are whole numbers` : `${currency} amounts have at most ${minor} decimal places`);
    }
  }
  let maxTotalDiscountAmount: string | null = null;
  if (fields.maxTotalDiscountAmount !== null && fields.maxTotalDiscountAmount !== undefined) {
    if (!currency) throw badInput('currency', 'is required with a maxTotalDiscountAmount (the currency of the budget)');
    const budget = parseCurrencyAmount('maxTotalDiscountAmount', fields.maxTotalDiscountAmount, currency);
    if (!budget.greaterThan(0)) throw badInput('maxTotalDiscountAmount', 'must be greater than 0 (or null for unlimited)');
    maxTotalDiscountAmount = formatAmount(budget, currency);
  }
  if (fields.minOrderAmount === null || fields.minOrderAmount === undefined) return { currency, minOrderAmount: null, maxTotalDiscountAmount };
  if (!currency) throw badInput('currency', 'is required with a minOrderAmount (the currency of the minimum order)');
  const minimum = parseCurrencyAmount('minOrderAmount', fields.minOrderAmount, currency);
  return { currency, minOrderAmount: formatAmount(minimum, currency), maxTotalDiscountAmount };
}

function checkWindow(from: Date | null, until: Date | null): void {
  if (from !== null) requireDateTime('validFrom', from);
  if (until !== null) requireDateTime('validUntil', until);
  if (from && until && from.getTime() >= until.getTime()) throw badInput('validUntil', 'must be after validFrom');
}

function checkLimit(field: string, value: number | null): void {
  if (value === null) return;
  if (!Number.isInteger(value) || value < 1 || value > INT4_MAX) {
    throw badInput(field, 'must be an integer of at least 1 (or null for unlimited)');
  }
}

