import { describe, expect, it } from 'vitest';
import {
  couponEventsOf,
  createBookWithCodes,
  mutate,
  OPS,
  record,
  settled,
  subscribedOn,
  useApiTest,
  waitFor,
} from '../../testing/index.ts';

/**
 * Two API servers on one database, as two processes behind a load balancer: each has its own
 * pool, LISTEN connection, bus and lock sweeper, so an event reaches the other only through
 * PostgreSQL (NOTIFY, or the outbox catch-up).
 */
const t = useApiTest({ users: ['shopper'], sibling: { listenerName: 'listener-b' } });

const EVENTS = `subscription($bookId: ID) { couponEvents(bookId: $bookId) { id type couponId coupon { code } } }`;

type Ev = { id: string; type: string; couponId: string | null; coupon: { code: string } | null };
type EventData = { couponEvents: Ev };

function perCoupon(events: Ev[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of events) if (e.couponId) map.set(e.couponId, [...(map.get(e.couponId) ?? []), e.type]);
  return map;
}

/** The admin subscribed to the book's events on both servers, once both hold the subscription. */
async function subscribedOnBoth(bookId: string) {
  const beforeA = t.server.server.live?.couponEvents.size ?? 0;
  const beforeB = t.sibling.server.live?.couponEvents.size ?? 0;
  const onA = record<EventData>(t.socket(t.admin, t.server), EVENTS, { bookId });
  const onB = record<EventData>(t.socket(t.admin, t.sibling), EVENTS, { bookId });
  await subscribedOn(t.server.server, beforeA + 1);
  await subscribedOn(t.sibling.server, beforeB + 1);
  return { onA, onB };
}

describe('two API servers on one database', () => {
  it('delivers what one server commits to subscribers of the other, every event, in order', async () => {
    const { bookId, codes } = await createBookWithCodes(t.server, t.admin.token, 10);
    const beforeB = t.sibling.server.live?.couponEvents.size ?? 0;
    const onB = record<EventData>(t.socket(t.admin, t.sibling), EVENTS, { bookId });
    await subscribedOn(t.sibling.server, beforeB + 1);
    for (const code of codes) {
      await mutate(t.server, t.admin.token, OPS.assignCode, { code, userId: t.shopper.user.id });
      await mutate(t.server, t.shopper.token, OPS.lock, { code });
      await mutate(t.server, t.shopper.token, OPS.unlock, { code });
      await mutate(t.server, t.shopper.token, OPS.lock, { code });
      await mutate(t.server, t.shopper.token, OPS.redeem, { code });
    }
    await waitFor(() => onB.values.length === 50, '50 events on B');
    await settled(t.server.server, t.sibling.server);
    const events = couponEventsOf(onB);
    expect(events).toHaveLength(50);
    const ids = events.map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => (x < y ? -1 : 1))); // sequential commits: id order
    expect(events.map((e) => e.coupon?.code)).toEqual(codes.flatMap((code) => Array(5).fill(code)));
    for (const types of perCoupon(events).values()) {
      expect(types).toEqual(['ASSIGNED', 'LOCKED', 'UNLOCKED', 'LOCKED', 'REDEEMED']);
    }
    onB.stop();
  });

  it('delivers each of 500 transitions exactly once, in order per coupon, when its LISTEN connection is killed mid-burst', async () => {
    const { bookId, codes } = await createBookWithCodes(t.server, t.admin.token, 100);
    await Promise.all(codes.map((code) => mutate(t.server, t.admin.token, OPS.assignCode, { code, userId: t.shopper.user.id })));
    await settled(t.server.server, t.sibling.server);
    const { onA, onB } = await subscribedOnBoth(bookId);
    const pidBefore = t.sibling.server.live?.listener.backendPid;

    // 100 coupons × (lock, unlock, lock, unlock, lock) = 500 transitions, coupons in parallel.
    const burst = Promise.all(
      codes.map(async (code) => {
        for (const op of [OPS.lock, OPS.unlock, OPS.lock, OPS.unlock, OPS.lock]) await mutate(t.server, t.shopper.token, op, { code });
      }),
    );
    await waitFor(() => onB.values.length >= 50, 'the burst to be under way');
    const killed = await t.server.db.prisma.$queryRaw<Array<{ ok: boolean }>>`
      SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
      WHERE application_name = 'listener-b' AND datname = current_database()`;
    expect(killed).toEqual([{ ok: true }]);
    const deliveredBeforeKill = onB.values.length;
    await burst;
    await waitFor(() => onB.values.length >= 500, 'all 500 on B after the reconnect', 20_000);
    await settled(t.server.server, t.sibling.server);

    expect(deliveredBeforeKill).toBeLessThan(500);
    expect(t.sibling.server.live?.listener.backendPid).not.toBe(pidBefore);
    for (const sub of [onA, onB]) {
      const events = couponEventsOf(sub);
      expect(events).toHaveLength(500);
      expect(new Set(events.map((e) => e.id)).size).toBe(500);
      const sequences = perCoupon(events);
      expect(sequences.size).toBe(100);
      for (const types of sequences.values()) expect(types).toEqual(['LOCKED', 'UNLOCKED', 'LOCKED', 'UNLOCKED', 'LOCKED']);
    }
    onA.stop();
    onB.stop();
  });

  it('expires each lock once with both servers sweeping, and both hear it within a second', async () => {
    const { bookId, codes } = await createBookWithCodes(t.server, t.admin.token, 20, { lockTtlSeconds: 60 });
    for (const code of codes) {
      await mutate(t.server, t.admin.token, OPS.assignCode, { code, userId: t.shopper.user.id });
      await mutate(t.server, t.shopper.token, OPS.lock, { code });
    }
    await settled(t.server.server, t.sibling.server);
    const { onA, onB } = await subscribedOnBoth(bookId);

    const started = performance.now();
    t.server.clock.advance({ seconds: 61 }); // the clock both sweepers read
    await waitFor(() => onA.values.length >= 20 && onB.values.length >= 20, 'LOCK_EXPIRED on both', 1_000);
    const elapsed = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 600)); // two more sweeps on each server
    await settled(t.server.server, t.sibling.server);

    for (const sub of [onA, onB]) {
      const events = couponEventsOf(sub);
      expect(events.map((e) => e.type)).toEqual(Array(20).fill('LOCK_EXPIRED'));
      expect(new Set(events.map((e) => e.couponId)).size).toBe(20);
    }
    const [row] = await t.server.db.prisma.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM coupon_event WHERE book_id = ${bookId}::uuid AND type = 'LOCK_EXPIRED'`;
    expect(row?.n).toBe(20);
    expect(elapsed).toBeLessThan(1_000);
    onA.stop();
    onB.stop();
  });
});
