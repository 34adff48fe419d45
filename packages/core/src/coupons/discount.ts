import { badInput, DomainError } from '../shared/errors.ts';
import { currencyMinorUnits, formatAmount, Money, parseCurrencyAmount, requireCurrency } from '../shared/money.ts';
import { requireText } from '../shared/validation.ts';

/** A shop's order as a caller gives it (`OrderInput`): the amount is a decimal string. */
export interface OrderInput {
  id: string;
  amount: string;
  currency: string;
}

/** A validated order: its id, its amount as a decimal, its currency upper-cased. */
export interface Order {
  id: string;
  amount: Money;
  currency: string;
}

/**
 * A book's discount type (books/book.model.ts has the same union; not imported from there, since
 * books/ reads coupons/ and the folders must not import each other back).
 */
export type DiscountType = 'PERCENTAGE' | 'FIXED_AMOUNT';

/** The discount a coupon gives: `amount` (in `currency`) only when it was priced against an order. */
export interface Discount {
  type: DiscountType;
  /** The book's value: a percentage ("12.5") or an amount of `currency` ("5.00"). */
  value: string;
  /** What the order saves, rounded to the currency's minor units; null without an order. */
  amount: string | null;
  currency: string | null;
}

/** The book's terms that price an order (a `BookRecord` is one). */
export interface DiscountTerms {
  discountType: DiscountType;
  /** A percentage, or an amount of `currency`, with at most 2 decimals (the DECIMAL(12,2) column). */
  discountValue: number;
  currency: string | null;
  /** A decimal string in `currency`'s minor units. */
  minOrderAmount: string | null;
  /** The book has a discount budget (maxTotalDiscountAmount), an amount of `currency` the discounts are charged to. */
  discountBudget: boolean;
}

export const ORDER_ID_MAX = 200;

/** An order id (the shop's own): 1 to 200 characters, no control characters. BAD_USER_INPUT names `field`. */
export function requireOrderId(field: string, value: unknown): string {
  return requireText(field, value, { max: ORDER_ID_MAX });
}

/**
 * Validates an `OrderInput` (BAD_USER_INPUT naming `order.id`, `order.amount` or `order.currency`):
 * a known ISO 4217 currency, and an amount with no more decimals than that currency has.
 */
export function requireOrder(value: OrderInput, field = 'order'): Order {
  if (!value || typeof value !== 'object') throw new DomainError('BAD_USER_INPUT', `${field}: must be an object`, { field });
  const id = requireOrderId(`${field}.id`, value.id);
  const currency = requireCurrency(`${field}.currency`, value.currency);
  return { id, currency, amount: parseCurrencyAmount(`${field}.amount`, value.amount, currency) };
}

/**
 * Why a redeem of a coupon of a book with these terms needs the order it pays for, or null when
 * it does not: a minimum order cannot be checked without the order, and a percentage charged to a
 * discount budget is unknown without its amount (it used to be charged 0, so redeems without an
 * order went past the budget). BAD_USER_INPUT naming `order`: the shop's request lacks what this
 * book requires; nothing for the shopper to change. redeemCoupon and validateCoupon both ask it.
 */
export function orderRequired(terms: Pick<DiscountTerms, 'discountType' | 'minOrderAmount' | 'currency' | 'discountBudget'>): DomainError | null {
  const why =
    terms.minOrderAmount !== null
      ? `this coupon needs an order of at least ${terms.minOrderAmount} ${terms.currency}`
      : terms.discountType === 'PERCENTAGE' && terms.discountBudget
        ? "this coupon's percentage is charged to the campaign's discount budget, which needs the order's amount"
        : null;
  return why === null ? null : badInput('order', `is required: ${why}`);
}

/** The book's discount without an order: what `validateCoupon` answers when no order is given. */
export function describeDiscount(terms: DiscountTerms): Discount {
  return { type: terms.discountType, value: discountValueText(terms), amount: null, currency: terms.currency };
}

/**
 * What `order` saves with a coupon of a book with these terms, or ORDER_NOT_ELIGIBLE:
 *
 * - the order must be in the book's currency where the book names an amount of money (a
 *   FIXED_AMOUNT, a minimum order, or a discount budget its discounts are charged to) — amounts
 *   are never converted (`rule: CURRENCY`);
 * - the order must reach the book's `minOrderAmount` (`rule: MIN_ORDER_AMOUNT`);
 * - PERCENTAGE: order amount × value / 100, rounded half-even (banker's rounding: no drift up
 *   over many orders) to the order currency's minor units (JPY 0, EUR 2, KWD 3);
 * - FIXED_AMOUNT: the value, capped at the order amount (a discount never exceeds the order).
 *
 * Pure: the same terms and order give the same answer in `validateCoupon` and in the redeem.
 */
export function priceOrder(terms: DiscountTerms, order: Order): Discount {
  const needsCurrency = terms.discountType === 'FIXED_AMOUNT' || terms.minOrderAmount !== null || terms.discountBudget;
  if (needsCurrency && terms.currency !== order.currency) {
    const why =
      terms.discountType === 'FIXED_AMOUNT'
        ? 'its discount is an amount of'
        : terms.minOrderAmount !== null
          ? 'its minimum order is in'
          : 'its discount budget is in';
    throw new DomainError('ORDER_NOT_ELIGIBLE', `The order is in ${order.currency}, but this coupon is for ${terms.currency}: ${why} ${terms.currency}`, {
      rule: 'CURRENCY',
      currency: terms.currency,
    });
  }
  if (terms.minOrderAmount !== null && order.amount.lessThan(terms.minOrderAmount)) {
    const minimum = `${terms.minOrderAmount} ${terms.currency}`;
    throw new DomainError('ORDER_NOT_ELIGIBLE', `The order must be at least ${minimum} to use this coupon (it is ${formatAmount(order.amount, order.currency)} ${order.currency})`, {
      rule: 'MIN_ORDER_AMOUNT',
      minOrderAmount: terms.minOrderAmount,
      currency: terms.currency,
    });
  }
  const value = new Money(terms.discountValue.toFixed(2));
  const amount =
    terms.discountType === 'PERCENTAGE'
      ? order.amount.times(value).dividedBy(100).toDecimalPlaces(currencyMinorUnits(order.currency), Money.ROUND_HALF_EVEN)
      : Money.min(value, order.amount);
  return { type: terms.discountType, value: discountValueText(terms), amount: formatAmount(amount, order.currency), currency: order.currency };
}

/** A percentage as written ("12.5"), an amount in its currency's minor units ("5.00"). */
function discountValueText(terms: DiscountTerms): string {
  const value = new Money(terms.discountValue.toFixed(2));
  return terms.discountType === 'FIXED_AMOUNT' && terms.currency ? formatAmount(value, terms.currency) : value.toString();
}
