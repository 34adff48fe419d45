import { describe, expect, it } from 'vitest';
import { formatDiscount, formatMoney } from './format';

describe('formatMoney and formatDiscount', () => {
  it('prints a fixed amount with its currency symbol', () => {
    expect(formatMoney(5, 'USD')).toContain('$');
    expect(formatMoney('12.5', 'EUR')).toContain('€');
    expect(formatDiscount('FIXED_AMOUNT', 5, 'USD')).toMatch(/\$5\.00 off/);
  });

  it('keeps percentages and amounts without a currency readable', () => {
    expect(formatDiscount('PERCENTAGE', 10)).toBe('10% off');
    expect(formatDiscount('FIXED_AMOUNT', '5')).toBe('5.00 off');
  });

  it('follows the currency: no decimals for yen, any case, a code Intl cannot read printed after the amount', () => {
    expect(formatMoney(500, 'JPY')).toMatch(/[¥￥]500$/);
    expect(formatMoney(500, 'JPY')).not.toContain('.');
    expect(formatMoney(5, 'usd')).toBe(formatMoney(5, 'USD'));
    expect(formatMoney(5, 'EURO')).toBe('5.00 EURO');
    expect(formatDiscount('FIXED_AMOUNT', '2.5', 'GBP')).toMatch(/£2\.50 off/);
  });
});
