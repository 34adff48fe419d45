import { describe, expect, it } from 'vitest';
import { expectInvariants } from '../../test/reliability/book.snapshot.ts';
import { call, createCampaign, createUsers, graphqlRequest, lockedByShoppers, OPS, useApiTest } from '../../testing/index.ts';

// Budgets over HTTP: a book's maxTotalRedemptions and maxTotalDiscountAmount hold when many
// shoppers redeem at once, reversals give back, book fields show what is used, and a budget set
// on a book that already has redemptions counts them.

const t = useApiTest();
const BOOK = 'query ($id: ID!) { book(id: $id) { maxTotalRedemptions redeemedTotal maxTotalDiscountAmount discountTotal } }';
const UPDATE = 'mutation ($id: ID!, $i: UpdateBookInput!) { updateBook(id: $id, input: $i) { redeemedTotal maxTotalRedemptions } }';


describe('book budgets', () => {
  it('maxTotalRedemptions holds when 40 shoppers redeem at once; the rest hear LIMIT_REACHED (BOOK_BUDGET)', async () => {
    const book = await createCampaign(t.server, t.admin, 40);
    await graphqlRequest(t.server, UPDATE, { id: book.bookId, i: { maxTotalRedemptions: 7 } }, t.admin.token);
    const shoppers = await createUsers(t.server, 40);
    const held = await lockedByShoppers(t.server, book.bookId, shoppers);
    const outcomes = await Promise.all(held.map(([shopper, code]) => graphqlRequest(t.server, OPS.redeem, { code }, shopper.token)));
    const won = outcomes.filter((o) => !o.errors);
    expect(won).toHaveLength(7);
    for (const lost of outcomes.filter((o) => o.errors)) {
      expect(lost.errors?.[0].extensions).toMatchObject({ code: 'LIMIT_REACHED', limit: 'BOOK_BUDGET' });
    }
    expect((await graphqlRequest(t.server, BOOK, { id: book.bookId }, t.admin.token)).data?.book).toMatchObject({ maxTotalRedemptions: 7, redeemedTotal: 7 });
    await expectInvariants(t.server.db);
  });

  it('a redeem refused by the per-user limit counts nothing against the budget, one user redeeming two coupons at once', async () => {
    const book = await createCampaign(t.server, t.admin, 4, { maxAssignmentsPerUser: 2, maxRedemptionsPerUser: 1 });
    await graphqlRequest(t.server, UPDATE, { id: book.bookId, i: { maxTotalRedemptions: 3 } }, t.admin.token);
    const [shopper] = await createUsers(t.server, 1);
    const codes: string[] = [];
    for (let i = 0; i < 2; i++) {
      const claimed = await call<{ code: string }>(t.server, OPS.assignRandom, { bookId: book.bookId }, shopper.token);
      if (!claimed.ok) throw new Error(`assign failed: ${claimed.code}`);
      codes.push(claimed.data.code);
      expect((await call(t.server, OPS.lock, { code: claimed.data.code }, shopper.token)).ok).toBe(true);
    }
    const outcomes = await Promise.all(codes.map((code) => graphqlRequest(t.server, OPS.redeem, { code }, shopper.token)));
    expect(outcomes.filter((o) => !o.errors)).toHaveLength(1);
    // The budget has room (one of three used): the refusal names the limit that refused it.
    expect(outcomes.find((o) => o.errors)?.errors?.[0].extensions).toMatchObject({ code: 'LIMIT_REACHED', limit: 'PER_USER' });
    // The refused redeem left the budget as the winner made it: one redemption used of three.
    expect((await graphqlRequest(t.server, BOOK, { id: book.bookId }, t.admin.token)).data?.book).toMatchObject({ maxTotalRedemptions: 3, redeemedTotal: 1 });
    await expectInvariants(t.server.db);
  });

  it('a reversal gives the budget back; lowering below what is used is refused', async () => {
    const book = await createCampaign(t.server, t.admin, 3);
    await graphqlRequest(t.server, UPDATE, { id: book.bookId, i: { maxTotalRedemptions: 1 } }, t.admin.token);
    const [[shopper, code], [other, otherCode]] = await lockedByShoppers(t.server, book.bookId, await createUsers(t.server, 2));
    const first = await call(t.server, OPS.redeem, { code }, shopper.token);
    expect(first.ok).toBe(true);
    expect((await call(t.server, OPS.redeem, { code: otherCode }, other.token)).ok).toBe(false);
    expect((await call(t.server, OPS.reverse, { id: first.ok ? first.data.id : '', reason: 'refund' }, t.admin.token)).ok).toBe(true);
    expect((await call(t.server, OPS.redeem, { code: otherCode }, other.token)).ok).toBe(true);
    const lowered = await graphqlRequest(t.server, UPDATE, { id: book.bookId, i: { maxTotalRedemptions: null } }, t.admin.token);
    expect(lowered.errors).toBeUndefined();
    await expectInvariants(t.server.db);
  });

  it('validateCoupon answers as the redeem would once the budget is spent', async () => {
    const book = await createCampaign(t.server, t.admin, 2);
    await graphqlRequest(t.server, UPDATE, { id: book.bookId, i: { maxTotalRedemptions: 1 } }, t.admin.token);
    const [[first, firstCode], [second, secondCode]] = await lockedByShoppers(t.server, book.bookId, await createUsers(t.server, 2));
    const VALIDATE = 'query ($c: String!) { validateCoupon(code: $c) { valid reason } }';
    expect((await graphqlRequest(t.server, VALIDATE, { c: secondCode }, second.token)).data?.validateCoupon).toEqual({ valid: true, reason: null });
    expect((await call(t.server, OPS.redeem, { code: firstCode }, first.token)).ok).toBe(true);
    expect((await graphqlRequest(t.server, VALIDATE, { c: secondCode }, second.token)).data?.validateCoupon).toEqual({ valid: false, reason: 'LIMIT_REACHED' });
  });

  it('a budget set after redemptions counts them, and is refused below them', async () => {
    const book = await createCampaign(t.server, t.admin, 3);
    const held = await lockedByShoppers(t.server, book.bookId, await createUsers(t.server, 2));
    for (const [shopper, code] of held) expect((await call(t.server, OPS.redeem, { code }, shopper.token)).ok).toBe(true);
    const refused = await graphqlRequest(t.server, UPDATE, { id: book.bookId, i: { maxTotalRedemptions: 1 } }, t.admin.token);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'maxTotalRedemptions' });
    const set = await graphqlRequest(t.server, UPDATE, { id: book.bookId, i: { maxTotalRedemptions: 3 } }, t.admin.token);
    expect(set.data?.updateBook).toEqual({ redeemedTotal: 2, maxTotalRedemptions: 3 });
  });

  it('a book without a budget shows what its redemptions used, racing ones and reversals included, before and after a budget', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 12, { discountType: 'FIXED_AMOUNT', discountValue: 10, currency: 'EUR' });
    const held = await lockedByShoppers(t.server, bookId, await createUsers(t.server, 12));
    const redeem = (code: string, token: string, i: number) =>
      graphqlRequest(
        t.server,
        'mutation ($c: String!, $o: OrderInput) { redeemCoupon(code: $c, order: $o) { id } }',
        // Half pay for an order (its discount: 10.00 of 50.00), half redeem without one (the book's 10.00).
        { c: code, o: i % 2 === 0 ? { id: `order-${i}`, amount: '50.00', currency: 'EUR' } : null },
        token,
      );
    const racing = await Promise.all(held.slice(0, 8).map(([shopper, code], i) => redeem(code, shopper.token, i)));
    expect(racing.filter((o) => o.errors)).toEqual([]);
    const totals = async () => (await graphqlRequest(t.server, BOOK, { id: bookId }, t.admin.token)).data?.book;
    expect(await totals()).toEqual({ maxTotalRedemptions: null, redeemedTotal: 8, maxTotalDiscountAmount: null, discountTotal: '80.00' });
    const reversed = await call(t.server, OPS.reverse, { id: racing[0].data?.redeemCoupon.id, reason: 'refund' }, t.admin.token);
    expect(reversed.ok).toBe(true);
    expect(await totals()).toMatchObject({ redeemedTotal: 7, discountTotal: '70.00' });
    // A budget counts from what stands; removing it again leaves the totals moving.
    await graphqlRequest(t.server, UPDATE, { id: bookId, i: { maxTotalRedemptions: 9 } }, t.admin.token);
    expect(await totals()).toMatchObject({ maxTotalRedemptions: 9, redeemedTotal: 7, discountTotal: '70.00' });
    await graphqlRequest(t.server, UPDATE, { id: bookId, i: { maxTotalRedemptions: null } }, t.admin.token);
    for (const [i, [shopper, code]] of held.slice(8).entries()) expect((await redeem(code, shopper.token, i)).errors).toBeUndefined();
    expect(await totals()).toEqual({ maxTotalRedemptions: null, redeemedTotal: 11, maxTotalDiscountAmount: null, discountTotal: '110.00' });
    // The same totals in a list of books (one batched read for the page).
    const listed = await graphqlRequest(t.server, '{ books(first: 50) { edges { node { id redeemedTotal discountTotal } } } }', {}, t.admin.token);
    expect(listed.data?.books.edges.map((e: { node: { id: string } }) => e.node).find((n: { id: string }) => n.id === bookId)).toEqual({
      id: bookId,
      redeemedTotal: 11,
      discountTotal: '110.00',
    });
    await expectInvariants(t.server.db);
  });

  it('maxTotalDiscountAmount holds against racing orders, in the book currency', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 6, { discountType: 'FIXED_AMOUNT', discountValue: 10, currency: 'EUR', maxTotalDiscountAmount: '25.00' });
    const held = await lockedByShoppers(t.server, bookId, await createUsers(t.server, 6));
    const outcomes = await Promise.all(
      held.map(([shopper, code], i) =>
        graphqlRequest(
          t.server,
          'mutation ($c: String!, $o: OrderInput!) { redeemCoupon(code: $c, order: $o) { discountAmount } }',
          { c: code, o: { id: `order-${i}`, amount: '50.00', currency: 'EUR' } },
          shopper.token,
        ),
      ),
    );
    expect(outcomes.filter((o) => !o.errors)).toHaveLength(2); // 2 × 10.00 ≤ 25.00 < 3 × 10.00
    expect((await graphqlRequest(t.server, BOOK, { id: bookId }, t.admin.token)).data?.book).toMatchObject({ maxTotalDiscountAmount: '25.00', discountTotal: '20.00' });
    await expectInvariants(t.server.db);
  });
});
