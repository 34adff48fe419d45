import { describe, expect, it } from 'vitest';
import { call, checkoutAs, createCampaign, createPool, OPS, record, refusalCode, settled, subscribedOn, useApiTest, waitFor } from '../../testing/index.ts';

// A live dashboard: bookStats next to couponEvents, checked against what the queries answer once
// a burst of racing transitions has settled. The last counters a subscriber holds must be the
// book's (no final change lost to the throttle), of its own book only, and the subscription ends
// cleanly when its book is deleted.

const t = useApiTest({ users: ['alice', 'bob', 'carol', 'dave'], accounts: 'inserted' });

const STATS = `subscription ($b: ID!) { bookStats(bookId: $b) {
  bookId total unassigned assigned locked redeemed activeLocks redemptionsLeft discountLeft } }`;
const BOOK = `query ($id: ID!) { book(id: $id) { counts { total unassigned assigned locked redeemed } redemptionsLeft discountLeft } }`;

type Stats = Record<string, unknown>;
const statsOf = (sub: { values: Array<{ data?: { bookStats?: Stats } | null }> }) =>
  sub.values.map((v) => v.data?.bookStats).filter((v): v is Stats => Boolean(v));

async function bookNow(bookId: string): Promise<Stats> {
  const res = await call<{ counts: Stats; redemptionsLeft: unknown; discountLeft: unknown }>(t.server, BOOK, { id: bookId }, t.admin.token);
  if (!res.ok) throw new Error(`book: ${res.code}`);
  const { counts, redemptionsLeft, discountLeft } = res.data;
  return { bookId, ...counts, activeLocks: counts.locked, redemptionsLeft, discountLeft };
}

async function key(scope: string): Promise<string> {
  const created = await call<{ secret: string }>(
    t.server,
    'mutation ($s: [ApiKeyScope!]!) { createApiKey(input: { name: "dashboard", scopes: $s }) { secret } }',
    { s: [scope] },
    t.admin.token,
  );
  if (!created.ok) throw new Error(`createApiKey: ${created.code}`);
  return created.data.secret;
}

describe('bookStats after a burst of racing transitions', () => {
  it("the last value received equals the book's counts once everything settles; another book's subscriber hears nothing of it", async () => {
    const budget = { discountType: 'FIXED_AMOUNT' as const, discountValue: 5, currency: 'EUR', maxTotalDiscountAmount: '1000' };
    const { bookId, codes } = await createCampaign(t.server, t.admin, 40, budget);
    const other = await createCampaign(t.server, t.admin, 5, budget);
    const [alice, bob, carol, dave] = t.users;
    // Before the burst: a redemption to reverse, a claim to take back, a lock to release.
    const toReverse = await checkoutAs(t.server, alice, bookId, 'redeem');
    const toUnassign = await checkoutAs(t.server, bob, bookId, 'claim');
    const toUnlock = await checkoutAs(t.server, carol, bookId, 'lock');
    const poolId = await createPool(t.server, t.admin, [alice, bob, carol, dave]);

    const sub = record<{ bookStats: Stats }>(t.socket(t.admin), STATS, { b: bookId });
    const otherSub = record<{ bookStats: Stats }>(t.socket(t.admin), STATS, { b: other.bookId });
    await waitFor(() => statsOf(sub).length >= 1 && statsOf(otherSub).length >= 1, 'the first values');
    const otherBefore = await bookNow(other.bookId);

    const ok = (what: string) => (res: { ok: boolean }) => {
      if (!res.ok) throw new Error(`${what}: ${JSON.stringify(res)}`);
    };
    await Promise.all([
      ...[alice, bob, carol, dave].map((s) => checkoutAs(t.server, s, bookId, 'redeem')),
      ...[alice, bob].map((s) => checkoutAs(t.server, s, bookId, 'lock')),
      call(t.server, OPS.reverse, { id: toReverse.redemptionId, reason: 'refund' }, t.admin.token).then(ok('reverse')),
      call(t.server, 'mutation ($c: String!) { unassignCoupon(code: $c, reason: "back") { state } }', { c: toUnassign.code }, t.admin.token).then(
        ok('unassign'),
      ),
      call(t.server, OPS.unlock, { code: toUnlock.code }, carol.token).then(ok('unlock')),
      call(t.server, OPS.distribute, { poolId, bookId, mode: 'EQUAL', count: 8 }, t.admin.token).then(ok('distribute')),
      call(t.server, OPS.assignCode, { code: codes.at(-1), userId: dave.id }, t.admin.token),
    ]);
    await settled(t.server.server);
    const expected = await bookNow(bookId);
    // A trailing recount follows the last change within the throttle interval (250 ms) plus a read.
    await waitFor(() => JSON.stringify(statsOf(sub).at(-1)) === JSON.stringify(expected), 'the final counters', 3_000).catch(() => undefined);
    expect(statsOf(sub).at(-1)).toEqual(expected);
    // Nothing of the burst reached the other book's subscriber, and all it heard is its own book.
    expect(statsOf(otherSub).every((s) => s.bookId === other.bookId)).toBe(true);
    expect(statsOf(otherSub).at(-1)).toEqual(otherBefore);
    expect(statsOf(sub).every((s) => s.bookId === bookId)).toBe(true);
    sub.stop();
    otherSub.stop();
  });
});

describe('bookStats of a book that is deleted', () => {
  it('completes cleanly (no error, no counters of a deleted book) instead of staying open forever', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 3);
    const sub = record<{ bookStats: Stats }>(t.socket(t.admin), STATS, { b: bookId });
    await waitFor(() => statsOf(sub).length >= 1, 'the first value');
    const deleted = await call(t.server, 'mutation ($id: ID!) { deleteBook(id: $id) }', { id: bookId }, t.admin.token);
    expect(deleted.ok, JSON.stringify(deleted)).toBe(true);
    // Deleting writes no coupon event: the periodic recount (every 5 s) is what notices.
    await Promise.race([sub.finished, new Promise((resolve) => setTimeout(resolve, 8_000))]);
    expect({ completed: sub.completed, errors: sub.errors, errorsInValues: sub.values.flatMap((v) => v.errors ?? []) }).toEqual({
      completed: true,
      errors: [],
      errorsInValues: [],
    });
    expect(statsOf(sub)).toHaveLength(1);
  }, 15_000);
});

describe('bookStats through an API key', () => {
  for (const scope of ['COUPONS_READ', 'COUPONS_WRITE']) {
    it(`a ${scope} key: FORBIDDEN, no numbers`, async () => {
      const { bookId } = await createCampaign(t.server, t.admin, 2);
      const sub = record<{ bookStats: Stats }>(t.clients.connect(t.server, await key(scope)).client, STATS, { b: bookId });
      await sub.finished;
      expect(statsOf(sub)).toEqual([]);
      expect(refusalCode(sub)).toBe('FORBIDDEN');
    });
  }

  it('an ADMIN key: the counters', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 2);
    const sub = record<{ bookStats: Stats }>(t.clients.connect(t.server, await key('ADMIN')).client, STATS, { b: bookId });
    await waitFor(() => statsOf(sub).length >= 1, 'the first value');
    expect(statsOf(sub)[0]).toMatchObject({ bookId, total: 2, unassigned: 2 });
    sub.stop();
  });
});

describe('couponEvents payloads for a burst of transitions on one coupon', () => {
  it('each coupon is never older than its event, updatedAt never goes back, and the last one is the current coupon', async () => {
    const { bookId, codes } = await createCampaign(t.server, t.admin, 1);
    const [code] = codes;
    const alice = t.users[0];
    const before = t.server.server.live?.couponEvents.size ?? 0;
    const sub = record<{ couponEvents: { type: string; toState: string; coupon: { state: string; updatedAt: string } | null } }>(
      t.socket(t.admin),
      'subscription ($b: ID) { couponEvents(bookId: $b) { type toState coupon { code state updatedAt assignedUserId lockExpiresAt } } }',
      { b: bookId },
    );
    await subscribedOn(t.server.server, before + 1);
    const steps: Array<[string, Record<string, unknown>, string]> = [
      [OPS.assignCode, { code }, alice.token],
      [OPS.lock, { code }, alice.token],
      [OPS.unlock, { code }, alice.token],
      [OPS.lock, { code }, alice.token],
      [OPS.redeem, { code }, alice.token],
    ];
    let redemptionId = '';
    for (const [op, vars, token] of steps) {
      const res = await call<{ id: string }>(t.server, op, vars, token);
      expect(res.ok, JSON.stringify(res)).toBe(true);
      if (res.ok && op === OPS.redeem) redemptionId = res.data.id;
    }
    const reversed = await call(t.server, OPS.reverse, { id: redemptionId, reason: 'refund' }, t.admin.token);
    expect(reversed.ok, JSON.stringify(reversed)).toBe(true);
    const relocked = await call(t.server, OPS.lock, { code }, alice.token);
    expect(relocked.ok, JSON.stringify(relocked)).toBe(true);
    await settled(t.server.server);
    await waitFor(() => sub.values.length >= 7, 'seven events');
    sub.stop();
    const events = sub.values.map((v) => v.data?.couponEvents);
    expect(events.map((e) => e?.type)).toEqual(['ASSIGNED', 'LOCKED', 'UNLOCKED', 'LOCKED', 'REDEEMED', 'REVERSED', 'LOCKED']);
    const updated = events.map((e) => Date.parse(e?.coupon?.updatedAt ?? ''));
    expect(updated).toEqual([...updated].sort((a, b) => a - b));
    const current = await call<Record<string, unknown>>(t.server, 'query ($c: String!) { coupon(code: $c) { state updatedAt } }', { c: code }, t.admin.token);
    expect(current.ok).toBe(true);
    if (current.ok) expect(events.at(-1)?.coupon).toMatchObject({ state: current.data.state, updatedAt: current.data.updatedAt });
  });
});
