import { describe, expect, it } from 'vitest';
import { type DiscountTerms, describeDiscount, priceOrder, requireOrder } from './discount.ts';

const percent = (value: number, more: Partial<DiscountTerms> = {}): DiscountTerms => ({
  discountType: 'PERCENTAGE',
  discountValue: value,
  currency: null,
  minOrderAmount: null,
  discountBudget: false,
  ...more,
});
const fixed = (value: number, currency: string, more: Partial<DiscountTerms> = {}): DiscountTerms => ({
  discountType: 'FIXED_AMOUNT',
  discountValue: value,
  currency,
  minOrderAmount: null,
  discountBudget: false,
  ...more,
});
const order = (amount: string, currency: string) => requireOrder({ id: 'order-1', amount, currency });

// [case, terms, order amount, order currency, the discount amount, or the refusal's rule]
const CASES: Array<[string, DiscountTerms, string, string, { amount: string } | { rule: string }]> = [
  ['10% of 100.00 EUR', percent(10), '100.00', 'EUR', { amount: '10.00' }],
  ['15% of 19.99 EUR: 2.9985 rounds to 3.00', percent(15), '19.99', 'EUR', { amount: '3.00' }],
  ['half-even tie down: 10% of 0.25 EUR = 0.025 → 0.02', percent(10), '0.25', 'EUR', { amount: '0.02' }],
  ['half-even tie up: 10% of 0.35 EUR = 0.035 → 0.04', percent(10), '0.35', 'EUR', { amount: '0.04' }],
  ['half-even tie, 50% of 0.05 EUR = 0.025 → 0.02', percent(50), '0.05', 'EUR', { amount: '0.02' }],
  ['half-even tie, 50% of 0.07 EUR = 0.035 → 0.04', percent(50), '0.07', 'EUR', { amount: '0.04' }],
  ['JPY has no minor unit: 10% of 125 = 12.5 → 12', percent(10), '125', 'JPY', { amount: '12' }],
  ['JPY tie up: 10% of 135 = 13.5 → 14', percent(10), '135', 'JPY', { amount: '14' }],
  ['KWD has three: 12.5% of 10.005 = 1.250625 → 1.251', percent(12.5), '10.005', 'KWD', { amount: '1.251' }],
  ['KWD tie: 50% of 0.005 = 0.0025 → 0.002', percent(50), '0.005', 'KWD', { amount: '0.002' }],
  ['100% of the order is the order', percent(100), '42.10', 'USD', { amount: '42.10' }],
  ['a percentage of a zero order is zero', percent(10), '0', 'EUR', { amount: '0.00' }],
  ['no float error: 33.33% of 0.30 = 0.09999 → 0.10', percent(33.33), '0.30', 'EUR', { amount: '0.10' }],
  ['a large order stays exact: 33.33% of 99999999999999.99 = 33329999999999.996667', percent(33.33), '99999999999999.99', 'EUR', { amount: '33330000000000.00' }],
  // 20 significant digits (Prisma's setting) would cut 60009999999999.4005001 to …400500, a tie, and round down.
  ['past 20 digits: 60.01% of 99999999999999.001 KWD = 60009999999999.4005001 → .401', percent(60.01), '99999999999999.001', 'KWD', { amount: '60009999999999.401' }],
  ['fixed 5.00 EUR off 20.00 EUR', fixed(5, 'EUR'), '20.00', 'EUR', { amount: '5.00' }],
  ['fixed is capped at the order: 5.00 off 3.20', fixed(5, 'EUR'), '3.20', 'EUR', { amount: '3.20' }],
  ['fixed off a zero order is zero', fixed(5, 'EUR'), '0', 'EUR', { amount: '0.00' }],
  ['fixed in JPY', fixed(500, 'JPY'), '1200', 'JPY', { amount: '500' }],
  ['fixed in another currency is refused', fixed(5, 'EUR'), '20.00', 'USD', { rule: 'CURRENCY' }],
  ['below the minimum order', percent(10, { currency: 'EUR', minOrderAmount: '50.00' }), '49.99', 'EUR', { rule: 'MIN_ORDER_AMOUNT' }],
  ['exactly the minimum order', percent(10, { currency: 'EUR', minOrderAmount: '50.00' }), '50', 'EUR', { amount: '5.00' }],
  ['a minimum in another currency is a currency mismatch', percent(10, { currency: 'EUR', minOrderAmount: '50.00' }), '500', 'USD', { rule: 'CURRENCY' }],
  ['a fixed amount with a minimum', fixed(5, 'EUR', { minOrderAmount: '25.00' }), '24.00', 'EUR', { rule: 'MIN_ORDER_AMOUNT' }],
  ['a percentage without a minimum takes any currency', percent(10, { currency: 'EUR' }), '10.00', 'USD', { amount: '1.00' }],
  ['a percentage charged to a discount budget takes only its currency', percent(10, { currency: 'EUR', discountBudget: true }), '500', 'JPY', { rule: 'CURRENCY' }],
  ['a percentage charged to a discount budget, in its currency', percent(10, { currency: 'EUR', discountBudget: true }), '500', 'EUR', { amount: '50.00' }],
];

describe('priceOrder', () => {
  it.each(CASES)('%s', (_, terms, amount, currency, expected) => {
    const priced = () => priceOrder(terms, order(amount, currency));
    if ('rule' in expected) {
      const error = (() => {
        try {
          priced();
        } catch (e) {
          return e as { code: string; details: Record<string, unknown>; message: string };
        }
        throw new Error('expected a refusal');
      })();
      expect(error.code).toBe('ORDER_NOT_ELIGIBLE');
      expect(error.details.rule).toBe(expected.rule);
      expect(error.message).toMatch(expected.rule === 'CURRENCY' ? /this coupon is for [A-Z]{3}/ : /must be at least/);
      return;
    }
    expect(priced()).toEqual({ type: terms.discountType, value: expect.any(String), amount: expected.amount, currency });
  });

  it('says the value of the book in its own terms', () => {
    expect(describeDiscount(percent(12.5))).toEqual({ type: 'PERCENTAGE', value: '12.5', amount: null, currency: null });
    expect(describeDiscount(fixed(5, 'EUR'))).toEqual({ type: 'FIXED_AMOUNT', value: '5.00', amount: null, currency: 'EUR' });
    expect(describeDiscount(fixed(500, 'JPY')).value).toBe('500');
  });
});

describe('requireOrder', () => {
  it.each([
    ['order.id', { id: '', amount: '1', currency: 'EUR' }],
    ['order.id', { id: 'x'.repeat(201), amount: '1', currency: 'EUR' }],
    ['order.currency', { id: 'o', amount: '1', currency: 'EURO' }],
    ['order.currency', { id: 'o', amount: '1', currency: 'XYZ' }],
    ['order.amount', { id: 'o', amount: '-1', currency: 'EUR' }],
    ['order.amount', { id: 'o', amount: '1e3', currency: 'EUR' }],
    ['order.amount', { id: 'o', amount: '1.005', currency: 'EUR' }],
    ['order.amount', { id: 'o', amount: '10.5', currency: 'JPY' }],
    ['order.amount', { id: 'o', amount: 10 as unknown as string, currency: 'EUR' }],
  ])('refuses a bad %s', (field, input) => {
    expect(() => requireOrder(input)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field } }));
  });

  it('upper-cases the currency and keeps the amount exact', () => {
    const o = requireOrder({ id: ' A-1 ', amount: '0.10', currency: 'eur' });
    expect({ id: o.id, amount: o.amount.toString(), currency: o.currency }).toEqual({ id: 'A-1', amount: '0.1', currency: 'EUR' });
  });
});
