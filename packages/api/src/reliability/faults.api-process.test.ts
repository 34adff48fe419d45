import { randomBytes } from 'node:crypto';
import { loadConfig } from '@coupons/config';
import { systemClock } from '@coupons/core';
import { createTestDatabase, type TestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, freePort, spawnApiProcess } from './api-process.harness.ts';
import { expectInvariants } from './book.snapshot.ts';
import { createCampaign, createUsers } from './campaign.fixtures.ts';
import { CheckoutLoad, expectNoOpenTransactions, verifyCheckouts } from './checkout.load.ts';

// SIGKILL the API process in the middle of a checkout load, again and again: no drain, no
// shutdown hook, requests cut mid-transaction. Every client retries with its idempotency key
// until answered; afterwards the database must hold exactly one effect per key.

/** How many times the process is killed; `pnpm test:soak` runs the long version. */
export const KILLS = 2;

let database: TestDatabase;
let env: Record<string, string>;
let port: number;
let api: ApiProcess | undefined;
beforeAll(async () => {
  database = await createTestDatabase();
  port = await freePort();
  env = {
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'warn',
    DB_POOL_SIZE: '10',
  };
});
afterAll(async () => {
  await api?.kill('SIGKILL');
  await database?.drop();
});

export async function killRepeatedly(kills: number, users: number, opsBetweenKills: number): Promise<void> {
  const config = loadConfig(env);
  api = await spawnApiProcess(env, port);
  const target = { url: api.url };
  const [[admin], shoppers] = await Promise.all([
    createUsers({ db: database.db, config, clock: systemClock }, 1, 'ADMIN'),
    createUsers({ db: database.db, config, clock: systemClock }, users),
  ]);
  const { bookId } = await createCampaign(target, admin, 5_000);
  const load = new CheckoutLoad({ target, users: shoppers, bookId });
  for (let kill = 0; kill < kills; kill++) {
    await load.progress(opsBetweenKills);
    await api.kill('SIGKILL');
    api = await spawnApiProcess(env, port);
  }
  await load.progress(opsBetweenKills);
  await load.stop();
  console.info(`[faults] SIGKILL ×${kills}: ${load.checkouts.length} checkouts, ${JSON.stringify(load.stats)}`);
  expect(load.stats.inDoubt + load.stats.refused, 'the kills hit requests in flight').toBeGreaterThan(0);
  await verifyCheckouts(database.db, shoppers, load.checkouts);
  await expectNoOpenTransactions(database.db);
  await expectInvariants(database.db, `after ${kills} SIGKILLs`);
}

describe('SIGKILL of the API process under load', () => {
  it(`${KILLS} kills mid-checkout: retries with the same keys complete, one effect each, invariants hold`, async () => {
    await killRepeatedly(KILLS, 20, 60);
  }, 180_000);
});
