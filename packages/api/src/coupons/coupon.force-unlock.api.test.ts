import { describe, expect, it } from 'vitest';
import { expectInvariants } from '../../test/reliability/book.snapshot.ts';
import { call, createCampaign, errorCode, graphqlRequest, OPS, record, useApiTest, waitFor } from '../../testing/index.ts';

// forceUnlockCoupon, over HTTP: an admin releases a running lock, whoever holds it (a checkout
// that hangs). The owner keeps the coupon and may lock it again; live subscribers see UNLOCKED
// with the admin's reason; the audit log records it; racing the owner it answers as some serial
// order would.

const FORCE_UNLOCK = 'mutation ($c: String!, $r: String) { forceUnlockCoupon(code: $c, reason: $r) { code state lockExpiresAt assignedUserId } }';

const t = useApiTest();

const adminCall = (query: string, variables: Record<string, unknown>) => call(t.server, query, variables, t.admin.token);

async function lockedCoupon(options: { allowMultipleRedemptions?: boolean } = {}): Promise<{ bookId: string; code: string }> {
  const book = await createCampaign(t.server, t.admin, 1, options);
  const code = book.codes[0];
  expect((await call(t.server, OPS.assignCode, { code }, t.user.token)).ok).toBe(true);
  expect((await call(t.server, OPS.lock, { code }, t.user.token)).ok).toBe(true);
  return { bookId: book.bookId, code };
}

describe('forceUnlockCoupon', () => {
  it("releases the owner's lock: the owner keeps the coupon, live subscribers see UNLOCKED with the reason, the audit log records it", async () => {
    const { bookId, code } = await lockedCoupon();
    const c = t.clients.connect(t.server, t.admin.token);
    const events = record<{ couponEvents: { type: string; reason: string | null; fromState: string; toState: string } }>(
      c.client,
      'subscription ($b: ID) { couponEvents(bookId: $b) { type reason fromState toState } }',
      { b: bookId },
    );
    await new Promise<void>((resolve) => c.client.on('connected', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the subscription is registered

    const unlocked = await adminCall(FORCE_UNLOCK, { c: code, r: 'checkout hung' });
    expect(unlocked).toMatchObject({ ok: true, data: { code, state: 'ASSIGNED', lockExpiresAt: null, assignedUserId: t.user.user.id } });
    // The owner's LOCKED event, committed just before the subscription began, may still reach it
    // (the process's outbox read can come after the subscription is registered): look for the UNLOCKED one.
    const unlockedEvents = () => events.values.map((v) => v.data?.couponEvents).filter((e) => e?.type === 'UNLOCKED');
    await waitFor(() => unlockedEvents().length > 0, 'the UNLOCKED event');
    expect(unlockedEvents()).toEqual([{ type: 'UNLOCKED', reason: 'checkout hung', fromState: 'LOCKED', toState: 'ASSIGNED' }]);
    events.stop();

    // The lock is gone: the owner cannot redeem on it, but may lock again and redeem.
    expect(errorCode(await graphqlRequest(t.server, OPS.redeem, { code }, t.user.token))).toBe('INVALID_STATE');
    expect((await call(t.server, OPS.lock, { code }, t.user.token)).ok).toBe(true);
    expect((await call(t.server, OPS.redeem, { code }, t.user.token)).ok).toBe(true);

    const audit = await graphqlRequest(
      t.server,
      'query ($id: String!) { auditLog(filter: { targetType: COUPON, targetId: $id }) { edges { node { action changes actorId } } } }',
      { id: code },
      t.admin.token,
    );
    expect(audit.data?.auditLog.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { action: 'COUPON_UNLOCKED', changes: { reason: 'checkout hung', from: 'LOCKED' }, actorId: t.admin.user.id },
    ]);
    await expectInvariants(t.server.db);
  });

  it('needs no reason, and refuses what is not locked right now, by its state', async () => {
    const { code } = await lockedCoupon();
    expect(await adminCall(FORCE_UNLOCK, { c: code })).toMatchObject({ ok: true, data: { state: 'ASSIGNED' } });
    // Unlocked already: nothing to release.
    const again = await graphqlRequest(t.server, FORCE_UNLOCK, { c: code }, t.admin.token);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'INVALID_STATE', state: 'ASSIGNED' });

    // A lock past its expiry is already released (it reads ASSIGNED).
    expect((await call(t.server, OPS.lock, { code }, t.user.token)).ok).toBe(true);
    const past = new Date(t.server.clock.now().getTime() - 1000);
    await t.server.db.pool.query('UPDATE coupon SET lock_expires_at = $2 WHERE code = $1', [code, past]);
    const expired = await graphqlRequest(t.server, FORCE_UNLOCK, { c: code }, t.admin.token);
    expect(expired.errors?.[0].extensions).toMatchObject({ code: 'INVALID_STATE', state: 'ASSIGNED' });

    const free = (await createCampaign(t.server, t.admin, 1)).codes[0];
    expect(await adminCall(FORCE_UNLOCK, { c: free })).toMatchObject({ ok: false, code: 'INVALID_STATE' });
    expect(await adminCall(FORCE_UNLOCK, { c: 'NO-SUCH-CODE' })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await adminCall(FORCE_UNLOCK, { c: free, r: 'x'.repeat(501) })).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
  });

  it('is for admins only: the owner and another user are refused and the lock stays', async () => {
    const { code } = await lockedCoupon();
    expect(errorCode(await graphqlRequest(t.server, FORCE_UNLOCK, { c: code }, t.user.token))).toBe('FORBIDDEN');
    expect(errorCode(await graphqlRequest(t.server, FORCE_UNLOCK, { c: code }))).toBe('UNAUTHENTICATED');
    const { rows } = await t.server.db.pool.query('SELECT state::text FROM coupon WHERE code = $1', [code]);
    expect(rows[0].state).toBe('LOCKED');
  });

  it("racing the owner's redeem, answers as one order or the other: exactly one of them succeeds", async () => {
    const outcomes = { redeemFirst: 0, unlockFirst: 0 };
    for (let round = 0; round < 12; round++) {
      // Half the rounds on a multi-use book, where a redemption returns the coupon to ASSIGNED.
      const { code } = await lockedCoupon({ allowMultipleRedemptions: round % 2 === 1 });
      const [redeemed, unlocked] = await Promise.all([call(t.server, OPS.redeem, { code }, t.user.token), adminCall(FORCE_UNLOCK, { c: code, r: 'race' })]);
      expect([redeemed.ok, unlocked.ok].filter(Boolean)).toHaveLength(1);
      if (redeemed.ok) {
        outcomes.redeemFirst++;
        expect(unlocked).toMatchObject({ ok: false, code: 'INVALID_STATE' });
      } else {
        outcomes.unlockFirst++;
        expect(redeemed.code).toBe('INVALID_STATE');
      }
      const { rows } = await t.server.db.pool.query(
        `SELECT c.state::text, c.redemption_count, c.locked_by_id,
                (SELECT array_agg(type::text ORDER BY id) FROM coupon_event e WHERE e.coupon_id = c.id) AS events
         FROM coupon c WHERE code = $1`,
        [code],
      );
      const after = rows[0];
      expect(after.locked_by_id).toBeNull();
      expect(after.redemption_count).toBe(redeemed.ok ? 1 : 0);
      expect(after.state).toBe(redeemed.ok && round % 2 === 0 ? 'REDEEMED' : 'ASSIGNED');
      expect(after.events).toEqual(['ASSIGNED', 'LOCKED', redeemed.ok ? 'REDEEMED' : 'UNLOCKED']);
    }
    console.log(`forceUnlock vs redeem, 12 rounds: ${JSON.stringify(outcomes)}`);
    await expectInvariants(t.server.db);
  });

  it("racing the owner's own unlock, exactly one releases the lock and one UNLOCKED event is written", async () => {
    for (let round = 0; round < 8; round++) {
      const { code } = await lockedCoupon();
      const [mine, admins] = await Promise.all([call(t.server, OPS.unlock, { code }, t.user.token), adminCall(FORCE_UNLOCK, { c: code })]);
      expect([mine.ok, admins.ok].filter(Boolean)).toHaveLength(1);
      const failed = mine.ok ? admins : mine;
      expect(failed).toMatchObject({ ok: false, code: 'INVALID_STATE' });
      const { rows } = await t.server.db.pool.query(
        "SELECT count(*)::int AS n FROM coupon_event e JOIN coupon c ON c.id = e.coupon_id WHERE c.code = $1 AND e.type = 'UNLOCKED'",
        [code],
      );
      expect(rows[0].n).toBe(1);
    }
  });
});
