import { describe, expect, it } from 'vitest';
import { bookInputSchema } from '@coupons/rules';
import { validateCreateBook } from '../src/books/book.input.ts';
import { DomainError } from '../src/shared/errors.ts';

// discountValue is a Float with "at most 2 decimals" (at most those of a FIXED_AMOUNT's currency)
// up to 9,999,999,999.99 (DECIMAL(12,2)). The check was done in floating point,
//   Math.abs(Math.round(value * 100) - value * 100) > 1e-6,
// and above 2^30 / 100 ≈ 1.07e9 the product value * 100 carries an error of ~1.5e-5, so about a
// third of the valid two-decimal values there were refused. Now the check is exact (morePlacesThan).

const VALID_TWO_DECIMALS = [1100000000.14, 1234567890.12, 9900000000.21];

function refusal(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof DomainError) return error.message;
    throw error;
  }
}

describe('discountValue with two decimals, above 1e9 (still below the 9,999,999,999.99 limit)', () => {
  it.each(VALID_TWO_DECIMALS)('FIXED_AMOUNT %s EUR is accepted by the service', (value) => {
    const answer = refusal(() => validateCreateBook({ name: 'Big', discountType: 'FIXED_AMOUNT', discountValue: value, currency: 'EUR' }));
    expect(answer).toBeNull();
  });

  it.each(VALID_TWO_DECIMALS)('FIXED_AMOUNT %s EUR is accepted by the console rules', (value) => {
    const parsed = bookInputSchema.safeParse({
      name: 'Big',
      description: null,
      discountType: 'FIXED_AMOUNT',
      discountValue: value,
      validFrom: null,
      validUntil: null,
      maxAssignmentsPerUser: null,
      allowMultipleRedemptions: false,
      maxRedemptionsPerUser: null,
      lockTtlSeconds: 300,
      currency: 'EUR',
      minOrderAmount: null,
      maxTotalRedemptions: null,
      maxTotalDiscountAmount: null,
      metadata: {},
    });
    expect(parsed.success ? null : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toBeNull();
  });
});

describe('more decimals than allowed are still refused by the service', () => {
  it.each([
    [12.345, 'EUR'],
    [0.1 + 0.2, 'EUR'],
    [1100000000.145, 'EUR'],
    [1.5, 'JPY'],
  ])('FIXED_AMOUNT %s %s', (value, currency) => {
    const answer = refusal(() => validateCreateBook({ name: 'Fine', discountType: 'FIXED_AMOUNT', discountValue: value, currency }));
    expect(answer).toMatch(/decimal places|whole numbers/);
  });
});
