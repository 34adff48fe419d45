import { holdLock, lockWaiters } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import { call, createCampaign, createPool, createUsers, describeOutcome, OPS, useApiTest, waitFor } from '../../testing/index.ts';

// A distribution writes one ASSIGNED event per coupon, in its transaction. Live subscribers (and
// webhooks, through the same outbox cursor) must hear each one once, after the commit, however
// the distribution's commit interleaves with other events.

const t = useApiTest({ users: ['shopper'], accounts: 'inserted' });

/** Adds `count` codes to the book straight in the table (an upload of 12,000 codes is slow). */
async function fill(bookId: string, count: number): Promise<void> {
  await t.server.db.pool.query(
    `INSERT INTO coupon (book_id, code) SELECT $1::uuid, upper('E' || replace($1::text, '-', '') || '-' || g) FROM generate_series(1, $2::int) g`,
    [bookId, count],
  );
}

describe('the coupon events of a distribution reach live listeners', () => {
  // The distribution's 12,000 event ids are taken before a claim's, and committed after it: the
  // listener sees the claim first, and every one of the distribution's ids is a gap below it. The
  // cursor kept at most 10,000 gaps, one per id, and gave up on the lowest 2,000 at once: their
  // events never reached a subscriber or a webhook endpoint.
  it('all 12,000 events of a distribution that commits after a later claim, each once', async () => {
    const live = t.server.server.live;
    if (!live) throw new Error('the test server runs no live events');
    const COUNT = 12_000;
    const big = await createCampaign(t.server, t.admin, 0);
    await fill(big.bookId, COUNT);
    const other = await createCampaign(t.server, t.admin, 1);
    const poolId = await createPool(t.server, t.admin, await createUsers(t.server, 20));
    const heard = new Map<string, number>();
    const stop = live.couponEvents.onBatch((events) => {
      for (const e of events) if (e.type === 'ASSIGNED') heard.set(e.id, (heard.get(e.id) ?? 0) + 1);
    });
    try {
      // The distribution has written its events and waits at its audit entry.
      const audit = await holdLock(t.server.db.pool, 'LOCK TABLE audit_log IN SHARE MODE');
      const distribution = call<{ assigned: number }>(t.server, OPS.distribute, { poolId, bookId: big.bookId, mode: 'RANDOM', count: COUNT }, t.admin.token);
      try {
        await lockWaiters(t.server.db.pool, 1, { like: '%audit_log%' });
        const claim = await call(t.server, OPS.assignRandom, { bookId: other.bookId }, t.shopper.token);
        expect(claim.ok, describeOutcome(claim)).toBe(true);
        await waitFor(() => heard.size === 1, 'the claim event');
      } finally {
        await audit.end('COMMIT');
      }
      const done = await distribution;
      expect(done.ok && done.data.assigned, describeOutcome(done)).toBe(COUNT);
      await live.settle();
      await waitFor(() => heard.size >= COUNT + 1, 'every event', 20_000).catch(() => undefined);
      expect(heard.size).toBe(COUNT + 1);
      expect([...heard.values()].every((n) => n === 1)).toBe(true);
    } finally {
      stop();
    }
  });
});
