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
