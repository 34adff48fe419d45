import { describe, expect, it } from 'vitest';
import { expectInvariants } from '../../test/reliability/book.snapshot.ts';
import { type ApiUser, call, createCampaign, createUsers, graphqlRequest, lockedByShoppers, OPS, record, useApiTest, waitFor } from '../../testing/index.ts';

// What is left of a book's budget, as an admin sees it in the book (a query) and live in the
// bookStats subscription over a real WebSocket: redemptions take from it, a reversal gives back,
// a spent budget shows 0, and a book without a budget shows null.

const t = useApiTest({ users: [], accounts: 'inserted' });

const BOOK = 'query ($id: ID!) { book(id: $id) { redemptionsLeft discountLeft redeemedTotal discountTotal } }';
const STATS = 'subscription ($b: ID!) { bookStats(bookId: $b) { bookId redeemed redemptionsLeft discountLeft } }';
const UPDATE = 'mutation ($id: ID!, $i: UpdateBookInput!) { updateBook(id: $id, input: $i) { id } }';
const REDEEM_ORDER = 'mutation ($code: String!, $o: OrderInput!) { redeemCoupon(code: $code, order: $o) { id discountAmount } }';

type Left = { redemptionsLeft: number | null; discountLeft: string | null };

/** The book's budget left by query, and a live view of it that each check waits on. */
function watch(bookId: string) {
  const sub = record<{ bookStats: Left & { bookId: string; redeemed: number } }>(t.socket(t.admin), STATS, { b: bookId });
  const live = () => sub.values.at(-1)?.data?.bookStats;
  return {
    sub,
    /** Both the query and (once its recount has run) the subscription show `left`. */
    async shows(left: Left, what: string): Promise<void> {
      const queried = await graphqlRequest(t.server, BOOK, { id: bookId }, t.admin.token);
      expect(queried.data?.book, `query, ${what}`).toMatchObject(left);
      await waitFor(() => live()?.redemptionsLeft === left.redemptionsLeft && live()?.discountLeft === left.discountLeft, `bookStats ${what}: ${JSON.stringify(left)}`);
      expect(live()).toMatchObject({ bookId, ...left });
    },
  };
}

describe('budget left (Book and bookStats)', () => {
  it('maxTotalRedemptions: redemptions take from it, a reversal gives one back, spent shows 0', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 6);
    expect((await call(t.server, UPDATE, { id: bookId, i: { maxTotalRedemptions: 3 } }, t.admin.token)).ok).toBe(true);
    const view = watch(bookId);
    await view.shows({ redemptionsLeft: 3, discountLeft: null }, 'before any redemption');

    const held = await lockedByShoppers(t.server, bookId, await createUsers(t.server, 5));
    const redeem = ([shopper, code]: [ApiUser, string]) => call<{ id: string }>(t.server, OPS.redeem, { code }, shopper.token);
    const first = await redeem(held[0]);
    expect((await redeem(held[1])).ok).toBe(true);
    await view.shows({ redemptionsLeft: 1, discountLeft: null }, 'after two redemptions');

    expect((await call(t.server, OPS.reverse, { id: first.ok ? first.data.id : '', reason: 'refund' }, t.admin.token)).ok).toBe(true);
    await view.shows({ redemptionsLeft: 2, discountLeft: null }, 'after a reversal');

    expect((await redeem(held[2])).ok).toBe(true);
    expect((await redeem(held[3])).ok).toBe(true);
    await view.shows({ redemptionsLeft: 0, discountLeft: null }, 'spent');
    const refused = await redeem(held[4]);
    expect(refused.ok ? 'ok' : refused.code).toBe('LIMIT_REACHED');
    await view.shows({ redemptionsLeft: 0, discountLeft: null }, 'still spent after a refusal');
    view.sub.stop();
    await expectInvariants(t.server.db);
  });

  it('maxTotalDiscountAmount: what is left in the currency, 0.00 once spent', async () => {
    const created = await graphqlRequest(
      t.server,
      'mutation ($i: CreateBookInput!) { createBook(input: $i) { id redemptionsLeft discountLeft } }',
      { i: { name: 'Ten off', discountType: 'FIXED_AMOUNT', discountValue: 10, currency: 'EUR', maxTotalDiscountAmount: '25.00' } },
      t.admin.token,
    );
    expect(created.data?.createBook).toMatchObject({ redemptionsLeft: null, discountLeft: '25.00' });
    const bookId: string = created.data?.createBook.id;
    const codes = Array.from({ length: 6 }, (_, i) => `LEFT-${bookId.slice(0, 8)}-${i}`.toUpperCase());
    await graphqlRequest(t.server, 'mutation ($b: ID!, $c: [String!]) { uploadCodes(bookId: $b, codes: $c) { inserted } }', { b: bookId, c: codes }, t.admin.token);
    const view = watch(bookId);
    await view.shows({ redemptionsLeft: null, discountLeft: '25.00' }, 'before any redemption');

    const held = await lockedByShoppers(t.server, bookId, await createUsers(t.server, 6));
    const redeem = ([shopper, code]: [ApiUser, string], amount: string, i: number) =>
      call<{ id: string; discountAmount: string }>(t.server, REDEEM_ORDER, { code, o: { id: `left-${i}`, amount, currency: 'EUR' } }, shopper.token);
    // A 10.00 discount, then 4.50 (the fixed amount is capped at the order).
    const ten = await redeem(held[0], '80.00', 0);
    expect(ten.ok && ten.data.discountAmount).toBe('10.00');
    expect((await redeem(held[1], '4.50', 1)).ok).toBe(true);
    await view.shows({ redemptionsLeft: null, discountLeft: '10.50' }, 'after 14.50 granted');

    expect((await call(t.server, OPS.reverse, { id: ten.ok ? ten.data.id : '', reason: 'refund' }, t.admin.token)).ok).toBe(true);
    await view.shows({ redemptionsLeft: null, discountLeft: '20.50' }, 'after the 10.00 came back');

    expect((await redeem(held[2], '80.00', 2)).ok).toBe(true);
    expect((await redeem(held[3], '80.00', 3)).ok).toBe(true);
    await view.shows({ redemptionsLeft: null, discountLeft: '0.50' }, 'after two more 10.00');
    // 10.00 would pass the budget: refused. An order whose discount fits (0.50) spends the rest.
    const over = await redeem(held[4], '80.00', 4);
    expect(over.ok ? 'ok' : over.code).toBe('LIMIT_REACHED');
    expect((await redeem(held[5], '0.50', 5)).ok).toBe(true);
    await view.shows({ redemptionsLeft: null, discountLeft: '0.00' }, 'spent');
    view.sub.stop();
    await expectInvariants(t.server.db);
  });

  it('a book without a budget shows null for both, however much is redeemed', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 2);
    const view = watch(bookId);
    const [[shopper, code]] = await lockedByShoppers(t.server, bookId, await createUsers(t.server, 1));
    expect((await call(t.server, OPS.redeem, { code }, shopper.token)).ok).toBe(true);
    await waitFor(() => view.sub.values.at(-1)?.data?.bookStats.redeemed === 1, 'the redemption in the stats');
    await view.shows({ redemptionsLeft: null, discountLeft: null }, 'unbudgeted');
    view.sub.stop();
  });
});
