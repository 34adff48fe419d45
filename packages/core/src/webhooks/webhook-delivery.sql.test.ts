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
    const options = { max: 10, perEndpoint: 2, leaseMs: 30_000 };
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
