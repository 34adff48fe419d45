import { Prisma } from '@coupons/db';
import { upperCaseAscii } from '@coupons/rules';
import { badInput } from './errors.ts';

/**
 * Money in the domain: amounts are decimals (decimal.js, the type of Prisma's `Decimal` columns),
 * never JS floats, and travel as strings ("12.50") through the API, JSON and idempotency records.
 *
 * A clone of Prisma's Decimal with 40 significant digits: an amount has at most 18 (14 integer and
 * 4 decimal digits, the DECIMAL(18,4) columns) and a percentage at most 5, so a product is exact
 * before it is rounded once, to the currency's minor units. Prisma's own setting (20 digits) could
 * round a large amount × 33.33 before the half-even rounding we mean.
 */
export const Money = Prisma.Decimal.clone({ precision: 40, rounding: Prisma.Decimal.ROUND_HALF_EVEN });
export type Money = InstanceType<typeof Money>;

/** Digits of an amount: at most 14 before the point and 4 after it (DECIMAL(18,4)). */
export const MONEY_INTEGER_DIGITS = 14;
export const MONEY_FRACTION_DIGITS = 4;

// No sign, no exponent, no leading zeros ("007"), no bare point: what a person writes on a receipt.
const AMOUNT = /^(0|[1-9]\d{0,13})(\.\d{1,4})?$/;

/**
 * Checks the text of a money amount ("12.50"): non-negative, at most 14 integer digits and 4
 * decimals, no exponent. Returns the text unchanged, or throws BAD_USER_INPUT naming `field`.
 * The GraphQL `Decimal` scalar and the services both apply it (the services trust no caller).
 */
export function requireAmountText(field: string, value: unknown): string {
  if (typeof value !== 'string') throw badInput(field, 'must be a decimal number written as a string, like "12.50"');
  if (AMOUNT.test(value)) return value;
  if (/^-/.test(value)) throw badInput(field, 'must not be negative');
  if (/[eE]/.test(value)) throw badInput(field, 'must be written without an exponent, like "1200.50"');
  const [whole = '', fraction = ''] = value.split('.');
  if (/^\d+$/.test(whole) && whole.length > MONEY_INTEGER_DIGITS) {
    throw badInput(field, `must have at most ${MONEY_INTEGER_DIGITS} digits before the decimal point`);
  }
  if (/^\d+$/.test(fraction) && fraction.length > MONEY_FRACTION_DIGITS) {
    throw badInput(field, `must have at most ${MONEY_FRACTION_DIGITS} decimal places`);
  }
  throw badInput(field, 'must be a decimal number like "12.50" (digits, an optional point, no sign or exponent)');
}

/** {@link requireAmountText}, as a {@link Money}. */
export function parseAmount(field: string, value: unknown): Money {
  return new Money(requireAmountText(field, value));
}

/**
 * An amount of `currency` with no more decimals than the currency has (BAD_USER_INPUT otherwise:
 * 10.5 JPY or 1.005 EUR is no amount anyone can pay).
 */
export function parseCurrencyAmount(field: string, value: unknown, currency: string): Money {
  const amount = parseAmount(field, value);
  const minor = currencyMinorUnits(currency);
  if (amount.decimalPlaces() > minor) {
    throw badInput(field, minor === 0 ? `${currency} amounts are whole numbers` : `${currency} amounts have at most ${minor} decimal places`);
  }
  return amount;
}

const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 currency code (any case, trimmed), upper-cased; BAD_USER_INPUT naming `field` if unknown. */
export function requireCurrency(field: string, value: unknown): string {
  // Only a-z is upper-cased: full Unicode upper-casing made "uſd" (long s) USD.
  const code = typeof value === 'string' ? upperCaseAscii(value.trim()) : '';
  if (!/^[A-Z]{3}$/.test(code) || !CURRENCIES.has(code)) {
    throw badInput(field, 'must be an ISO 4217 currency code such as EUR, USD or JPY');
  }
  return code;
}

const minorUnits = new Map<string, number>();

/**
 * Decimal places of a currency's minor unit, as the platform's ICU data gives them: JPY 0, EUR 2,
 * KWD 3. `currency` must already be a valid code ({@link requireCurrency}).
 */
export function currencyMinorUnits(currency: string): number {
  let digits = minorUnits.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    minorUnits.set(currency, digits);
  }
  return digits;
}

/**
 * The text of an amount in `currency`: its minor-unit places (12.5 EUR → "12.50", 1000 JPY →
 * "1000"), or more when the value has more, so no digit is ever dropped.
 */
export function formatAmount(amount: Prisma.Decimal | Money | string, currency: string): string {
  const value = new Money(amount.toString());
  return value.toFixed(Math.max(currencyMinorUnits(currency), value.decimalPlaces()));
}
