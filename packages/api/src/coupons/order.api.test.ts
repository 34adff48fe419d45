import { randomBytes } from 'node:crypto';
import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { call, errorCode, graphqlRequest, type SignedUpUser, useApiTest } from '../../testing/index.ts';

// Orders over HTTP: validateCoupon, redeemCoupon(order:), one redemption per order and coupon,
// reverseRedemption by order id and code, redemptions(orderId:).

const t = useApiTest({ users: ['user', 'other'] });

const ORDER_FIELDS = 'id couponId orderId orderAmount discountAmount currency reversedAt';
const VALIDATE = `query Validate($code: String!, $order: OrderInput) {
  validateCoupon(code: $code, order: $order) { valid reason message discount { type value amount currency } coupon { code state } } }`;
const LOCK = 'mutation Lock($code: String!) { lockCoupon(code: $code) { state } }';
const REDEEM = `mutation Redeem($code: String!, $order: OrderInput, $key: String) {
  redeemCoupon(code: $code, order: $order, idempotencyKey: $key) { ${ORDER_FIELDS} } }`;
const REVERSE = `mutation Reverse($id: ID, $orderId: String, $code: String) {
  reverseRedemption(redemptionId: $id, orderId: $orderId, code: $code, reason: "refund") { ${ORDER_FIELDS} } }`;

/** A book made through createBook, with `count` codes assigned to `owner` (none when null). */
async function bookWithCoupons(input: Record<string, unknown>, count = 1, owner: SignedUpUser | null = t.user): Promise<string[]> {
  const created = await graphqlRequest<{ createBook: { id: string } }>(
    t.server,
    'mutation($input: CreateBookInput!) { createBook(input: $input) { id } }',
    { input: { name: `Orders ${randomBytes(3).toString('hex')}`, discountType: 'PERCENTAGE', discountValue: 10, ...input } },
    t.admin.token,
  );
  expect(created.errors).toBeUndefined();
  const prefix = `O${randomBytes(4).toString('hex').toUpperCase()}`;
  const codes = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  await t.server.db.prisma.$executeRaw(Prisma.sql`
    INSERT INTO coupon (book_id, code) SELECT ${created.data!.createBook.id}::uuid, unnest(${codes}::text[])`);
  if (owner) {
    for (const code of codes) expect(errorCode(await graphqlRequest(t.server, 'mutation($c: String!) { assignCoupon(code: $c) { id } }', { c: code }, owner.token))).toBeUndefined();
  }
  return codes;
}

const validate = async (code: string, order?: Record<string, unknown>, token = t.user.token) => {
  const response = await graphqlRequest<{ validateCoupon: any }>(t.server, VALIDATE, { code, order }, token);
  expect(response.errors).toBeUndefined();
  return response.data!.validateCoupon;
};
const lock = (code: string, token = t.user.token) => call(t.server, LOCK, { code }, token);
const redeem = (code: string, order?: Record<string, unknown>, token = t.user.token) => call(t.server, REDEEM, { code, order }, token);
const order = (amount: string, currency = 'EUR', id = `order-${randomBytes(4).toString('hex')}`) => ({ id, amount, currency });

describe('validateCoupon', () => {
  it('prices an assigned coupon of the caller, with and without an order, and changes nothing', async () => {
    const [code] = await bookWithCoupons({ discountValue: 15 });
    expect(await validate(code)).toEqual({
      valid: true,
      reason: null,
      message: null,
      discount: { type: 'PERCENTAGE', value: '15', amount: null, currency: null },
      coupon: { code, state: 'ASSIGNED' },
    });
    // 15% of 19.99 = 2.9985 → 3.00; of 0.10 JPY-free amounts: half-even in the order's currency.
    expect((await validate(code, order('19.99'))).discount).toEqual({ type: 'PERCENTAGE', value: '15', amount: '3.00', currency: 'EUR' });
    expect((await validate(code, order('125', 'jpy'))).discount).toMatchObject({ amount: '19', currency: 'JPY' });
    expect((await call(t.server, 'query($c: String!) { coupon(code: $c) { state } }', { c: code }, t.user.token))).toEqual({ ok: true, data: { state: 'ASSIGNED' } });
    // Under the caller's own lock it is still valid: redeem comes next.
    expect(await lock(code)).toMatchObject({ ok: true });
    expect(await validate(code, order('10.00'))).toMatchObject({ valid: true, coupon: { state: 'LOCKED' } });
  });

  it('answers NOT_FOUND alike for an unknown code, someone else\'s and a free one (no probing)', async () => {
    const [theirs] = await bookWithCoupons({}, 1, t.other);
    const [free] = await bookWithCoupons({}, 1, null);
    const answers = await Promise.all(['NOPE-NOT-A-CODE', theirs, free].map((code) => validate(code, order('10.00'))));
    for (const answer of answers) expect(answer).toEqual({ valid: false, reason: 'NOT_FOUND', message: 'Coupon not found', discount: null, coupon: null });
    // What lock would answer the shopper: the same NOT_FOUND.
    expect(await lock(theirs)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('names the refusal the checkout would hit next, as lock and redeem name it', async () => {
    const [expired] = await bookWithCoupons({ validUntil: new Date(t.server.clock.now().getTime() + 60_000).toISOString() });
    t.server.clock.advance(120_000);
    const notActive = await validate(expired);
    expect(notActive).toMatchObject({ valid: false, reason: 'BOOK_NOT_ACTIVE', discount: { value: '10' }, coupon: { code: expired } });
    expect((await lock(expired)) as { code?: string }).toMatchObject({ ok: false, code: notActive.reason, message: notActive.message });

    // A paused campaign: the transitions' own availability rule, with their message.
    const [paused] = await bookWithCoupons({});
    const [{ book_id: pausedBook }] = await t.server.db.prisma.$queryRaw<Array<{ book_id: string }>>(
      Prisma.sql`SELECT book_id::text AS book_id FROM coupon WHERE code = ${paused}`,
    );
    expect(await call(t.server, 'mutation($id: ID!) { pauseBook(id: $id) { id } }', { id: pausedBook }, t.admin.token)).toMatchObject({ ok: true });
    const pausedAnswer = await validate(paused);
    expect(pausedAnswer).toMatchObject({ valid: false, reason: 'BOOK_NOT_ACTIVE' });
    expect(await lock(paused)).toMatchObject({ ok: false, code: 'BOOK_NOT_ACTIVE', message: pausedAnswer.message });

    const [used] = await bookWithCoupons({});
    await lock(used);
    expect(await redeem(used)).toMatchObject({ ok: true });
    const redeemed = await validate(used);
    expect(redeemed).toMatchObject({ valid: false, reason: 'INVALID_STATE', coupon: { state: 'REDEEMED' } });
    expect(await lock(used)).toMatchObject({ ok: false, code: 'INVALID_STATE', message: redeemed.message });

    // One redemption per user in this book: a second coupon of it is LIMIT_REACHED, as redeem says.
    const [first, second] = await bookWithCoupons({ maxAssignmentsPerUser: null, maxRedemptionsPerUser: 1 }, 2);
    await lock(first);
    expect(await redeem(first)).toMatchObject({ ok: true });
    expect(await validate(second)).toMatchObject({ valid: false, reason: 'LIMIT_REACHED' });
    await lock(second);
    expect(await redeem(second)).toMatchObject({ ok: false, code: 'LIMIT_REACHED' });
  });

  it('refuses an order below the minimum or in another currency with ORDER_NOT_ELIGIBLE, exactly as redeem does', async () => {
    const [minimum] = await bookWithCoupons({ currency: 'EUR', minOrderAmount: '50' });
    const below = await validate(minimum, order('49.99'));
    expect(below).toMatchObject({ valid: false, reason: 'ORDER_NOT_ELIGIBLE', discount: { type: 'PERCENTAGE', value: '10', amount: null } });
    expect(below.message).toBe('The order must be at least 50.00 EUR to use this coupon (it is 49.99 EUR)');
    expect((await validate(minimum, order('50.00'))).discount).toMatchObject({ amount: '5.00', currency: 'EUR' });
    expect(await validate(minimum, order('80.00', 'USD'))).toMatchObject({ valid: false, reason: 'ORDER_NOT_ELIGIBLE' });

    const [fixed] = await bookWithCoupons({ discountType: 'FIXED_AMOUNT', discountValue: 5, currency: 'EUR' });
    const otherCurrency = await validate(fixed, order('20.00', 'USD'));
    expect(otherCurrency).toMatchObject({ valid: false, reason: 'ORDER_NOT_ELIGIBLE', discount: { type: 'FIXED_AMOUNT', value: '5.00', currency: 'EUR' } });
    expect((await validate(fixed, order('3.20'))).discount).toEqual({ type: 'FIXED_AMOUNT', value: '5.00', amount: '3.20', currency: 'EUR' });

    await lock(minimum);
    const refused = await graphqlRequest(t.server, REDEEM, { code: minimum, order: order('49.99') }, t.user.token);
    expect(refused.errors?.[0]).toMatchObject({ message: below.message, extensions: { code: 'ORDER_NOT_ELIGIBLE', rule: 'MIN_ORDER_AMOUNT', minOrderAmount: '50.00' } });
    expect(await lock(fixed)).toMatchObject({ ok: true });
    expect(await redeem(fixed, order('20.00', 'USD'))).toMatchObject({ ok: false, code: 'ORDER_NOT_ELIGIBLE', message: otherCurrency.message });
  });

  it('a malformed order is BAD_USER_INPUT: in the answer for what core checks, as an error for a malformed Decimal', async () => {
    const [code] = await bookWithCoupons({});
    expect(await validate(code, order('10.00', 'XYZ'))).toMatchObject({ valid: false, reason: 'BAD_USER_INPUT' });
    expect(await validate(code, order('10.5', 'JPY'))).toMatchObject({ valid: false, reason: 'BAD_USER_INPUT' });
    for (const amount of ['1e3', '-5', 10.5, '1.00001']) {
      const response = await graphqlRequest(t.server, VALIDATE, { code, order: { id: 'o', amount, currency: 'EUR' } }, t.user.token);
      expect(errorCode(response), String(amount)).toBe('BAD_USER_INPUT');
      // Named by where the value was in the variables, not by the scalar ("Decimal").
      expect(response.errors?.[0].extensions?.field, String(amount)).toBe('order.amount');
      expect(response.errors?.[0].message, String(amount)).toMatch(/^order\.amount: /);
    }
    expect(errorCode(await graphqlRequest(t.server, VALIDATE, { code }))).toBe('UNAUTHENTICATED');
  });
});

describe('redeemCoupon with an order', () => {
  it('stores the order, its discount and currency in the typed columns', async () => {
    const [code] = await bookWithCoupons({ discountType: 'FIXED_AMOUNT', discountValue: 7.5, currency: 'EUR', minOrderAmount: '20' });
    await lock(code);
    const given = order('59.9');
    const redeemed = await redeem(code, given);
    expect(redeemed).toMatchObject({ ok: true, data: { orderId: given.id, orderAmount: '59.90', discountAmount: '7.50', currency: 'EUR' } });
    const [row] = await t.server.db.prisma.$queryRaw<Array<Record<string, string>>>(Prisma.sql`
      SELECT order_id, order_amount::text AS order_amount, discount_amount::text AS discount_amount, currency
      FROM redemption WHERE id = ${(redeemed as { data: { id: string } }).data.id}::uuid`);
    expect(row).toEqual({ order_id: given.id, order_amount: '59.9000', discount_amount: '7.5000', currency: 'EUR' });
    // The same order again is a retry: the first redemption, with no new row.
    expect(await redeem(code, given)).toEqual(redeemed);
    expect(await redeem(code, { ...given, amount: '60.00' })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    // Someone else repeating the order learns nothing.
    expect(await redeem(code, given, t.other.token)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await orderRows(code, given.id)).toBe(1);
  });

  it('two concurrent redemptions of one order answer the same redemption, with exactly one row (30 rounds)', async () => {
    const ROUNDS = 30;
    const codes = await bookWithCoupons({ maxAssignmentsPerUser: null }, ROUNDS);
    const problems: string[] = [];
    for (const [round, code] of codes.entries()) {
      await lock(code);
      const given = order('42.00', 'EUR', `race-${round}-${randomBytes(3).toString('hex')}`);
      const [a, b] = await Promise.all([redeem(code, given), redeem(code, given)]);
      const rows = await orderRows(code, given.id);
      const events = await redeemedEvents(code);
      if (!a.ok || !b.ok || a.data.id !== b.data.id || rows !== 1 || events !== 1) {
        problems.push(`round ${round}: ${JSON.stringify([a, b])}, ${rows} rows, ${events} REDEEMED events`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('a multi-use coupon: the same order again is a retry until its redemption is reversed, then redeems anew', async () => {
    const [code] = await bookWithCoupons({ allowMultipleRedemptions: true, maxRedemptionsPerUser: null });
    const given = order('30.00');
    await lock(code);
    const first = await redeem(code, given);
    expect(first).toMatchObject({ ok: true });
    await lock(code);
    expect(await redeem(code, given)).toEqual(first);
    expect(await call(t.server, 'query($c: String!) { coupon(code: $c) { state redemptionCount } }', { c: code }, t.user.token)).toEqual({
      ok: true,
      data: { state: 'LOCKED', redemptionCount: 1 },
    });
    const reversed = await call(t.server, REVERSE, { orderId: given.id, code: code.toLowerCase() }, t.admin.token);
    expect(reversed).toMatchObject({ ok: true, data: { id: (first as { data: { id: string } }).data.id, reversedAt: expect.any(String) } });
    const again = await redeem(code, given);
    expect(again).toMatchObject({ ok: true, data: { orderId: given.id, reversedAt: null } });
    expect((again as { data: { id: string } }).data.id).not.toBe((first as { data: { id: string } }).data.id);
    expect(await orderRows(code, given.id, { reversedToo: true })).toBe(2);
  });
});

describe('redeemCoupon without an order', () => {
  it('is BAD_USER_INPUT naming `order` on a book with a minimum order or a percentage charged to a discount budget, and changes nothing', async () => {
    const [minimum] = await bookWithCoupons({ currency: 'EUR', minOrderAmount: '50' });
    const [budgeted] = await bookWithCoupons({ currency: 'EUR', maxTotalDiscountAmount: '100' });
    const [fixed] = await bookWithCoupons({ discountType: 'FIXED_AMOUNT', discountValue: 5, currency: 'EUR', maxTotalDiscountAmount: '100' });
    const [plain] = await bookWithCoupons({ currency: 'EUR' });
    const needs = {
      [minimum]: 'order: is required: this coupon needs an order of at least 50.00 EUR',
      [budgeted]: "order: is required: this coupon's percentage is charged to the campaign's discount budget, which needs the order's amount",
    };
    for (const [code, message] of Object.entries(needs)) {
      // validateCoupon without an order answers what the redeem will: the order is missing.
      expect(await validate(code)).toMatchObject({ valid: false, reason: 'BAD_USER_INPUT', message });
      expect(await lock(code)).toMatchObject({ ok: true });
      const refused = await graphqlRequest(t.server, REDEEM, { code }, t.user.token);
      expect(refused.errors?.[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT', field: 'order' } });
      // Nothing changed: still locked by the shopper, no redemption, the book's totals untouched.
      expect(await call(t.server, 'query($c: String!) { coupon(code: $c) { state redemptionCount book { redeemedTotal discountTotal } } }', { c: code }, t.admin.token)).toEqual({
        ok: true,
        data: { state: 'LOCKED', redemptionCount: 0, book: { redeemedTotal: 0, discountTotal: '0.00' } },
      });
      expect(await redeem(code, order('60.00'))).toMatchObject({ ok: true, data: { discountAmount: '6.00' } });
    }
    // A fixed amount is known without the order (it is charged in full), and a book with no such terms needs none.
    for (const code of [fixed, plain]) {
      expect(await validate(code)).toMatchObject({ valid: true });
      await lock(code);
      expect(await redeem(code)).toMatchObject({ ok: true });
    }
    expect((await call(t.server, 'query($c: String!) { coupon(code: $c) { book { discountTotal } } }', { c: fixed }, t.admin.token))).toMatchObject({
      data: { book: { discountTotal: '5.00' } },
    });
  });

  it('racing updateBook setting a minimum order, a redeem without one answers as wholly before or after it (20 rounds)', async () => {
    const ROUNDS = 20;
    const problems: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const [code] = await bookWithCoupons({ currency: 'EUR' });
      const found = await graphqlRequest<{ coupon: { bookId: string } }>(t.server, 'query($c: String!) { coupon(code: $c) { bookId } }', { c: code }, t.user.token);
      const bookId = found.data!.coupon.bookId;
      await lock(code);
      const [redeemed, updated] = await Promise.all([
        redeem(code),
        call(t.server, 'mutation($id: ID!) { updateBook(id: $id, input: { minOrderAmount: "10" }) { id } }', { id: bookId }, t.admin.token),
      ]);
      const [row] = await t.server.db.prisma.$queryRaw<Array<{ redemptions: number; state: string }>>(Prisma.sql`
        SELECT (SELECT count(*)::int FROM redemption r WHERE r.coupon_id = c.id) AS redemptions, c.state::text AS state FROM coupon c WHERE c.code = ${code}`);
      const before = redeemed.ok && row.redemptions === 1 && row.state === 'REDEEMED';
      const after = !redeemed.ok && redeemed.code === 'BAD_USER_INPUT' && row.redemptions === 0 && row.state === 'LOCKED';
      if (!updated.ok || !(before || after)) problems.push(`round ${round}: ${JSON.stringify({ redeemed, updated, row })}`);
    }
    expect(problems).toEqual([]);
  });
});

describe('reverseRedemption by order and redemptions(orderId:)', () => {
  it('reverses by order id and code; twice is INVALID_STATE; exactly one way of naming it', async () => {
    const [code, second] = await bookWithCoupons({ maxAssignmentsPerUser: null }, 2);
    const given = order('12.00');
    await lock(code);
    const redeemed = await redeem(code, given);
    expect(await call(t.server, REVERSE, { orderId: given.id, code }, t.admin.token)).toMatchObject({ ok: true, data: { orderId: given.id } });
    const twice = await graphqlRequest(t.server, REVERSE, { orderId: given.id, code }, t.admin.token);
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', state: 'REVERSED' });
    expect(await call(t.server, REVERSE, { orderId: 'no-such-order', code }, t.admin.token)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await call(t.server, REVERSE, { orderId: given.id, code: second }, t.admin.token)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const id = (redeemed as { data: { id: string } }).data.id;
    for (const args of [{}, { id, orderId: given.id, code }, { orderId: given.id }, { code }]) {
      expect(await call(t.server, REVERSE, args, t.admin.token), JSON.stringify(args)).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    }
    expect(await call(t.server, REVERSE, { orderId: given.id, code }, t.user.token)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('the redemptions CSV carries the order, its amount, the discount and the currency', async () => {
    const [code] = await bookWithCoupons({ discountType: 'FIXED_AMOUNT', discountValue: 500, currency: 'JPY' });
    await lock(code);
    const given = order('1200', 'JPY');
    expect(await redeem(code, given)).toMatchObject({ ok: true });
    const [{ book_id: bookId }] = await t.server.db.prisma.$queryRaw<Array<{ book_id: string }>>(
      Prisma.sql`SELECT book_id::text AS book_id FROM coupon WHERE code = ${code}`,
    );
    const response = await fetch(`${t.server.baseUrl}/export/books/${bookId}/redemptions.csv`, { headers: { authorization: `Bearer ${t.admin.token}` } });
    const [header, line] = (await response.text()).trim().split(/\r?\n/);
    expect(header.split(',').slice(-4)).toEqual(['order_id', 'order_amount', 'discount_amount', 'currency']);
    expect(line.split(',').slice(-4)).toEqual([given.id, '1200', '500', 'JPY']);
  });

  it('redemptions(orderId:) lists the order\'s redemptions; a shopper sees only their own', async () => {
    const codes = await bookWithCoupons({ maxAssignmentsPerUser: null }, 2);
    const given = order('99.00');
    for (const code of codes) {
      await lock(code);
      expect(await redeem(code, given)).toMatchObject({ ok: true });
    }
    const list = `query($orderId: String) { redemptions(orderId: $orderId) { totalCount edges { node { orderId orderAmount discountAmount currency coupon { code } } } } }`;
    const asAdmin = await call(t.server, list, { orderId: given.id }, t.admin.token);
    expect(asAdmin).toMatchObject({ ok: true, data: { totalCount: 2 } });
    expect((asAdmin as { data: any }).data.edges.map((e: any) => e.node.coupon.code).sort()).toEqual([...codes].sort());
    expect((asAdmin as { data: any }).data.edges[0].node).toMatchObject({ orderId: given.id, orderAmount: '99.00', discountAmount: '9.90', currency: 'EUR' });
    expect(await call(t.server, list, { orderId: given.id }, t.other.token)).toMatchObject({ ok: true, data: { totalCount: 0 } });
    expect(await call(t.server, list, { orderId: 'x'.repeat(201) }, t.admin.token)).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
  });
});

async function orderRows(code: string, orderId: string, options: { reversedToo?: boolean } = {}): Promise<number> {
  const [row] = await t.server.db.prisma.$queryRaw<Array<{ n: number }>>(Prisma.sql`
    SELECT count(*)::int AS n FROM redemption r JOIN coupon c ON c.id = r.coupon_id
    WHERE c.code = ${code} AND r.order_id = ${orderId} AND (${options.reversedToo === true} OR r.reversed_at IS NULL)`);
  return row.n;
}

async function redeemedEvents(code: string): Promise<number> {
  const [row] = await t.server.db.prisma.$queryRaw<Array<{ n: number }>>(Prisma.sql`
    SELECT count(*)::int AS n FROM coupon_event e JOIN coupon c ON c.id = e.coupon_id WHERE c.code = ${code} AND e.type = 'REDEEMED'`);
  return row.n;
}
