import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { expectInvariants } from './book.snapshot.ts';
import { call, createCampaign, createUsers, graphqlRequest, lockedByShoppers, useApiTest } from '../../testing/index.ts';

// Money over HTTP: an order's discount, validateCoupon against redeem, budgets of
// percentages racing and reversed, and amounts at the edges of what the contract accepts.

const t = useApiTest();

const REDEEM = 'mutation ($c: String!, $o: OrderInput!) { redeemCoupon(code: $c, order: $o) { id discountAmount orderAmount currency } }';
const VALIDATE = 'query ($c: String!, $o: OrderInput) { validateCoupon(code: $c, order: $o) { valid reason discount { amount currency } } }';
const REVERSE = 'mutation ($id: ID!) { reverseRedemption(redemptionId: $id, reason: "refund") { id discountAmount } }';
const BOOK = 'query ($id: ID!) { book(id: $id) { maxTotalDiscountAmount discountTotal discountLeft redeemedTotal } }';

describe('an unbudgeted book with large, valid orders', () => {
  it('the second 100% redemption of a 99,999,999,999,999.99 EUR order is redeemed like the first (validateCoupon says it would be)', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 2, { discountType: 'PERCENTAGE', discountValue: 100 });
    const held = await lockedByShoppers(t.server, bookId, await createUsers(t.server, 2));
    const answers = [];
    for (const [i, [shopper, code]] of held.entries()) {
      const order = { id: `huge-${i}`, amount: '99999999999999.99', currency: 'EUR' };
      const validated = (await graphqlRequest<{ validateCoupon: unknown }>(t.server, VALIDATE, { c: code, o: order }, shopper.token)).data?.validateCoupon;
      const redeemed = await graphqlRequest<{ redeemCoupon: { discountAmount: string } }>(t.server, REDEEM, { c: code, o: order }, shopper.token);
      answers.push({
        validated,
        redeemed: redeemed.errors ? { code: redeemed.errors[0].extensions?.code, message: redeemed.errors[0].message } : redeemed.data?.redeemCoupon.discountAmount,
      });
    }
    const ok = { validated: { valid: true, reason: null, discount: { amount: '99999999999999.99', currency: 'EUR' } }, redeemed: '99999999999999.99' };
    expect(answers).toEqual([ok, ok]);
  });
});

describe('a PERCENTAGE discount budget', () => {
  it('racing orders of different amounts never overspend it; its total is the exact sum of the discounts that stand, before and after reversals', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 24, {
      discountType: 'PERCENTAGE',
      discountValue: 12.5,
      currency: 'KWD',
      maxTotalDiscountAmount: '10.000',
    });
    const held = await lockedByShoppers(t.server, bookId, await createUsers(t.server, 24));
    // 12.5% of x.xx5 KWD: three decimals, half-even ties (0.005 × 12.5% = 0.000625 …).
    const amounts = held.map((_, i) => `${(i % 7) + 1}.${String(100 + i * 37).slice(-3)}`);
    const outcomes = await Promise.all(
      held.map(([shopper, code], i) =>
        graphqlRequest<{ redeemCoupon: { id: string; discountAmount: string } }>(
          t.server,
          REDEEM,
          { c: code, o: { id: `kwd-${i}`, amount: amounts[i], currency: 'KWD' } },
          shopper.token,
        ),
      ),
    );
    for (const lost of outcomes.filter((o) => o.errors)) expect(lost.errors?.[0].extensions).toMatchObject({ code: 'LIMIT_REACHED', limit: 'BOOK_BUDGET' });
    const won = outcomes.filter((o) => !o.errors).map((o) => o.data!.redeemCoupon);
    expect(won.length).toBeGreaterThan(0);
    const millis = (text: string) => Math.round(Number(text) * 1000);
    const sum = (list: Array<{ discountAmount: string }>) => list.reduce((total, r) => total + millis(r.discountAmount), 0);
    for (const r of won) expect(r.discountAmount).toMatch(/^\d+\.\d{3}$/);
    const book = async () => (await graphqlRequest<{ book: Record<string, string> }>(t.server, BOOK, { id: bookId }, t.admin.token)).data!.book;
    const before = await book();
    expect(millis(before.discountTotal)).toBe(sum(won));
    expect(millis(before.discountTotal)).toBeLessThanOrEqual(10_000);
    expect(millis(before.discountTotal) + millis(before.discountLeft)).toBe(10_000);

    // Reverse every other one, at once: each gives back exactly what it was granted.
    const reversed = won.filter((_, i) => i % 2 === 0);
    const back = await Promise.all(reversed.map((r) => graphqlRequest<{ reverseRedemption: { discountAmount: string } }>(t.server, REVERSE, { id: r.id }, t.admin.token)));
    for (const [i, r] of back.entries()) expect(r.data?.reverseRedemption.discountAmount).toBe(reversed[i].discountAmount);
    const after = await book();
    expect(millis(after.discountTotal)).toBe(sum(won) - sum(reversed));
    const [db] = await t.server.db.prisma.$queryRaw<Array<{ total: string; standing: string }>>(Prisma.sql`
      SELECT b.discount_total::text AS total, COALESCE((SELECT sum(discount_amount) FROM redemption r WHERE r.book_id = b.id AND r.reversed_at IS NULL), 0)::text AS standing
      FROM book b WHERE b.id = ${bookId}::uuid`);
    expect(Number(db.total)).toBe(Number(db.standing));
    await expectInvariants(t.server.db);
  });
});

describe('order amounts at the edges: never INTERNAL_SERVER_ERROR, validate and redeem agree', () => {
  const AMOUNTS: Array<[string, unknown, string]> = [
    ['JSON number', 59.9, 'EUR'],
    ['exponent', '1e21', 'EUR'],
    ['negative', '-1.00', 'EUR'],
    ['15 integer digits', '999999999999999', 'EUR'],
    ['too many decimals for JPY', '10.5', 'JPY'],
    ['too many decimals for EUR', '1.005', 'EUR'],
    ['5 decimals', '1.00001', 'KWD'],
    ['unknown currency', '1.00', 'ABC'],
    ['empty', '', 'EUR'],
    ['spaces', ' 1.00', 'EUR'],
    ['leading zeros', '007', 'EUR'],
    ['bare point', '.5', 'EUR'],
    ['unicode digits', '١٢', 'EUR'],
    ['max KWD', '99999999999999.999', 'KWD'],
    ['zero JPY', '0', 'JPY'],
  ];
  it.each(AMOUNTS)('%s (%s %s)', async (_, amount, currency) => {
    const { bookId } = await createCampaign(t.server, t.admin, 1, { discountType: 'PERCENTAGE', discountValue: 33.33 });
    const [[shopper, code]] = await lockedByShoppers(t.server, bookId, await createUsers(t.server, 1));
    const order = { id: 'edge-1', amount, currency };
    const validated = await graphqlRequest<{ validateCoupon: { valid: boolean; reason: string | null } }>(t.server, VALIDATE, { c: code, o: order }, shopper.token);
    const redeemed = await call(t.server, REDEEM, { c: code, o: order }, shopper.token);
    const validateCode = validated.errors?.[0].extensions?.code ?? (validated.data?.validateCoupon.valid ? 'OK' : validated.data?.validateCoupon.reason);
    const redeemCode = redeemed.ok ? 'OK' : redeemed.code;
    expect([validateCode, redeemCode]).not.toContain('INTERNAL_SERVER_ERROR');
    expect(validateCode).toBe(redeemCode);
    for (const error of [...(validated.errors ?? [])]) expect(error.message).not.toMatch(/SELECT|INSERT|numeric|prisma/i);
  });
});
