import { describe, expect, it } from 'vitest';
import { call, checkoutAs, createCampaign, useApiTest } from '../../testing/index.ts';

// A COUPONS_READ key (a shop backend's read-only key) is refused the ADMIN coupon search
// (Query.coupons: ADMIN scope) and every ADMIN field the services guard with requireAdmin
// (Book.redemptionsOverTime …), and so the same data through nested fields: a key's caller always
// has the ADMIN role, so those fields check isAdmin (the role, and for a key the ADMIN scope).
// Book.coupons, User.coupons and Coupon.metadata checked the role alone and answered such a key.

const t = useApiTest({ users: ['alice'] });

async function readKey(): Promise<string> {
  const created = await call<{ secret: string }>(
    t.server,
    'mutation { createApiKey(input: { name: "read-only", scopes: [COUPONS_READ] }) { secret } }',
    {},
    t.admin.token,
  );
  if (!created.ok) throw new Error(`createApiKey: ${created.code}`);
  return created.data.secret;
}

describe('a COUPONS_READ key', () => {
  it('is refused the ADMIN search and the ADMIN book fields guarded by requireAdmin (the rule)', async () => {
    const key = await readKey();
    const { bookId } = await createCampaign(t.server, t.admin, 3);
    const search = await call(t.server, 'query ($b: ID) { coupons(bookId: $b) { totalCount } }', { b: bookId }, key);
    expect(search.ok ? 'ok' : search.code).toBe('FORBIDDEN');
    const chart = await call(t.server, 'query ($b: ID!) { book(id: $b) { redemptionsOverTime { redemptions } } }', { b: bookId }, key);
    expect(chart.ok ? 'ok' : chart.code).toBe('FORBIDDEN');
  });

  it("cannot list a book's unassigned codes through Book.coupons ('ADMIN: the codes of this book')", async () => {
    const key = await readKey();
    const { bookId, codes } = await createCampaign(t.server, t.admin, 3);
    const listed = await call(
      t.server,
      'query ($b: ID!) { book(id: $b) { coupons(first: 10) { totalCount edges { node { code state } } } } }',
      { b: bookId },
      key,
    );
    // Every unassigned code is a bearer secret: any signed-in shopper can claim it with assignCoupon(code).
    expect(listed.ok ? `ok ${JSON.stringify(listed.data)}` : listed.code, `codes ${codes.join(',')}`).toBe('FORBIDDEN');
  });

  it("cannot list a shopper's other coupons through Coupon.user.coupons, nor read the admin's notes (Coupon.metadata)", async () => {
    const key = await readKey();
    const { bookId } = await createCampaign(t.server, t.admin, 3);
    const { code } = await checkoutAs(t.server, t.alice, bookId, 'claim');
    await checkoutAs(t.server, t.alice, bookId, 'claim');
    const noted = await call(
      t.server,
      'mutation ($c: String!) { updateCoupon(code: $c, input: { metadata: { note: "fraud suspected, internal" } }) { code } }',
      { c: code },
      t.admin.token,
    );
    expect(noted.ok).toBe(true);
    const read = await call(
      t.server,
      'query ($c: String!) { coupon(code: $c) { code metadata user { coupons(first: 10) { totalCount } } } }',
      { c: code },
      key,
    );
    const seen = read.ok ? read.data : null;
    expect({ metadata: seen?.metadata ?? null }, "the admin's notes").toEqual({ metadata: null });
    expect(read.ok && read.data.user?.coupons ? 'listed' : 'refused', JSON.stringify(read)).toBe('refused');
  });
});
