import type { Book as BookRow } from '@coupons/db';
import { bookInactiveReason, notActive } from '../coupons/availability.ts';
import { formatAmount } from '../shared/money.ts';
import { budgetLeft } from './book.counts.ts';

export type DiscountType = 'PERCENTAGE' | 'FIXED_AMOUNT';
/** ACTIVE books serve coupons; PAUSED and ARCHIVED ones refuse claims, locks and redemptions. */
export type BookStatus = 'ACTIVE' | 'PAUSED' | 'ARCHIVED';

/**
 * A coupon book as services return it: `discountValue` a number (a percentage, or an amount of
 * `currency` with at most 2 decimals, as the contract's Float has always carried it),
 * `minOrderAmount` a decimal string in `currency` ("25.00"), metadata an object.
 */
export interface BookRecord {
  id: string;
  name: string;
  description: string | null;
  discountType: DiscountType;
  discountValue: number;
  validFrom: Date | null;
  validUntil: Date | null;
  maxAssignmentsPerUser: number | null;
  allowMultipleRedemptions: boolean;
  maxRedemptionsPerUser: number | null;
  lockTtlSeconds: number;
  /** ISO 4217: the currency of a FIXED_AMOUNT discount and of `minOrderAmount`; null for a plain percentage. */
  currency: string | null;
  /** An order below this amount (in `currency`) cannot use the book's coupons; null = no minimum. */
  minOrderAmount: string | null;
  metadata: Record<string, unknown>;
  status: BookStatus;
  statusChangedAt: Date | null;
  /** Budget: redemptions of the whole book (null = unlimited), and how many stand now. */
  maxTotalRedemptions: number | null;
  redeemedTotal: number;
  /** Budget: discount granted by the whole book in `currency` (null = unlimited), and granted so far. */
  maxTotalDiscountAmount: string | null;
  discountTotal: string;
  /** What the budget still allows (book.counts.ts `budgetLeft`): null where there is no such budget. */
  redemptionsLeft: number | null;
  discountLeft: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Maps a Prisma `Book` row to the domain record (discount Decimal → number, minimum order →
 * decimal string in the book's currency; metadata is always an object).
 */
export function toBookRecord(row: BookRow): BookRecord {
  const metadata = row.metadata;
  const currency = row.currency ?? null;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    discountType: row.discountType,
    discountValue: Number(row.discountValue),
    validFrom: row.validFrom,
    validUntil: row.validUntil,
    maxAssignmentsPerUser: row.maxAssignmentsPerUser,
    allowMultipleRedemptions: row.allowMultipleRedemptions,
    maxRedemptionsPerUser: row.maxRedemptionsPerUser,
    lockTtlSeconds: row.lockTtlSeconds,
    currency,
    // The CHECK constraint book_currency_check: a minimum order always has a currency.
    minOrderAmount: row.minOrderAmount === null || row.minOrderAmount === undefined || !currency ? null : formatAmount(row.minOrderAmount, currency),
    metadata: metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {},
    status: row.status,
    statusChangedAt: row.statusChangedAt ?? null,
    maxTotalRedemptions: row.maxTotalRedemptions ?? null,
    redeemedTotal: row.redeemedTotal ?? 0,
    // The CHECK constraint book_budget_check: a discount budget always has a currency.
    maxTotalDiscountAmount:
      row.maxTotalDiscountAmount === null || row.maxTotalDiscountAmount === undefined || !currency
        ? null
        : formatAmount(row.maxTotalDiscountAmount, currency),
    discountTotal: currency ? formatAmount(row.discountTotal ?? 0, currency) : String(row.discountTotal ?? 0),
    ...budgetLeft({
      maxTotalRedemptions: row.maxTotalRedemptions ?? null,
      redeemedTotal: row.redeemedTotal ?? 0,
      maxTotalDiscountAmount: row.maxTotalDiscountAmount ?? null,
      discountTotal: row.discountTotal ?? 0,
      currency,
    }),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The part of a book the availability rule reads: its status and validity window. */
export type BookAvailabilityFields = Pick<BookRecord, 'status' | 'validFrom' | 'validUntil'>;

/**
 * A book serves coupons while ACTIVE and inside its window, from `validFrom` (inclusive) until
 * `validUntil` (exclusive); a missing bound is open. `now` comes from the service clock so tests
 * can move time. The rule is the one every transition applies in SQL (coupons/availability.ts).
 */
export function isBookActive(book: BookAvailabilityFields, now: Date): boolean {
  return bookInactiveReason(book, now) === null;
}

/** Throws BOOK_NOT_ACTIVE with `extensions.reason` (PAUSED, ARCHIVED, NOT_STARTED, ENDED) as a claim would. */
export function assertBookActive(book: BookAvailabilityFields, now: Date): void {
  const reason = bookInactiveReason(book, now);
  if (reason !== null) throw notActive(reason);
}
