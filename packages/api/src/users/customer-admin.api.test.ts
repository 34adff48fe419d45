import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, createCampaign, errorCode, graphqlRequest, OPS, useApiTest } from '../../testing/index.ts';

// A shop's customers (made by API keys, known by externalId, no password) are managed like other
// users: an admin finds them in `users`, disables and enables them. A disabled customer keeps their
// coupons and can be read, but whatever acts for them (a key, an admin with customerId) is refused
// claims, locks, unlocks and redemptions with FORBIDDEN, and validateCoupon says so.

const t = useApiTest({ users: [], accounts: 'inserted' });

const CREATE_KEY = 'mutation ($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }';
const USERS = 'query ($s: String) { users(search: $s) { totalCount edges { node { id email externalId role disabled } } } }';
const DISABLE = 'mutation ($u: ID!) { disableUser(userId: $u) { id externalId disabled disabledAt } }';
const ENABLE = 'mutation ($u: ID!) { enableUser(userId: $u) { id disabled } }';
const SET_ROLE = 'mutation ($u: ID!) { setUserRole(userId: $u, role: ADMIN) { id } }';
const CUSTOMER_COUPONS = 'query ($c: String!) { customerCoupons(customerId: $c, first: 10) { totalCount } }';
const VALIDATE = 'query ($code: String!, $c: String) { validateCoupon(code: $code, customerId: $c) { valid reason } }';

describe("disabling a shop's customer", () => {
  it('refuses every change acting for them (FORBIDDEN) while reads go on; enabling restores them', async () => {
    const key = await graphqlRequest<{ createApiKey: { secret: string } }>(
      t.server,
      CREATE_KEY,
      { i: { name: 'shop', scopes: ['COUPONS_WRITE'] } },
      t.admin.token,
    );
    const secret = key.data!.createApiKey.secret;
    const customerId = `shop-${randomUUID()}`;
    const { bookId } = await createCampaign(t.server, t.admin, 6);
    const asKey = (query: string, variables: Record<string, unknown>) => call(t.server, query, { ...variables, customerId }, secret);

    const held = await asKey(OPS.assignRandom, { bookId });
    const locked = await asKey(OPS.assignRandom, { bookId });
    if (!held.ok || !locked.ok) throw new Error(`claims: ${JSON.stringify([held, locked])}`);
    expect((await asKey(OPS.lock, { code: locked.data.code })).ok).toBe(true);

    // The admin finds the customer by the shop's id and disables them.
    const found = await graphqlRequest(t.server, USERS, { s: customerId }, t.admin.token);
    expect(found.data?.users.edges).toEqual([{ node: { id: expect.any(String), email: null, externalId: customerId, role: 'USER', disabled: false } }]);
    const userId: string = found.data?.users.edges[0].node.id;
    const disabled = await graphqlRequest(t.server, DISABLE, { u: userId }, t.admin.token);
    expect(disabled.errors).toBeUndefined();
    expect(disabled.data?.disableUser).toMatchObject({ id: userId, externalId: customerId, disabled: true });

    // Every change acting for them is refused, by the key and by an admin naming them.
    const refused = await Promise.all([
      asKey(OPS.assignRandom, { bookId }),
      asKey(OPS.lock, { code: held.data.code }),
      asKey(OPS.unlock, { code: locked.data.code }),
      asKey(OPS.redeem, { code: locked.data.code }),
      call(t.server, OPS.assignRandom, { bookId, customerId }, t.admin.token),
    ]);
    expect(refused.map((o) => (o.ok ? 'ok' : o.code))).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    expect(refused[0].ok ? '' : refused[0].message).toMatch(/customer is disabled/);
    // Their coupons stay theirs and can be read; the checkout hears why it would be refused.
    expect((await graphqlRequest(t.server, CUSTOMER_COUPONS, { c: customerId }, secret)).data?.customerCoupons).toEqual({ totalCount: 2 });
    expect((await graphqlRequest(t.server, VALIDATE, { code: locked.data.code, c: customerId }, secret)).data?.validateCoupon).toEqual({
      valid: false,
      reason: 'FORBIDDEN',
    });
    // Nothing changed on the coupons meanwhile.
    const coupons = await t.server.db.prisma.coupon.findMany({ where: { bookId, assignedUserId: userId }, orderBy: { code: 'asc' } });
    expect(coupons.map((c) => c.state).sort()).toEqual(['ASSIGNED', 'LOCKED']);

    // Still not an admin, whatever its state.
    expect(errorCode(await graphqlRequest(t.server, SET_ROLE, { u: userId }, t.admin.token))).toBe('BAD_USER_INPUT');

    expect((await graphqlRequest(t.server, ENABLE, { u: userId }, t.admin.token)).data?.enableUser).toEqual({ id: userId, disabled: false });
    const redeemed = await asKey(OPS.redeem, { code: locked.data.code });
    expect(redeemed.ok, JSON.stringify(redeemed)).toBe(true);
    expect((await asKey(OPS.assignRandom, { bookId })).ok).toBe(true);

    const audit = await t.server.db.prisma.auditLog.findMany({ where: { targetId: userId }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['USER_DISABLED', 'USER_ENABLED']);
  });

  it('the users list finds a disabled customer by externalId under disabled: true only', async () => {
    const customerId = `shop-${randomUUID()}`;
    const claimed = await call(t.server, OPS.assignRandom, { bookId: (await createCampaign(t.server, t.admin, 2)).bookId, customerId }, t.admin.token);
    expect(claimed.ok).toBe(true);
    const userId = claimed.ok ? claimed.data.assignedUserId : '';
    await graphqlRequest(t.server, DISABLE, { u: userId }, t.admin.token);
    const listed = await graphqlRequest(
      t.server,
      'query ($s: String) { users(search: $s, disabled: true) { edges { node { id externalId disabled } } } }',
      { s: customerId },
      t.admin.token,
    );
    expect(listed.data?.users.edges).toEqual([{ node: { id: userId, externalId: customerId, disabled: true } }]);
    const enabledOnly = await graphqlRequest(t.server, 'query ($s: String) { users(search: $s, disabled: false) { totalCount } }', { s: customerId }, t.admin.token);
    expect(enabledOnly.data?.users.totalCount).toBe(0);
  });
});
