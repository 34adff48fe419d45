import { randomUUID } from 'node:crypto';
import { createDatabase, type Database } from '@coupons/db';
import { createTestDatabase, type TestDatabase } from '@coupons/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { claimDueDeliveries, recordAttempt } from './webhook-delivery.sql.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

// What a transaction-mode PgBouncer does to a connection's prepared statements, done on one real
// session: DEALLOCATE ALL behind the driver's back. The dispatcher's transactions that meet the
// lost statement are rolled back and run again unnamed, rather than failing a round (a claim) or
// leaving an attempt unrecorded until its lease runs out (and the delivery is sent again).
describe('webhook delivery transactions behind a lost prepared statement', () => {
  let single: Database | undefined;
  const lost: string[] = [];
  afterEach(async () => {
    await single?.close();
    single = undefined;
    lost.length = 0;
  });
  const openSingle = () => {
    single = createDatabase({ url: t.url, poolSize: 1, onNamedStatementsLost: (error) => lost.push(String((error as { code?: string }).code)) });
    return { db: single };
  };

  it('a claim runs again', async () => {
    const ctx = openSingle();
    const options = { max: 10, perEndpoint: 2, leaseMs: 30_000, maxAttempts: 15 };
    expect(await claimDueDeliveries(ctx, options)).toEqual([]); // prepares the claim's first statement
    await ctx.db.pool.query('DEALLOCATE ALL');
    expect(await claimDueDeliveries(ctx, options)).toEqual([]);
    expect(lost).toEqual(['26000']);
  });

  it('an attempt’s record runs again', async () => {
    const ctx = openSingle();
    const delivery = { id: '1', endpointId: randomUUID(), leaseToken: randomUUID() };
    const attempt = { outcome: 'DELIVERED' as const, responseStatus: 200, responseBody: null, latencyMs: 5, error: null };
    expect(await recordAttempt(ctx, delivery, attempt, 60_000)).toEqual({ recorded: false, disabled: false });
    await ctx.db.pool.query('DEALLOCATE ALL');
    expect(await recordAttempt(ctx, delivery, attempt, 60_000)).toEqual({ recorded: false, disabled: false });
    expect(lost).toEqual(['26000']);
  });
});

// A receiver's answer may hold a NUL (a gzip or other binary body), which a TEXT column refuses:
// the record used to throw, and the delivery was sent again at every lease's end, for ever.
describe("an attempt's record with a NUL in the answer's body", () => {
  it('is recorded, the NUL kept as U+FFFD', async () => {
    const db = createDatabase({ url: t.url, poolSize: 1 });
    try {
      const { rows: [endpoint] } = await db.pool.query<{ id: string }>(
        `INSERT INTO webhook_endpoint (id, url, events, secret, start_after_event_id, enabled)
         VALUES (gen_random_uuid(), 'http://127.0.0.1:1/x', '{ASSIGNED}', 'whsec_test', 0, false) RETURNING id::text AS id`,
      );
      const { rows: [delivery] } = await db.pool.query<{ id: string; token: string }>(
        `INSERT INTO webhook_delivery (endpoint_id, message_id, event_type, payload, next_attempt_at, lease_token, lease_expires_at, attempts)
         VALUES ($1::uuid, 'msg_nul', 'WEBHOOK_TEST', '{}', now(), gen_random_uuid(), now() + interval '1 minute', 1)
         RETURNING id::text AS id, lease_token::text AS token`,
        [endpoint.id],
      );
      const attempt = { outcome: 'DELIVERED' as const, responseStatus: 200, responseBody: 'ok\u0000', latencyMs: 1, error: 'cut\u0000' };
      expect(await recordAttempt({ db }, { id: delivery.id, endpointId: endpoint.id, leaseToken: delivery.token }, attempt, 3_600_000)).toEqual({
        recorded: true,
        disabled: false,
      });
      const { rows } = await db.pool.query('SELECT status, response_body, last_error FROM webhook_delivery WHERE id = $1::bigint', [delivery.id]);
      expect(rows).toEqual([{ status: 'DELIVERED', response_body: 'ok\uFFFD', last_error: 'cut\uFFFD' }]);
    } finally {
      await db.close();
    }
  });
});
