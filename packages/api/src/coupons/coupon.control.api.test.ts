import { describe, expect, it } from 'vitest';
import { expectInvariants } from '../../test/reliability/book.snapshot.ts';
import {
  call,
  createCampaign,
  errorCode,
  graphqlRequest,
  OPS,
  record,
  useApiTest,
  waitFor,
} from '../../testing/index.ts';

// An admin's controls on one coupon, over HTTP: void a leaked code, take a coupon back into its
// book, override a code's expiry and use limit. Each is a transition: the owner is refused at
// once, live subscribers see the event with its reason, the audit log records it.

const VOID = 'mutation ($c: String!, $r: String!) { voidCoupon(code: $c, reason: $r) { code state lockExpiresAt } }';
const UNASSIGN = 'mutation ($c: String!, $r: String!) { unassignCoupon(code: $c, reason: $r) { code state assignedUserId } }';
const UPDATE = 'mutation ($c: String!, $i: UpdateCouponInput!) { updateCoupon(code: $c, input: $i) { code state } }';

const t = useApiTest();

const adminCall = (query: string, variables: Record<string, unknown>) => call(t.server, query, variables, t.admin.token);

describe('voidCoupon', () => {
  it('ends a running lock, refuses the owner from then on, and live subscribers see it with the reason', async () => {
    const book = await createCampaign(t.server, t.admin, 2);
    const code = book.codes[0];
    await call(t.server, OPS.assignCode, { code }, t.user.token);
    await call(t.server, OPS.lock, { code }, t.user.token);

    const c = t.clients.connect(t.server, t.admin.token);
    const events = record<{ couponEvents: { type: string; reason: string | null; toState: string } }>(
      c.client,
      'subscription ($b: ID) { couponEvents(bookId: $b) { type reason toState } }',
      { b: book.bookId },
    );
    await new Promise<void>((resolve) => c.client.on('connected', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the subscription is registered

    const voided = await adminCall(VOID, { c: code, r: 'leaked on a forum' });
    expect(voided).toMatchObject({ ok: true, data: { code, state: 'VOID', lockExpiresAt: null } });
    const redeem = await graphqlRequest(t.server, OPS.redeem, { code }, t.user.token);
    expect(redeem.errors?.[0].extensions).toMatchObject({ code: 'INVALID_STATE', state: 'VOID' });
    await waitFor(() => events.values.length > 0, 'the VOIDED event');
    expect(events.values[0].data?.couponEvents).toEqual({ type: 'VOIDED', reason: 'leaked on a forum', toState: 'VOID' });
    expect((await adminCall(VOID, { c: code, r: 'again' })).ok ? 'ok' : 'refused').toBe('refused');
    events.stop();
  });

  it('a voided free code does not exist for shoppers and is never picked at random', async () => {
    const book = await createCampaign(t.server, t.admin, 1);
    expect((await adminCall(VOID, { c: book.codes[0], r: 'printed wrong' })).ok).toBe(true);
    expect(errorCode(await graphqlRequest(t.server, OPS.assignCode, { code: book.codes[0] }, t.user.token))).toBe('NOT_FOUND');
    expect(errorCode(await graphqlRequest(t.server, OPS.assignRandom, { bookId: book.bookId }, t.user.token))).toBe('SOLD_OUT');
    await expectInvariants(t.server.db);
  });

  it('racing the owner’s redeem, ends either voided after the redemption or with the redemption refused', async () => {
    for (let round = 0; round < 10; round++) {
      const book = await createCampaign(t.server, t.admin, 1);
      const code = book.codes[0];
      await call(t.server, OPS.assignCode, { code }, t.user.token);
      await call(t.server, OPS.lock, { code }, t.user.token);
      const [redeemed, voided] = await Promise.all([call(t.server, OPS.redeem, { code }, t.user.token), adminCall(VOID, { c: code, r: 'race' })]);
      expect(voided.ok).toBe(true);
      if (!redeemed.ok) expect(redeemed.code).toBe('INVALID_STATE');
      const { rows } = await t.server.db.pool.query('SELECT state::text, redemption_count FROM coupon WHERE code = $1', [code]);
      expect(rows[0]).toEqual({ state: 'VOID', redemption_count: redeemed.ok ? 1 : 0 });
    }
    await expectInvariants(t.server.db);
  });
});

describe('unassignCoupon', () => {
  it('puts a held coupon back in the book and gives the owner their assignment back', async () => {
    const book = await createCampaign(t.server, t.admin, 2, { maxAssignmentsPerUser: 1 });
    const first = await call(t.server, OPS.assignRandom, { bookId: book.bookId }, t.user.token);
    const code = first.ok ? first.data.code : '';
    expect(errorCode(await graphqlRequest(t.server, OPS.assignRandom, { bookId: book.bookId }, t.user.token))).toBe('LIMIT_REACHED');

    expect(await adminCall(UNASSIGN, { c: code, r: 'wrong customer' })).toMatchObject({ ok: true, data: { state: 'UNASSIGNED', assignedUserId: null } });
    expect((await call(t.server, OPS.assignRandom, { bookId: book.bookId }, t.user.token)).ok).toBe(true);
    await expectInvariants(t.server.db);
  });

  it('refuses a redeemed coupon and a free one', async () => {
    const book = await createCampaign(t.server, t.admin, 2);
    const [used, free] = book.codes;
    await call(t.server, OPS.assignCode, { code: used }, t.user.token);
    await call(t.server, OPS.lock, { code: used }, t.user.token);
    await call(t.server, OPS.redeem, { code: used }, t.user.token);
    expect(await adminCall(UNASSIGN, { c: used, r: 'x' })).toMatchObject({ ok: false, code: 'INVALID_STATE' });
    expect(await adminCall(UNASSIGN, { c: free, r: 'x' })).toMatchObject({ ok: false, code: 'INVALID_STATE' });
    expect(await adminCall(UNASSIGN, { c: 'NO-SUCH-CODE', r: 'x' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await adminCall(UNASSIGN, { c: free, r: '' })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
  });
});

describe('updateCoupon', () => {
  it('an expiry in the past stops the code (CODE_EXPIRED) and random claims skip it', async () => {
    const book = await createCampaign(t.server, t.admin, 2);
    const [held, free] = book.codes;
    await call(t.server, OPS.assignCode, { code: held }, t.user.token);
    const past = new Date(Date.now() - 60_000).toISOString();
    for (const code of [held, free]) expect((await adminCall(UPDATE, { c: code, i: { expiresAt: past } })).ok).toBe(true);
    const lock = await graphqlRequest(t.server, OPS.lock, { code: held }, t.user.token);
    expect(lock.errors?.[0].extensions).toMatchObject({ code: 'BOOK_NOT_ACTIVE', reason: 'CODE_EXPIRED' });
    expect(errorCode(await graphqlRequest(t.server, OPS.assignRandom, { bookId: book.bookId }, t.user.token))).toBe('SOLD_OUT');
    // Cleared, it works again.
    expect((await adminCall(UPDATE, { c: held, i: { expiresAt: null } })).ok).toBe(true);
    expect((await call(t.server, OPS.lock, { code: held }, t.user.token)).ok).toBe(true);
  });

  it('refuses a use limit below the uses so far, and bad input', async () => {
    const book = await createCampaign(t.server, t.admin, 1, { allowMultipleRedemptions: true });
    const code = book.codes[0];
    await call(t.server, OPS.assignCode, { code }, t.user.token);
    for (let i = 0; i < 2; i++) {
      await call(t.server, OPS.lock, { code }, t.user.token);
      await call(t.server, OPS.redeem, { code }, t.user.token);
    }
    expect(await adminCall(UPDATE, { c: code, i: { maxRedemptions: 1 } })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    expect((await adminCall(UPDATE, { c: code, i: { maxRedemptions: 2, metadata: { note: 'vip' } } })).ok).toBe(true);
    const READ = 'query ($c: String!) { coupon(code: $c) { maxRedemptions expiresAt metadata } }';
    expect((await graphqlRequest(t.server, READ, { c: code }, t.admin.token)).data?.coupon).toEqual({ maxRedemptions: 2, expiresAt: null, metadata: { note: 'vip' } });
    // The owner sees the limit, not the admin's notes.
    expect((await graphqlRequest(t.server, READ, { c: code }, t.user.token)).data?.coupon).toEqual({ maxRedemptions: 2, expiresAt: null, metadata: null });
    expect(await adminCall(UPDATE, { c: code, i: { maxRedemptions: 0 } })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    expect(await adminCall(UPDATE, { c: code, i: { metadata: [1] } })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
  });

  it('a multi-use book stays multi-use once a coupon was redeemed twice (single-use would hold a coupon used twice)', async () => {
    const book = await createCampaign(t.server, t.admin, 2, { allowMultipleRedemptions: true });
    const BOOK_UPDATE = 'mutation ($id: ID!, $i: UpdateBookInput!) { updateBook(id: $id, input: $i) { allowMultipleRedemptions } }';
    const [code] = book.codes;
    await call(t.server, OPS.assignCode, { code }, t.user.token);
    for (let i = 0; i < 2; i++) {
      await call(t.server, OPS.lock, { code }, t.user.token);
      expect((await call(t.server, OPS.redeem, { code }, t.user.token)).ok).toBe(true);
    }
    const refused = await adminCall(BOOK_UPDATE, { id: book.bookId, i: { allowMultipleRedemptions: false } });
    expect(refused).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    expect(refused.ok ? null : refused.message).toMatch(/^allowMultipleRedemptions: cannot be turned off/);
    expect(await adminCall(BOOK_UPDATE, { id: book.bookId, i: { allowMultipleRedemptions: true } })).toMatchObject({ ok: true });
    // A book whose coupons were each used at most once may become single-use.
    const other = await createCampaign(t.server, t.admin, 1, { allowMultipleRedemptions: true });
    await call(t.server, OPS.assignCode, { code: other.codes[0] }, t.user.token);
    await call(t.server, OPS.lock, { code: other.codes[0] }, t.user.token);
    await call(t.server, OPS.redeem, { code: other.codes[0] }, t.user.token);
    expect(await adminCall(BOOK_UPDATE, { id: other.bookId, i: { allowMultipleRedemptions: false } })).toMatchObject({
      ok: true,
      data: { allowMultipleRedemptions: false },
    });
    await expectInvariants(t.server.db);
  });

  it('a use limit on one code of a multi-use book ends it after that many redemptions', async () => {
    const book = await createCampaign(t.server, t.admin, 1, { allowMultipleRedemptions: true });
    const code = book.codes[0];
    await call(t.server, OPS.assignCode, { code }, t.user.token);
    expect((await adminCall(UPDATE, { c: code, i: { maxRedemptions: 2 } })).ok).toBe(true);
    for (let i = 0; i < 2; i++) {
      await call(t.server, OPS.lock, { code }, t.user.token);
      expect((await call(t.server, OPS.redeem, { code }, t.user.token)).ok).toBe(true);
    }
    const { rows } = await t.server.db.pool.query('SELECT state::text FROM coupon WHERE code = $1', [code]);
    expect(rows[0].state).toBe('REDEEMED');
    expect(await call(t.server, OPS.lock, { code }, t.user.token)).toMatchObject({ ok: false, code: 'INVALID_STATE' });
    await expectInvariants(t.server.db);
  });

  it('is for admins only, and every control is in the audit log', async () => {
    const book = await createCampaign(t.server, t.admin, 1);
    const code = book.codes[0];
    expect(errorCode(await graphqlRequest(t.server, VOID, { c: code, r: 'x' }, t.user.token))).toBe('FORBIDDEN');
    await adminCall(UPDATE, { c: code, i: { metadata: { a: 1 } } });
    await adminCall(VOID, { c: code, r: 'audit me' });
    const res = await graphqlRequest(
      t.server,
      'query ($id: String!) { auditLog(filter: { targetType: COUPON, targetId: $id }) { edges { node { action changes actorId actor { email } } } } }',
      { id: code },
      t.admin.token,
    );
    const nodes = res.data?.auditLog.edges.map((e: { node: unknown }) => e.node);
    expect(nodes).toEqual([
      { action: 'COUPON_VOIDED', changes: { reason: 'audit me', from: 'UNASSIGNED' }, actorId: t.admin.user.id, actor: { email: t.admin.email } },
      { action: 'COUPON_UPDATED', changes: { metadata: { a: 1 } }, actorId: t.admin.user.id, actor: { email: t.admin.email } },
    ]);
  });
});

describe('Coupon.events (history)', () => {
  const HISTORY = `query ($c: String!, $after: String) { coupon(code: $c) { events(first: 2, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { type fromState toState reason at actor { id } } } } } }`;

  it('lists every transition newest first with actor, reason and time; a shopper does not learn who the admin was', async () => {
    const book = await createCampaign(t.server, t.admin, 1);
    const code = book.codes[0];
    await call(t.server, OPS.assignCode, { code }, t.user.token);
    await call(t.server, OPS.lock, { code }, t.user.token);
    await adminCall(VOID, { c: code, r: 'leaked' });

    const page1 = await graphqlRequest(t.server, HISTORY, { c: code }, t.admin.token);
    expect(page1.errors).toBeUndefined();
    const events = page1.data?.coupon.events;
    expect(events.totalCount).toBe(3);
    expect(events.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { type: 'VOIDED', fromState: 'LOCKED', toState: 'VOID', reason: 'leaked', at: expect.any(String), actor: { id: t.admin.user.id } },
      { type: 'LOCKED', fromState: 'ASSIGNED', toState: 'LOCKED', reason: null, at: expect.any(String), actor: { id: t.user.user.id } },
    ]);
    const page2 = await graphqlRequest(t.server, HISTORY, { c: code, after: events.pageInfo.endCursor }, t.admin.token);
    expect(page2.data?.coupon.events.edges.map((e: { node: { type: string } }) => e.node.type)).toEqual(['ASSIGNED']);
    expect(page2.data?.coupon.events.pageInfo.hasNextPage).toBe(false);

    const mine = await graphqlRequest(t.server, HISTORY, { c: code }, t.user.token);
    expect(mine.data?.coupon.events.edges[0].node).toMatchObject({ type: 'VOIDED', reason: 'leaked', actor: null });
    expect(mine.data?.coupon.events.edges[1].node.actor).toEqual({ id: t.user.user.id });
  });
});
