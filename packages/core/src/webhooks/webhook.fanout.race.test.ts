import { createTestDatabase, holdLock, lockWaiters, type TestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBook, createTestClock } from '../../testing/index.ts';
import { fanOutWebhookEvents } from './webhook.fanout.ts';

// The fan-out racing an endpoint's delete, with the interleaving forced: the fan-out has read
// the endpoints and waits to insert their deliveries while the delete comes.

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

describe('fan-out racing a delete of an endpoint it fans out to', () => {
  it('the delete waits for the fan-out, whose deliveries then go with the endpoint: the batch does not fail', async () => {
    const { bookId } = await createBook(t.db, 1);
    const { rows } = await t.db.pool.query<{ id: string }>(
      `INSERT INTO webhook_endpoint (id, url, events, secret, start_after_event_id)
       VALUES (gen_random_uuid(), 'https://hooks.example/coupons', '{CREATED_BULK}', 'whsec_test', 0) RETURNING id::text AS id`,
    );
    const endpointId = rows[0].id;
    await t.db.pool.query(`INSERT INTO coupon_event (book_id, type, count) VALUES ($1::uuid, 'CREATED_BULK', 1)`, [bookId]);

    // The delivery table held: the fan-out stops at its insert, the endpoints already read.
    const holder = await holdLock(t.db.pool, 'LOCK TABLE webhook_delivery IN SHARE MODE');
    const fanOut = fanOutWebhookEvents({ db: t.db, clock: createTestClock() });
    await lockWaiters(t.db.pool, 1);
    const deleted = t.db.pool.query('DELETE FROM webhook_endpoint WHERE id = $1::uuid', [endpointId]);
    await lockWaiters(t.db.pool, 2);
    await holder.end('COMMIT');

    // As the fan-out, then the delete: one delivery made, then gone with its endpoint.
    expect(await fanOut).toMatchObject({ events: 1, deliveries: 1 });
    expect((await deleted).rowCount).toBe(1);
    const { rows: left } = await t.db.pool.query('SELECT 1 FROM webhook_delivery WHERE endpoint_id = $1::uuid', [endpointId]);
    expect(left).toEqual([]);
  });
});

describe('fan-out around a transaction holding many event ids', () => {
  // A pool distribution writes one event per coupon in one transaction. A claim that commits
  // while it runs has a higher id: every one of the distribution's ids is then a gap below the
  // fan-out's mark. The cursor kept gaps one id at a time, at most 10,000, and gave up on the
  // lowest of a wider one at once: their events, committed a moment later, were never fanned out.
  it('fans out every event of a 12,000-event transaction that commits after a later event', async () => {
    const COUNT = 12_000;
    const ctx = { db: t.db, clock: createTestClock() };
    const { bookId } = await createBook(t.db, 1);
    const drain = async () => {
      for (;;) {
        const round = await fanOutWebhookEvents(ctx);
        if (!round?.more) return;
      }
    };
    await drain(); // what earlier tests left
    const { rows } = await t.db.pool.query<{ id: string }>(
      `INSERT INTO webhook_endpoint (id, url, events, secret, start_after_event_id)
       VALUES (gen_random_uuid(), 'https://hooks.example/big', '{CREATED_BULK}', 'whsec_test', (SELECT coalesce(max(id), 0) FROM coupon_event))
       RETURNING id::text AS id`,
    );
    const endpointId = rows[0].id;
    const big = await holdLock(
      t.db.pool,
      `INSERT INTO coupon_event (book_id, type, count) SELECT $1::uuid, 'CREATED_BULK', 1 FROM generate_series(1, ${COUNT})`,
      [bookId],
    );
    try {
      await t.db.pool.query(`INSERT INTO coupon_event (book_id, type, count) VALUES ($1::uuid, 'CREATED_BULK', 1)`, [bookId]);
      await drain();
      // An endpoint changed now judges the transaction's events as still to come: the watermark
      // reads them from the cursor's gap (the highest 10,000 of them, as ever).
      const { rows: mark } = await t.db.pool.query<{ until: string; open: string[] }>(
        'SELECT until_event_id::text AS until, open_event_ids::text[] AS open FROM webhook_event_watermark()',
      );
      const until = BigInt(mark[0].until);
      expect(mark[0].open.map(BigInt)).toEqual(Array.from({ length: 10_000 }, (_, i) => until - 1n - BigInt(i)));
    } finally {
      await big.end('COMMIT');
    }
    await drain();
    const { rows: made } = await t.db.pool.query<{ n: number; events: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS events FROM webhook_delivery WHERE endpoint_id = $1::uuid',
      [endpointId],
    );
    expect(made[0]).toEqual({ n: COUNT + 1, events: COUNT + 1 });
  });
});
