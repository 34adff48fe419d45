import { loadConfig } from '@coupons/config';
import { createTestDatabase, type TestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBook, createTestClock } from '../../testing/index.ts';
import { WebhookDispatcher } from './webhook.dispatcher.ts';
import { webhookSettingsFrom } from './webhook.settings.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

describe('the webhook dispatcher with no endpoint enabled', () => {
  it('holds a round that new events ask for right after another one back, and still runs it (not at the next poll)', async () => {
    // The poll is a minute away: only rounds that events start can move the fan-out cursor here.
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: t.url, WEBHOOK_POLL_INTERVAL_MS: '60000' });
    const dispatcher = new WebhookDispatcher({ ctx: { db: t.db, clock: createTestClock() }, settings: webhookSettingsFrom(config) });
    const { bookId } = await createBook(t.db, 1);
    const addEvent = async () => {
      const { rows } = await t.db.pool.query<{ id: string }>(
        `INSERT INTO coupon_event (book_id, type, count) VALUES ($1::uuid, 'CREATED_BULK', 1) RETURNING id::text AS id`,
        [bookId],
      );
      return BigInt(rows[0]?.id as string);
    };
    const cursor = async () => BigInt((await t.db.pool.query<{ mark: string }>('SELECT mark::text AS mark FROM webhook_fanout WHERE id = 1')).rows[0]?.mark as string);
    try {
      dispatcher.start();
      await dispatcher.idle();
      const first = await addEvent();
      dispatcher.wakeForEvents(); // a round at once: it reads the event and finds no endpoint
      await dispatcher.idle();
      expect(await cursor()).toBe(first);

      const second = await addEvent();
      dispatcher.wakeForEvents(); // within 100 ms of that round: held back, then run
      await expect.poll(cursor, { timeout: 5_000, interval: 20 }).toBe(second);
    } finally {
      await dispatcher.stop();
    }
  });
});
