import { describe, expect, it } from 'vitest';
import { call, createCampaign, graphqlRequest, OPS, useApiTest } from '../../testing/index.ts';

// Exactly at validFrom, validUntil, lockExpiresAt and a code's expiresAt, every path (claim, lock,
// redeem, redeem for an order, validate, the book's isActive and counts) agrees on the side of the
// instant: validFrom inclusive, validUntil / lockExpiresAt / expiresAt exclusive. The sweeper is
// kept away (huge interval), so the answers are the lazy-expiry ones.

const t = useApiTest({ env: { LOCK_SWEEP_INTERVAL_MS: '100000000', JWT_TTL_SECONDS: '86400' } });
const VALIDATE = `query ($code: String!) { validateCoupon(code: $code) { valid reason } }`;
const VIEW = `query ($code: String!, $id: ID!) { coupon(code: $code) { state lockExpiresAt } book(id: $id) { isActive counts { assigned locked } } }`;
const REDEEM_ORDER = `mutation ($code: String!, $order: OrderInput!) { redeemCoupon(code: $code, order: $order) { id } }`;

const reason = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
  r.errors ? `${r.errors[0].extensions?.code}:${r.errors[0].extensions?.reason ?? ''}` : 'ok';

describe('the instants where a coupon starts and stops being usable', () => {
  it('validFrom inclusive, lockExpiresAt and validUntil exclusive, the same for every path', async () => {
    const base = Math.ceil(t.server.clock.now().getTime() / 1000) * 1000 + 60_000;
    const from = new Date(base);
    const until = new Date(base + 600_000);
    const book = await createCampaign(t.server, t.admin, 3, { validFrom: from, validUntil: until, lockTtlSeconds: 60 });
    const [a, b] = book.codes;

    t.server.clock.set(base - 1);
    expect(reason(await graphqlRequest(t.server, OPS.assignCode, { code: a }, t.user.token))).toBe('BOOK_NOT_ACTIVE:NOT_STARTED');
    t.server.clock.set(base);
    expect(reason(await graphqlRequest(t.server, OPS.assignCode, { code: a }, t.user.token))).toBe('ok');
    expect(reason(await graphqlRequest(t.server, OPS.assignCode, { code: b }, t.user.token))).toBe('ok');
    expect((await graphqlRequest(t.server, VALIDATE, { code: a }, t.user.token)).data?.validateCoupon).toEqual({ valid: true, reason: null });
    const locked = await call(t.server, OPS.lock, { code: a }, t.user.token);
    expect(locked.ok && new Date(locked.data.lockExpiresAt).getTime()).toBe(base + 60_000);

    // Exactly at lockExpiresAt: expired for every path.
    t.server.clock.set(base + 60_000);
    const view = await graphqlRequest(t.server, VIEW, { code: a, id: book.bookId }, t.admin.token);
    expect(view.data).toMatchObject({ coupon: { state: 'ASSIGNED', lockExpiresAt: null }, book: { isActive: true, counts: { assigned: 2, locked: 0 } } });
    expect(reason(await graphqlRequest(t.server, OPS.redeem, { code: a }, t.user.token))).toBe('LOCK_EXPIRED:');
    expect(reason(await graphqlRequest(t.server, REDEEM_ORDER, { code: a, order: { id: 'o-1', amount: '10.00', currency: 'EUR' } }, t.user.token))).toBe('LOCK_EXPIRED:');
    expect((await graphqlRequest(t.server, VALIDATE, { code: a }, t.user.token)).data?.validateCoupon).toEqual({ valid: true, reason: null });
    expect(reason(await graphqlRequest(t.server, OPS.lock, { code: a }, t.user.token))).toBe('ok');

    // One ms before validUntil: still usable; exactly at it: ended for every path.
    t.server.clock.set(until.getTime() - 1);
    expect(reason(await graphqlRequest(t.server, OPS.lock, { code: b }, t.user.token))).toBe('ok');
    t.server.clock.set(until.getTime());
    const ended = await graphqlRequest(t.server, VIEW, { code: b, id: book.bookId }, t.admin.token);
    expect(ended.data?.book.isActive).toBe(false);
    expect((await graphqlRequest(t.server, VALIDATE, { code: b }, t.user.token)).data?.validateCoupon).toEqual({ valid: false, reason: 'BOOK_NOT_ACTIVE' });
    expect(reason(await graphqlRequest(t.server, OPS.redeem, { code: b }, t.user.token))).toBe('BOOK_NOT_ACTIVE:ENDED');
    expect(reason(await graphqlRequest(t.server, OPS.assignCode, { code: book.codes[2] }, t.user.token))).toBe('BOOK_NOT_ACTIVE:ENDED');
  });

  it("exactly at a code's expiresAt: expired for claim, lock, redeem, validate, random claim", async () => {
    const base = Math.ceil(t.server.clock.now().getTime() / 1000) * 1000 + 60_000;
    t.server.clock.set(base);
    const book = await createCampaign(t.server, t.admin, 2, { lockTtlSeconds: 600 });
    const [a, b] = book.codes;
    expect(reason(await graphqlRequest(t.server, OPS.assignCode, { code: a }, t.user.token))).toBe('ok');
    expect(reason(await graphqlRequest(t.server, OPS.lock, { code: a }, t.user.token))).toBe('ok');
    const at = new Date(base + 10_000).toISOString();
    for (const code of [a, b]) {
      const r = await graphqlRequest(t.server, `mutation ($code: String!, $e: DateTime) { updateCoupon(code: $code, input: { expiresAt: $e }) { code } }`, { code, e: at }, t.admin.token);
      expect(r.errors).toBeUndefined();
    }
    t.server.clock.set(base + 9_999);
    expect((await graphqlRequest(t.server, VALIDATE, { code: a }, t.user.token)).data?.validateCoupon).toEqual({ valid: true, reason: null });
    t.server.clock.set(base + 10_000);
    expect((await graphqlRequest(t.server, VALIDATE, { code: a }, t.user.token)).data?.validateCoupon).toEqual({ valid: false, reason: 'BOOK_NOT_ACTIVE' });
    expect(reason(await graphqlRequest(t.server, OPS.redeem, { code: a }, t.user.token))).toBe('BOOK_NOT_ACTIVE:CODE_EXPIRED');
    expect(reason(await graphqlRequest(t.server, OPS.assignCode, { code: b }, t.user.token))).toBe('BOOK_NOT_ACTIVE:CODE_EXPIRED');
    expect(reason(await graphqlRequest(t.server, OPS.assignRandom, { bookId: book.bookId }, t.user.token))).toMatch(/^SOLD_OUT|BOOK_NOT_ACTIVE/);
  });
});
