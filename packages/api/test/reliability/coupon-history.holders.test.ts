import { describe, expect, it } from 'vitest';
import { call, checkoutAs, createCampaign, OPS, useApiTest } from '../../testing/index.ts';

// A coupon changes hands: alice claims and locks it, an admin takes the code back into the book
// (unassignCoupon), and bob claims the same code. Neither shopper may learn anything about the
// other (DESIGN: "A USER only receives events about their own coupons"): a shopper's Coupon.events
// lists only the events of their own holdings, and an event's actor, redemption and coupon only
// when they are theirs (eventForCaller). A redeemed coupon never changes hands (unassignCoupon
// refuses one that was ever redeemed, a reversed redemption included).

const t = useApiTest({ users: ['alice', 'bob'] });

async function handOver(): Promise<{ code: string }> {
  const { bookId } = await createCampaign(t.server, t.admin, 1);
  const { code } = await checkoutAs(t.server, t.alice, bookId, 'lock');
  const unassigned = await call(
    t.server,
    'mutation ($c: String!) { unassignCoupon(code: $c, reason: "back to the book") { state } }',
    { c: code },
    t.admin.token,
  );
  if (!unassigned.ok) throw new Error(`unassign: ${unassigned.code}`);
  return { code };
}

const HISTORY = `events(first: 50) { edges { node { type actor { email } redemption { userId metadata user { id email } } } } }`;

describe('a coupon that changed hands', () => {
  it("the new holder's claim payload shows nothing of the previous holder (account, holding)", async () => {
    const { code } = await handOver();
    const claimed = await call<{ events: { edges: Array<{ node: { type: string; redemption: unknown } }> } }>(
      t.server,
      `mutation ($c: String!) { assignCoupon(code: $c) { code assignedUserId ${HISTORY} } }`,
      { c: code },
      t.bob.token,
    );
    expect(claimed.ok, JSON.stringify(claimed)).toBe(true);
    if (!claimed.ok) return;
    const leaked = JSON.stringify(claimed.data);
    expect(leaked, 'bob sees alice').not.toContain(t.alice.email);
    expect(leaked, "bob sees alice's id").not.toContain(t.alice.user.id);
    expect(claimed.data.events.edges.map((e) => e.node.type), "bob's own holding only").toEqual(['ASSIGNED']);
  });

  it("the new holder's history counts only their own holding (totalCount, paging); the admin still sees every event", async () => {
    const { code } = await handOver();
    const claimed = await call(t.server, OPS.assignCode, { code }, t.bob.token);
    expect(claimed.ok).toBe(true);
    const history = `query ($c: String!) { coupon(code: $c) { events(first: 1) { totalCount pageInfo { hasNextPage } edges { node { type redemption { id } } } } } }`;
    const bobs = await call<{ events: unknown }>(t.server, history, { c: code }, t.bob.token);
    expect(bobs.ok && bobs.data.events).toEqual({ totalCount: 1, pageInfo: { hasNextPage: false }, edges: [{ node: { type: 'ASSIGNED', redemption: null } }] });
    const all = await call<{ events: { totalCount: number } }>(
      t.server,
      `query ($c: String!) { coupon(code: $c) { events(first: 50) { totalCount edges { node { type actor { email } } } } } }`,
      { c: code },
      t.admin.token,
    );
    // ASSIGNED and LOCKED (alice), UNASSIGNED (the admin), ASSIGNED (bob)
    expect(all.ok && all.data.events.totalCount).toBe(4);
    expect(JSON.stringify(all.ok && all.data), 'the admin sees the whole history').toContain(t.alice.email);
  });

  it("a shop key acting for the new holder (customerId) sees that customer's view, not the previous holder's", async () => {
    const { code } = await handOver();
    const created = await call<{ secret: string }>(
      t.server,
      'mutation { createApiKey(input: { name: "shop", scopes: [COUPONS_WRITE] }) { secret } }',
      {},
      t.admin.token,
    );
    if (!created.ok) throw new Error(`createApiKey: ${created.code}`);
    const claimed = await call<{ user: { id: string } | null; events: { totalCount: number } }>(
      t.server,
      `mutation ($c: String!) { assignCoupon(code: $c, customerId: "shop-customer-1") { code user { id } events(first: 50) { totalCount edges { node { type actor { email } redemption { userId metadata user { id email } coupon { code } } } } } } }`,
      { c: code },
      created.data.secret,
    );
    expect(claimed.ok, JSON.stringify(claimed)).toBe(true);
    if (!claimed.ok) return;
    expect(claimed.data.user, "the customer's own account").not.toBeNull();
    expect(claimed.data.events.totalCount, 'only the customer’s holding').toBe(1);
    const leaked = JSON.stringify(claimed.data);
    expect(leaked, 'the key sees alice').not.toContain(t.alice.email);
    expect(leaked, "the key sees alice's id").not.toContain(t.alice.user.id);
  });
});
