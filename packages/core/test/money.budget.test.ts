import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { contextFor, createBook as insertBook, createUser, useServiceTest } from '../testing/index.ts';
import { createBook, getBook } from '../src/books/book.service.ts';
import { assignCoupon, lockCoupon, redeemCoupon, validateCoupon } from '../src/coupons/index.ts';
import { DomainError } from '../src/shared/errors.ts';

// A discount budget is "a decimal string in the book's currency". A PERCENTAGE book with a
// currency and a maxTotalDiscountAmount but no minOrderAmount priced orders in any currency
// (priceOrder's currency rule looked only at a fixed amount or a minimum), and the redeem added
// that foreign-currency discount, unconverted, to the budget's discount_total. Also: an unbudgeted
// book's redemption totals held DECIMAL(18,4), the size of one discount, and overflowed.

const t = useServiceTest();

async function answer<T>(run: () => Promise<T>): Promise<T | { error: string; details: Record<string, unknown> }> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DomainError) return { error: error.code, details: error.details };
    throw error;
  }
}

/** A PERCENTAGE book with a currency and a discount budget, and a shopper holding one of its coupons, locked. */
async function budgetedPercentBook(count: number) {
  const admin = contextFor(t.db, t.admin);
  const book = await createBook(admin, {
    name: 'Ten percent, 100 EUR budget',
    discountType: 'PERCENTAGE',
    discountValue: 10,
    currency: 'EUR',
    maxTotalDiscountAmount: '100.00',
  });
  const codes = Array.from({ length: count }, (_, i) => `AUDMB${book.id.slice(0, 6).toUpperCase()}-${i}`);
  await t.db.prisma.$executeRaw(Prisma.sql`INSERT INTO coupon (book_id, code) SELECT ${book.id}::uuid, unnest(${codes}::text[])`);
  return { book, codes };
}

async function shopperWithLocked(code: string) {
  const ctx = contextFor(t.db, await createUser(t.db));
  await assignCoupon(ctx, { code });
  await lockCoupon(ctx, { code });
  return ctx;
}

describe('a PERCENTAGE book with a budget in EUR', () => {
  it('refuses (CURRENCY) an order in another currency instead of charging its discount to the EUR budget', async () => {
    const { book, codes } = await budgetedPercentBook(2);
    const ctx = await shopperWithLocked(codes[0]);
    const jpyOrder = { id: 'order-jpy-1', amount: '500', currency: 'JPY' };

    const validation = await validateCoupon(ctx, { code: codes[0], order: jpyOrder });
    const redeemed = await answer(() => redeemCoupon(ctx, { code: codes[0], order: jpyOrder }));
    const after = await getBook(contextFor(t.db, t.admin), book.id);

    // What is answered today: valid, 50 JPY off, and the EUR budget now says 50.00 EUR granted.
    // What it should be: the order is not in the budget's currency, so it cannot be counted
    // against it: ORDER_NOT_ELIGIBLE rule CURRENCY, and the budget untouched.
    expect({
      validation: { valid: validation.valid, reason: validation.reason },
      redeemed: 'error' in redeemed ? redeemed : { discountAmount: redeemed.discountAmount, currency: redeemed.currency },
      budget: { discountTotal: after?.discountTotal, discountLeft: after?.discountLeft },
    }).toEqual({
      validation: { valid: false, reason: 'ORDER_NOT_ELIGIBLE' },
      redeemed: { error: 'ORDER_NOT_ELIGIBLE', details: expect.objectContaining({ rule: 'CURRENCY' }) },
      budget: { discountTotal: '0.00', discountLeft: '100.00' },
    });
  });

  it('a JPY order big enough is refused as "budget spent" although the EUR budget is untouched', async () => {
    const { codes } = await budgetedPercentBook(1);
    const ctx = await shopperWithLocked(codes[0]);
    // 10% of 2000 JPY = 200 JPY (about 1.25 EUR) is compared with a 100.00 EUR budget as 200.
    const redeemed = await answer(() => redeemCoupon(ctx, { code: codes[0], order: { id: 'order-jpy-2', amount: '2000', currency: 'JPY' } }));
    // Answered: LIMIT_REACHED BOOK_BUDGET ("The campaign's budget is spent") on an untouched budget.
    expect(redeemed).toMatchObject({ error: 'ORDER_NOT_ELIGIBLE', details: { rule: 'CURRENCY' } });
  });
});

describe('an unbudgeted book keeps its redemption totals: large but valid orders', () => {
  it('two redemptions of 100% of the largest EUR order both succeed (book_redemption_total.discount is DECIMAL(18,4))', async () => {
    const { bookId, codes } = await insertBook(t.db, 2);
    await t.db.prisma.$executeRaw(Prisma.sql`UPDATE book SET discount_value = 100 WHERE id = ${bookId}::uuid`);
    const results = [];
    for (const [i, code] of codes.entries()) {
      const ctx = await shopperWithLocked(code);
      results.push(await answer(async () => (await redeemCoupon(ctx, { code, order: { id: `big-${i}`, amount: '99999999999999.99', currency: 'EUR' } })).discountAmount));
    }
    expect(results).toEqual(['99999999999999.99', '99999999999999.99']);
  });
});
