import { holdLock, lockWaiters } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import { call, couponEventsOf, createCampaign, OPS, record, settled, subscribedOn, useApiTest, waitFor } from '../../testing/index.ts';

// A USER's couponEvents carry the coupon "as it is when the event is delivered". When the coupon
// changed hands between the event's commit and its delivery (an admin took it back, another
// shopper claimed it), the previous holder's UNASSIGNED event carried the *new* holder's coupon:
// their user id, their lock, and (through Coupon.user) their email. eventForCaller now keeps an
// event's coupon for a USER only while they hold it.

const t = useApiTest({ users: ['alice', 'bob'] });

describe("a USER's live event of a coupon that changed hands before delivery", () => {
  it("does not show the new holder's coupon (assignedUserId, user.email) to the previous holder", async () => {
    const { bookId, codes } = await createCampaign(t.server, t.admin, 1);
    const [code] = codes;
    const live = t.server.server.live;
    const before = live?.couponEvents.size ?? 0;
    const sub = record<{ couponEvents: { type: string; coupon: unknown } }>(
      t.socket(t.alice),
      'subscription ($b: ID) { couponEvents(bookId: $b) { type coupon { code state assignedUserId user { id email } } } }',
      { b: bookId },
    );
    await subscribedOn(t.server.server, before + 1);
    const claimed = await call(t.server, OPS.assignCode, { code }, t.alice.token);
    expect(claimed.ok).toBe(true);
    await settled(t.server.server);
    await waitFor(() => couponEventsOf(sub).length >= 1, "alice's ASSIGNED event");

    // Delay the listener's read of the UNASSIGNED event until bob holds the coupon. The read
    // hydrates the redemption, so a gate on that table holds it; but the unassign reads that
    // table too (was the coupon ever redeemed?). So: hold alice's counter row, which the unassign
    // writes after that read; queue the gate behind the unassign; let the unassign commit. The
    // gate, queued first, is granted before the listener's read, which then waits for it.
    const counter = await holdLock(t.server.db.pool, 'SELECT 1 FROM user_book_counter WHERE user_id = $1 FOR UPDATE', [t.alice.user.id]);
    const gate = await t.server.db.pool.connect();
    try {
      const unassigned = call(t.server, 'mutation ($c: String!) { unassignCoupon(code: $c, reason: "back") { state } }', { c: code }, t.admin.token);
      await lockWaiters(t.server.db.pool, 1, { blockedBy: counter.pid });
      await gate.query('BEGIN');
      const gatePid = (await gate.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const gated = gate.query('LOCK TABLE redemption IN ACCESS EXCLUSIVE MODE');
      await lockWaiters(t.server.db.pool, 1, { like: 'LOCK TABLE redemption%' });
      await counter.end();
      await gated;
      const answer = await unassigned;
      expect(answer.ok, JSON.stringify(answer)).toBe(true);
      await lockWaiters(t.server.db.pool, 1, { like: '%coupon_event%', blockedBy: gatePid });
      const bobs = await call(t.server, OPS.assignCode, { code }, t.bob.token);
      expect(bobs.ok, JSON.stringify(bobs)).toBe(true);
    } finally {
      await counter.end();
      await gate.query('ROLLBACK').catch(() => undefined);
      gate.release();
    }
    await settled(t.server.server);
    await waitFor(() => couponEventsOf(sub).length >= 2, "alice's UNASSIGNED event");
    sub.stop();
    const events = couponEventsOf(sub);
    const unassignedEvent = events.find((e) => e.type === 'UNASSIGNED');
    expect(unassignedEvent, JSON.stringify(events)).toBeDefined();
    const seen = JSON.stringify(unassignedEvent);
    expect(events.map((e) => e.type), 'alice only hears of her own coupon').toEqual(['ASSIGNED', 'UNASSIGNED']);
    expect(seen, "alice sees bob's id").not.toContain(t.bob.user.id);
    expect(seen, "alice sees bob's email").not.toContain(t.bob.email);
  });
});
