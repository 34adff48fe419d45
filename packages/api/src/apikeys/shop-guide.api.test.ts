import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign, graphqlRequest, type SignedUpUser, startApiTest, type TestServer } from '../../testing/index.ts';

// docs/api-guide.md "Integrate a shop backend", run as written: the named operations of that
// section are read from the guide itself and sent over HTTP with an API key, in the order a shop
// backend sends them. If the guide and the server drift apart, this fails.

const guide = fs.readFileSync(path.resolve(import.meta.dirname, '../../../../docs/api-guide.md'), 'utf8');
const section = guide.slice(guide.indexOf('## Integrate a shop backend'), guide.indexOf('\n## ', guide.indexOf('## Integrate a shop backend') + 1));

/** The guide's operation `name`, exactly as printed in the section. */
function operation(name: string): string {
  for (const [, block] of section.matchAll(/```graphql\n([\s\S]*?)```/g)) {
    const start = block.search(new RegExp(`^(query|mutation|subscription) ${name}\\b`, 'm'));
    if (start < 0) continue;
    const rest = block.slice(start);
    const next = rest.slice(1).search(/^(query|mutation|subscription) /m);
    return next < 0 ? rest : rest.slice(0, next + 1);
  }
  throw new Error(`the guide's shop section has no operation ${name}`);
}

let server: TestServer;
let admin: SignedUpUser;
beforeAll(async () => ({ server, admin } = await startApiTest()));
afterAll(() => server?.close());

async function send(name: string, variables: Record<string, unknown>, token: string) {
  const res = await graphqlRequest(server, operation(name), variables, token);
  return res;
}

describe('the shop backend flow of the api guide', () => {
  it('creates a key, then claims, validates, locks, redeems with the order and refunds by order id as a customer', async () => {
    const created = await send('ShopCreateKey', {}, admin.token);
    expect(created.errors).toBeUndefined();
    const key: string = created.data?.createApiKey.secret;
    expect(key).toMatch(/^cbk_/);

    const campaign = await createCampaign(server, admin, 3);
    const customerId = 'customer-4711';
    const claimed = await send('ShopClaim', { bookId: campaign.bookId, customerId, key: 'claim-1' }, key);
    expect(claimed.errors).toBeUndefined();
    const code: string = claimed.data?.assignRandomCoupon.code;
    expect(claimed.data?.assignRandomCoupon.state).toBe('ASSIGNED');

    const mine = await send('ShopCustomerCoupons', { customerId }, key);
    expect(mine.data?.customerCoupons.totalCount).toBe(1);
    expect(mine.data?.customerCoupons.edges[0].node.code).toBe(code);

    const order = { id: 'order-10042', amount: '59.90', currency: 'USD' };
    const checked = await send('ShopValidate', { code, customerId, order }, key);
    expect(checked.errors).toBeUndefined();
    // The factory's campaign is 10% off: 5.99 of 59.90, in the order's currency.
    expect(checked.data?.validateCoupon).toMatchObject({
      valid: true,
      reason: null,
      discount: { type: 'PERCENTAGE', amount: '5.99', currency: 'USD' },
      coupon: { code, state: 'ASSIGNED' },
    });

    expect((await send('ShopLock', { code, customerId }, key)).data?.lockCoupon.state).toBe('LOCKED');
    const redeemed = await send('ShopRedeem', { code, customerId, order }, key);
    expect(redeemed.errors).toBeUndefined();
    expect(redeemed.data?.redeemCoupon).toMatchObject({ orderId: 'order-10042', orderAmount: '59.90', discountAmount: '5.99', currency: 'USD' });
    // The same order again is the same redemption.
    const again = await send('ShopRedeem', { code, customerId, order }, key);
    expect(again.data?.redeemCoupon.id).toBe(redeemed.data?.redeemCoupon.id);

    const refunded = await send('ShopRefund', { orderId: order.id, code }, key);
    expect(refunded.errors).toBeUndefined();
    expect(refunded.data?.reverseRedemption).toMatchObject({ orderId: order.id, reversalReason: 'order refunded', reversedAt: expect.any(String) });
    const history = await send('ShopOrderRedemptions', { orderId: order.id }, key);
    expect(history.data?.redemptions.totalCount).toBe(1);
    expect(history.data?.redemptions.edges[0].node.reversedAt).toEqual(expect.any(String));

    const keys = await send('ShopApiKeys', {}, admin.token);
    const listed = keys.data?.apiKeys.find((k: { prefix: string }) => key.startsWith(k.prefix));
    expect(listed).toMatchObject({ scopes: ['COUPONS_WRITE'], revokedAt: null });
    expect((await send('ShopRevokeKey', { id: listed.id }, admin.token)).data?.revokeApiKey.revokedAt).toEqual(expect.any(String));
    const refused = await send('ShopClaim', { bookId: campaign.bookId, customerId }, key);
    expect(refused.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
