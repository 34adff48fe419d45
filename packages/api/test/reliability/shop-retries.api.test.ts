import { randomBytes } from 'node:crypto';
import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { call, createCampaign, describeOutcome, graphqlRequest, OPS, type SignedUpUser, useApiTest } from '../../testing/index.ts';

// A shop's retries over HTTP: orders redeemed, refunded and redeemed again, and idempotency keys
// (raced, per user, replayed, forgotten after a failure or after their lifetime, here 1 hour).

const t = useApiTest({ users: ['user', 'other'], env: { IDEMPOTENCY_TTL_HOURS: '1', JWT_TTL_SECONDS: '86400' } });
const HOUR = 3_600_000;

const FIELDS = 'id couponId orderId orderAmount discountAmount currency reversedAt redeemedAt idempotencyKey metadata';
const LOCK = 'mutation Lock($code: String!, $key: String) { lockCoupon(code: $code, idempotencyKey: $key) { code state lockExpiresAt } }';
const REDEEM = `mutation Redeem($code: String!, $order: OrderInput, $key: String, $metadata: JSON) {
  redeemCoupon(code: $code, order: $order, idempotencyKey: $key, metadata: $metadata) { ${FIELDS} } }`;
const REVERSE = `mutation Reverse($orderId: String, $code: String) {
  reverseRedemption(orderId: $orderId, code: $code, reason: "refund") { ${FIELDS} } }`;

async function bookWithCoupons(input: Record<string, unknown>, count: number, owner: SignedUpUser = t.user): Promise<{ bookId: string; codes: string[] }> {
  const created = await graphqlRequest<{ createBook: { id: string } }>(
    t.server,
    'mutation($input: CreateBookInput!) { createBook(input: $input) { id } }',
    { input: { name: `Retries ${randomBytes(3).toString('hex')}`, discountType: 'PERCENTAGE', discountValue: 10, maxAssignmentsPerUser: null, ...input } },
    t.admin.token,
  );
  expect(created.errors).toBeUndefined();
  const bookId = created.data!.createBook.id;
  const prefix = `A${randomBytes(4).toString('hex').toUpperCase()}`;
  const codes = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  await t.server.db.prisma.$executeRaw(Prisma.sql`INSERT INTO coupon (book_id, code) SELECT ${bookId}::uuid, unnest(${codes}::text[])`);
  for (const code of codes) {
    const assigned = await call(t.server, 'mutation($c: String!) { assignCoupon(code: $c) { id } }', { c: code }, owner.token);
    expect(assigned.ok, describeOutcome(assigned)).toBe(true);
  }
  return { bookId, codes };
}
const lock = (code: string, token = t.user.token) => call(t.server, LOCK, { code }, token);
const order = (amount: string, id = `order-${randomBytes(4).toString('hex')}`, currency = 'EUR') => ({ id, amount, currency });

describe('orders redeemed, refunded and redeemed again', () => {
  it('a budget of one redemption: redeem, refund, redeem the same order again, then a new order is refused', async () => {
    const { codes } = await bookWithCoupons({ allowMultipleRedemptions: true, maxRedemptionsPerUser: null, maxTotalRedemptions: 1 }, 1);
    const [code] = codes;
    const o = order('20.00');
    expect(await lock(code)).toMatchObject({ ok: true });
    const first = await call(t.server, REDEEM, { code, order: o }, t.user.token);
    expect(first.ok, describeOutcome(first)).toBe(true);
    expect(await call(t.server, REVERSE, { orderId: o.id, code }, t.admin.token)).toMatchObject({ ok: true });
    expect(await lock(code)).toMatchObject({ ok: true });
    const again = await call(t.server, REDEEM, { code, order: o }, t.user.token);
    expect(again.ok, describeOutcome(again)).toBe(true);
    if (again.ok && first.ok) expect(again.data.id).not.toBe(first.data.id);
    expect(await lock(code)).toMatchObject({ ok: true });
    expect(await call(t.server, REDEEM, { code, order: order('20.00') }, t.user.token)).toMatchObject({ ok: false, code: 'LIMIT_REACHED' });
  });

  it('one order, two coupons of a one-redemption-per-user book, at once: exactly one redeems', async () => {
    const { codes } = await bookWithCoupons({ maxRedemptionsPerUser: 1 }, 2);
    for (const code of codes) expect(await lock(code)).toMatchObject({ ok: true });
    const o = order('30.00');
    const outcomes = await Promise.all(codes.map((code) => call(t.server, REDEEM, { code, order: o }, t.user.token)));
    expect(outcomes.filter((x) => x.ok)).toHaveLength(1);
    expect(outcomes.filter((x) => !x.ok).map((x) => (x as { code: string }).code)).toEqual(['LIMIT_REACHED']);
  });

  it('one order, one coupon, ten retries at once with and without keys: one redemption, every answer the same', async () => {
    const { codes } = await bookWithCoupons({}, 1);
    const [code] = codes;
    expect(await lock(code)).toMatchObject({ ok: true });
    const o = order('12.34');
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call(t.server, REDEEM, { code, order: o, key: i % 2 === 0 ? `k-${i}` : null }, t.user.token)),
    );
    for (const x of outcomes) expect(x.ok, describeOutcome(x)).toBe(true);
    const ids = new Set(outcomes.map((x) => (x.ok ? x.data.id : null)));
    expect(ids.size).toBe(1);
  });
});

describe('idempotency keys', () => {
  it('a retry whose JSON metadata lists the same members in another order is the same request', async () => {
    const { codes } = await bookWithCoupons({}, 1);
    const [code] = codes;
    expect(await lock(code)).toMatchObject({ ok: true });
    const first = await call(t.server, REDEEM, { code, key: 'pay-1', metadata: { orderId: '1042', channel: 'web' } }, t.user.token);
    expect(first.ok, describeOutcome(first)).toBe(true);
    // The same object (JSON objects are unordered), serialised by another client library.
    const retry = await call(t.server, REDEEM, { code, key: 'pay-1', metadata: { channel: 'web', orderId: '1042' } }, t.user.token);
    expect(retry.ok, describeOutcome(retry)).toBe(true);
    if (retry.ok && first.ok) expect(retry.data).toEqual(first.data);
  });

  it('the same key at once for lockCoupon and redeemCoupon, by two users and one: no 500, keys are per user', async () => {
    const { codes } = await bookWithCoupons({}, 1);
    const { codes: theirs } = await bookWithCoupons({}, 1, t.other);
    const [mine] = codes;
    const outcomes = await Promise.all([
      call(t.server, LOCK, { code: mine, key: 'shared' }, t.user.token),
      call(t.server, LOCK, { code: theirs[0], key: 'shared' }, t.other.token),
      call(t.server, REDEEM, { code: mine, key: 'shared' }, t.user.token),
    ]);
    expect(outcomes[1].ok, describeOutcome(outcomes[1])).toBe(true);
    for (const x of outcomes) if (!x.ok) expect(['BAD_USER_INPUT', 'INVALID_STATE']).toContain(x.code);
    // other's replay is their own: never user's answer
    const replay = await call(t.server, LOCK, { code: theirs[0], key: 'shared' }, t.other.token);
    expect(replay).toEqual(outcomes[1]);
  });

  it('a first attempt refused with LOCK_EXPIRED is not remembered: the retry with the same key runs afresh', async () => {
    const { codes } = await bookWithCoupons({ lockTtlSeconds: 60 }, 1);
    const [code] = codes;
    expect(await lock(code)).toMatchObject({ ok: true });
    t.server.clock.advance(61_000);
    expect(await call(t.server, REDEEM, { code, key: 'late-1' }, t.user.token)).toMatchObject({ ok: false, code: 'LOCK_EXPIRED' });
    expect(await lock(code)).toMatchObject({ ok: true });
    const retry = await call(t.server, REDEEM, { code, key: 'late-1' }, t.user.token);
    expect(retry.ok, describeOutcome(retry)).toBe(true);
  });
});

describe('an idempotency key past its lifetime starts a new redeem', () => {
  it('starts a new redemption after the key lifetime (multi-use book, same coupon)', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 1, { allowMultipleRedemptions: true, maxRedemptionsPerUser: null });
    const claimed = await call(t.server, OPS.assignRandom, { bookId }, t.user.token);
    expect(claimed).toMatchObject({ ok: true });
    const code = claimed.ok ? claimed.data.code : '';
    expect(await call(t.server, OPS.lock, { code }, t.user.token)).toMatchObject({ ok: true });
    const first = await call(t.server, OPS.redeem, { code, key: 'order-42' }, t.user.token);
    expect(first).toMatchObject({ ok: true });

    t.server.clock.advance(HOUR + 60_000); // the key is past its lifetime
    expect(await call(t.server, OPS.lock, { code }, t.user.token)).toMatchObject({ ok: true });
    const second = await call(t.server, OPS.redeem, { code, key: 'order-42' }, t.user.token);
    // It was refused as a duplicate: the redemption table kept every key for ever.
    expect(second.ok, describeOutcome(second)).toBe(true);
    if (second.ok && first.ok) expect(second.data.id).not.toBe(first.data.id);
  });

  it('starts a new redemption after the key lifetime (another coupon)', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 2);
    const codes: string[] = [];
    for (let i = 0; i < 2; i++) {
      const claimed = await call(t.server, OPS.assignRandom, { bookId }, t.user.token);
      if (!claimed.ok) throw new Error(claimed.code);
      codes.push(claimed.data.code);
    }
    expect(await call(t.server, OPS.lock, { code: codes[0] }, t.user.token)).toMatchObject({ ok: true });
    expect(await call(t.server, OPS.redeem, { code: codes[0], key: 'cart-7' }, t.user.token)).toMatchObject({ ok: true });
    t.server.clock.advance(HOUR + 60_000);
    expect(await call(t.server, OPS.lock, { code: codes[1] }, t.user.token)).toMatchObject({ ok: true });
    expect(await call(t.server, OPS.redeem, { code: codes[1], key: 'cart-7' }, t.user.token)).toMatchObject({ ok: true });
  });
});
