import { describe, expect, it } from 'vitest';
import { createTestClock, createUsers, graphqlRequest, OPS, call, uniqueCodes, useApiTest } from '../../testing/index.ts';

// The range of DateTime is 0001-01-01 .. 9999-12-31T23:59:59.999Z (api-guide, "Dates"). A book
// whose window runs to the very end of it is valid and serves coupons until then. A shopper who
// locks a coupon in its last day gets a lock that would end past year 9999, which no read of the
// row could parse back (every read of the coupon answered INTERNAL_SERVER_ERROR): the lock ends at
// the range's last instant instead.

const clock = createTestClock('9999-12-31T12:00:00.000Z');
const t = useApiTest({ accounts: 'inserted', clock });

const codeOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => (r.errors?.[0]?.extensions?.code as string) ?? 'ok';

describe('the last day of year 9999', () => {
  it('a book open to 9999-12-31T23:59:59.999Z: claim, lock (TTL 86400) and every read of the locked coupon answer', async () => {
    const [admin] = await createUsers(t.server, 1, 'ADMIN');
    const [shopper] = await createUsers(t.server, 1, 'USER');
    const created = await graphqlRequest(
      t.server,
      `mutation ($input: CreateBookInput!) { createBook(input: $input) { id isActive } }`,
      { input: { name: 'Last day', discountType: 'PERCENTAGE', discountValue: 10, lockTtlSeconds: 86400, validUntil: '9999-12-31T23:59:59.999Z' } },
      admin.token,
    );
    expect(created.errors, JSON.stringify(created.errors)).toBeUndefined();
    expect(created.data!.createBook.isActive).toBe(true);
    const bookId = created.data!.createBook.id;
    const codes = uniqueCodes(2);
    expect((await call(t.server, 'mutation ($b: ID!, $c: [String!]) { uploadCodes(bookId: $b, codes: $c) { inserted } }', { b: bookId, c: codes }, admin.token)).ok).toBe(true);
    const [code] = codes;
    expect((await call(t.server, OPS.assignCode, { code }, shopper.token)).ok).toBe(true);
    const locked = await graphqlRequest(t.server, OPS.lock, { code }, shopper.token);
    // Either refused up front with a contract code, or every read afterwards answers.
    expect(codeOf(locked), JSON.stringify(locked.errors)).not.toBe('INTERNAL_SERVER_ERROR');
    const reads: Array<[string, Record<string, unknown>, string]> = [
      [`query ($code: String!) { coupon(code: $code) { code state lockExpiresAt } }`, { code }, shopper.token],
      [`query { myCoupons { edges { node { code state lockExpiresAt } } } }`, {}, shopper.token],
      [`query ($b: ID!) { coupons(bookId: $b) { edges { node { code state lockExpiresAt } } } }`, { b: bookId }, admin.token],
      [`query ($b: ID!) { book(id: $b) { counts { locked } coupons { edges { node { lockExpiresAt } } } } }`, { b: bookId }, admin.token],
      [`query ($code: String!) { validateCoupon(code: $code) { valid reason coupon { lockExpiresAt } } }`, { code }, shopper.token],
    ];
    const failures: string[] = [];
    for (const [q, v, token] of reads) {
      const r = await graphqlRequest(t.server, q, v, token);
      if (r.errors) failures.push(`${q.slice(0, 50)} → ${r.errors.map((e) => `${e.extensions?.code} at ${e.path?.join('.')}`).join('; ')}`);
    }
    expect(failures, `lock answered ${JSON.stringify(locked)}`).toEqual([]);
  });

  for (const bucket of ['MINUTE', 'HOUR', 'DAY', 'WEEK']) {
    for (const chart of ['redemptionsOverTime', 'claimsOverTime']) {
      it(`Book.${chart}(bucket: ${bucket}) with the default range, the clock on the last day of 9999`, async () => {
        const [admin] = await createUsers(t.server, 1, 'ADMIN');
        const created = await call(t.server, `mutation ($input: CreateBookInput!) { createBook(input: $input) { id } }`, { input: { name: 'Chart', discountType: 'PERCENTAGE', discountValue: 10 } }, admin.token);
        expect(created.ok).toBe(true);
        const r = await graphqlRequest(t.server, `query ($b: ID!) { book(id: $b) { ${chart}(bucket: ${bucket}) { at } } }`, { b: (created as any).data.id }, admin.token);
        expect(codeOf(r), JSON.stringify(r.errors)).not.toBe('INTERNAL_SERVER_ERROR');
        expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      });
    }
  }
});
