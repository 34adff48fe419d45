import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createTestClock, useServiceTest } from '../../testing/index.ts';
import { fanOutWebhookEvents } from './webhook.fanout.ts';
import { createWebhookEndpoint, updateWebhookEndpoint } from './webhook.service.ts';
import type { WebhookSettings } from './webhook.settings.ts';

// An endpoint's creation, disable and enable racing a transition in flight whose event took a
// lower id than one committed before the change: ids are taken at the INSERT and become visible at
// COMMIT, so the event in flight commits after the change although its id is below the newest
// committed then. Serially it comes after the change, and the endpoint receives it as it is after
// the change. The interleaving is forced: the transition is an open transaction that has inserted
// its event; the fan-out runs either only at the end or also while the event is in flight (then
// the id is one of the fan-out cursor's gaps).
const t = useServiceTest();
const settings = { policy: { strict: false, allowedHosts: [] } } as unknown as WebhookSettings;
const URL = 'https://hooks.example/coupons';

async function insertEvent(client: pg.Pool | pg.PoolClient, bookId: string): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO coupon_event (book_id, type, count) VALUES ($1::uuid, 'CREATED_BULK', 1) RETURNING id::text AS id`,
    [bookId],
  );
  return rows[0].id;
}

async function fanOutAll(): Promise<void> {
  for (let round = 0; round < 10; round++) {
    const result = await fanOutWebhookEvents({ db: t.db, clock: createTestClock() });
    if (result && result.events === 0 && !result.more) return;
  }
}

async function deliveredEvents(endpointId: string): Promise<string[]> {
  const { rows } = await t.db.pool.query<{ event_id: string }>(
    'SELECT event_id::text AS event_id FROM webhook_delivery WHERE endpoint_id = $1::uuid ORDER BY event_id',
    [endpointId],
  );
  return rows.map((r) => r.event_id);
}

/**
 * Runs `change` while a transaction holds an uncommitted event with a lower id than one committed
 * before the change; commits it after; fans everything out. Returns the two event ids.
 */
async function withEventInFlight(bookId: string, fanOutMeanwhile: boolean, change: () => Promise<unknown>): Promise<{ late: string; early: string }> {
  const inFlight = await t.db.pool.connect();
  try {
    await inFlight.query('BEGIN');
    const late = await insertEvent(inFlight, bookId);
    const early = await insertEvent(t.db.pool, bookId);
    expect(BigInt(late)).toBeLessThan(BigInt(early));
    if (fanOutMeanwhile) await fanOutAll();
    await change();
    await inFlight.query('COMMIT');
    await fanOutAll();
    return { late, early };
  } finally {
    inFlight.release();
  }
}

describe.each([false, true])('an endpoint changed while an event with a lower id is in flight (fan-out meanwhile: %s)', (fanOutMeanwhile) => {
  it('a new endpoint receives the event that commits after its creation, not the one committed before', async () => {
    const { bookId } = await createBook(t.db, 1);
    let endpointId = '';
    const { late } = await withEventInFlight(bookId, fanOutMeanwhile, async () => {
      const created = await createWebhookEndpoint(contextFor(t.db, t.admin), settings, { url: URL, events: ['CREATED_BULK'], bookId });
      endpointId = created.endpoint.id;
    });
    expect(await deliveredEvents(endpointId)).toEqual([late]);
  });

  it('a disabled endpoint receives the event committed before the disable, not the one after', async () => {
    const { bookId } = await createBook(t.db, 1);
    const ctx = contextFor(t.db, t.admin);
    const { endpoint } = await createWebhookEndpoint(ctx, settings, { url: URL, events: ['CREATED_BULK'], bookId });
    const { early } = await withEventInFlight(bookId, fanOutMeanwhile, () => updateWebhookEndpoint(ctx, settings, endpoint.id, { enabled: false }));
    expect(await deliveredEvents(endpoint.id)).toEqual([early]);
  });

  it('an enabled endpoint receives the event committed after the enable, not the one before', async () => {
    const { bookId } = await createBook(t.db, 1);
    const ctx = contextFor(t.db, t.admin);
    const { endpoint } = await createWebhookEndpoint(ctx, settings, { url: URL, events: ['CREATED_BULK'], bookId });
    await updateWebhookEndpoint(ctx, settings, endpoint.id, { enabled: false });
    const { late } = await withEventInFlight(bookId, fanOutMeanwhile, () => updateWebhookEndpoint(ctx, settings, endpoint.id, { enabled: true }));
    expect(await deliveredEvents(endpoint.id)).toEqual([late]);
  });
});
