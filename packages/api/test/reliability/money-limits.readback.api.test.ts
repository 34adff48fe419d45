import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, graphqlRequest, OPS, startWebhookReceiver, uniqueCodes, useApiTest, type WebhookReceiver } from '../../testing/index.ts';

// Amounts and limits at their largest, stored and read back through every read path (book, books,
// redemptions, myCoupons, events, audit log, CSV exports, webhook payloads): the same values, never
// an error.
const t = useApiTest({
  users: ['shopper'],
  env: { WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_POLL_INTERVAL_MS: '100', WEBHOOK_TIMEOUT_MS: '1000' },
});
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver?.close());

const BOOK_FIELDS = `id name discountType discountValue currency minOrderAmount maxTotalDiscountAmount maxTotalRedemptions discountTotal discountLeft
  redeemedTotal redemptionsLeft lockTtlSeconds maxAssignmentsPerUser maxRedemptionsPerUser validFrom validUntil isActive counts { total redeemed }
  redemptionsOverTime(bucket: DAY) { at redemptions } claimsOverTime(bucket: WEEK) { at claims }`;
const USER_BOOK_FIELDS = `id name discountType discountValue currency minOrderAmount maxTotalDiscountAmount discountTotal discountLeft redeemedTotal redemptionsLeft lockTtlSeconds validFrom validUntil isActive`;
const REDEMPTION = `id orderId orderAmount discountAmount currency metadata redeemedAt reversedAt reversalReason coupon { code } book { id discountTotal }`;

async function makeBook(input: Record<string, unknown>, codes = 3) {
  const created = await graphqlRequest(t.server, `mutation ($input: CreateBookInput!) { createBook(input: $input) { ${BOOK_FIELDS} } }`, { input }, t.admin.token);
  expect(created.errors, JSON.stringify(created.errors)).toBeUndefined();
  const id = created.data!.createBook.id as string;
  const list = uniqueCodes(codes);
  const up = await call(t.server, 'mutation ($b: ID!, $c: [String!]) { uploadCodes(bookId: $b, codes: $c) { inserted } }', { b: id, c: list }, t.admin.token);
  expect(up.ok).toBe(true);
  return { id, codes: list, created: created.data!.createBook };
}

async function readAll(bookId: string, code: string) {
  const queries: Array<[string, Record<string, unknown>, string]> = [
    [`query ($id: ID!) { book(id: $id) { ${BOOK_FIELDS} } }`, { id: bookId }, t.admin.token],
    [`query { books(first: 100) { edges { node { ${BOOK_FIELDS} } } } }`, {}, t.admin.token],
    [`query ($b: ID!) { redemptions(bookId: $b, first: 20) { edges { node { ${REDEMPTION} } } } }`, { b: bookId }, t.admin.token],
    [`query ($b: ID!) { redemptions(bookId: $b, first: 20) { edges { node { ${REDEMPTION} } } } }`, { b: bookId }, t.shopper.token],
    [`query { myCoupons(first: 50) { edges { node { code book { ${USER_BOOK_FIELDS} } } } } }`, {}, t.shopper.token],
    [`query ($code: String!) { coupon(code: $code) { code events(first: 20) { edges { node { type redemption { ${REDEMPTION} } } } } } }`, { code }, t.admin.token],
    [`query ($t: String) { auditLog(first: 20, filter: { targetId: $t }) { edges { node { action changes } } } }`, { t: bookId }, t.admin.token],
  ];
  for (const [q, v, token] of queries) {
    const r = await graphqlRequest(t.server, q, v, token);
    expect(r.errors, `${q.slice(0, 60)}: ${JSON.stringify(r.errors)}`).toBeUndefined();
  }
  for (const what of ['codes', 'redemptions']) {
    const res = await fetch(`${t.server.baseUrl}/export/books/${bookId}/${what}.csv`, { headers: { authorization: `Bearer ${t.admin.token}` } });
    const text = await res.text();
    expect(res.status, text).toBe(200);
  }
}

const _MAX = '99999999999999.9999';

describe('amounts at their limits: stored, redeemed, read back everywhere', () => {
  for (const [currency, amount] of [
    ['BHD', '99999999999999.999'], // 3 minor digits
    ['EUR', '99999999999999.99'],
    ['JPY', '99999999999999'],
  ] as const) {
    it(`PERCENTAGE 100 with ${currency}: order ${amount}, minOrderAmount = order, budget at max, two redemptions`, async () => {
      const book = await makeBook({ name: `Max ${currency}`, discountType: 'PERCENTAGE', discountValue: 100, currency, minOrderAmount: amount, maxTotalDiscountAmount: amount, allowMultipleRedemptions: true });
      expect(book.created.minOrderAmount).toBe(amount);
      expect(book.created.maxTotalDiscountAmount).toBe(amount);
      const [code] = book.codes;
      expect((await call(t.server, OPS.assignCode, { code }, t.shopper.token)).ok).toBe(true);
      const v = await graphqlRequest(t.server, `query ($code: String!, $o: OrderInput) { validateCoupon(code: $code, order: $o) { valid reason discount { amount value currency } } }`, { code, o: { id: 'o1', amount, currency } }, t.shopper.token);
      expect(v.errors, JSON.stringify(v.errors)).toBeUndefined();
      expect(v.data!.validateCoupon.valid, JSON.stringify(v.data)).toBe(true);
      expect(v.data!.validateCoupon.discount.amount).toBe(amount);
      expect((await call(t.server, OPS.lock, { code }, t.shopper.token)).ok).toBe(true);
      const red = await graphqlRequest(t.server, `mutation ($code: String!, $o: OrderInput) { redeemCoupon(code: $code, order: $o) { ${REDEMPTION} } }`, { code, o: { id: 'o1', amount, currency } }, t.shopper.token);
      expect(red.errors, JSON.stringify(red.errors)).toBeUndefined();
      expect(red.data!.redeemCoupon).toMatchObject({ orderAmount: amount, discountAmount: amount, currency });
      await readAll(book.id, code);
      const b = await graphqlRequest(t.server, `query ($id: ID!) { book(id: $id) { discountTotal discountLeft redeemedTotal } }`, { id: book.id }, t.admin.token);
      expect(b.data!.book).toMatchObject({ discountTotal: amount, redeemedTotal: 1 });
      // Reversal, then read again.
      const rev = await graphqlRequest(t.server, OPS.reverse, { id: red.data!.redeemCoupon.id, reason: 'refund' }, t.admin.token);
      expect(rev.errors, JSON.stringify(rev.errors)).toBeUndefined();
      await readAll(book.id, code);
    });
  }

  it('no budget: two redemptions at the max order amount each; discountTotal sums past 14 digits', async () => {
    const book = await makeBook({ name: 'Max sum', discountType: 'PERCENTAGE', discountValue: 100, currency: 'EUR' });
    for (const [i, code] of book.codes.slice(0, 2).entries()) {
      expect((await call(t.server, OPS.assignCode, { code }, t.shopper.token)).ok).toBe(true);
      expect((await call(t.server, OPS.lock, { code }, t.shopper.token)).ok).toBe(true);
      const red = await graphqlRequest(t.server, `mutation ($code: String!, $o: OrderInput) { redeemCoupon(code: $code, order: $o) { id } }`, { code, o: { id: `sum-${i}`, amount: '99999999999999.99', currency: 'EUR' } }, t.shopper.token);
      expect(red.errors, JSON.stringify(red.errors)).toBeUndefined();
    }
    await readAll(book.id, book.codes[0]);
    const b = await graphqlRequest(t.server, `query ($id: ID!) { book(id: $id) { discountTotal } }`, { id: book.id }, t.admin.token);
    expect(b.data!.book.discountTotal).toBe('199999999999999.98');
  });

  it('FIXED_AMOUNT at the discountValue limit, integer limits at 2^31-1, lockTtl 86400, window at the range edges', async () => {
    const book = await makeBook({
      name: 'Limits', discountType: 'FIXED_AMOUNT', discountValue: 9999999999.99, currency: 'EUR',
      maxAssignmentsPerUser: 2147483647, maxRedemptionsPerUser: 2147483647, maxTotalRedemptions: 2147483647, allowMultipleRedemptions: true,
      lockTtlSeconds: 86400, validFrom: '0001-01-01T00:00:00.000Z', validUntil: '9999-12-31T23:59:59.999Z', maxTotalDiscountAmount: '99999999999999.99',
    });
    const [code] = book.codes;
    const up = await graphqlRequest(t.server, `mutation ($code: String!, $input: UpdateCouponInput!) { updateCoupon(code: $code, input: $input) { maxRedemptions expiresAt } }`, { code, input: { maxRedemptions: 2147483647, expiresAt: '9999-12-31T23:59:59.999Z' } }, t.admin.token);
    expect(up.errors, JSON.stringify(up.errors)).toBeUndefined();
    const endpoint = await call(t.server, `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }`, { input: { url: receiver.url, bookId: book.id, events: ['ASSIGNED', 'LOCKED', 'REDEEMED', 'REVERSED', 'UPDATED'] } }, t.admin.token);
    expect(endpoint.ok, JSON.stringify(endpoint)).toBe(true);
    for (let i = 0; i < 2; i++) {
      if (i === 0) expect((await call(t.server, OPS.assignCode, { code }, t.shopper.token)).ok).toBe(true);
      const l = await call(t.server, OPS.lock, { code }, t.shopper.token);
      expect(l.ok, JSON.stringify(l)).toBe(true);
      const red = await graphqlRequest(t.server, `mutation ($code: String!, $o: OrderInput) { redeemCoupon(code: $code, order: $o) { id discountAmount } }`, { code, o: { id: `fx-${i}`, amount: '99999999999999.99', currency: 'EUR' } }, t.shopper.token);
      expect(red.errors, JSON.stringify(red.errors)).toBeUndefined();
      expect(red.data!.redeemCoupon.discountAmount).toBe('9999999999.99');
    }
    await readAll(book.id, code);
    const got = await receiver.waitFor((all) => all.filter((r) => (r.json.data as any)?.book?.id === book.id && r.json.type === 'REDEEMED').length >= 2);
    const red = got.filter((r) => (r.json.data as any)?.book?.id === book.id && r.json.type === 'REDEEMED');
    expect((red[0].json.data as any).book.discountValue).toBe('9999999999.99');
    expect((red[0].json.data as any).coupon.expiresAt).toBe('9999-12-31T23:59:59.999Z');
    expect((red[0].json.data as any).redemption.orderAmount).toBe('99999999999999.99');
  });
});
