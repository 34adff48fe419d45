import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '@coupons/config';
import { systemClock } from '@coupons/core';
import {
  applyMigrations,
  createDatabase,
  createDatabaseIfMissing,
  type Database,
  type EmbeddedPostgres,
  startEmbeddedPostgres,
  temporaryDataDir,
} from '@coupons/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, createApiServer } from '../server/api-server.ts';
import { freePort } from './api-process.harness.ts';
import { expectInvariants } from './book.snapshot.ts';
import { type ApiUser, createCampaign, createUsers } from './campaign.fixtures.ts';
import { CheckoutLoad, expectNoOpenTransactions, verifyCheckouts } from './checkout.load.ts';

// Restart PostgreSQL under a checkout load (the test runs its own durable embedded cluster):
// /readyz must say unready while it is down and ready again by itself soon after it is back,
// with no restart of the API, and every checkout a client was told about must still be there.

/** How soon after PostgreSQL is back the API must be ready again. */
const RECOVERY_LIMIT_MS = 15_000;

let dataDir: string;
let port: number;
let cluster: EmbeddedPostgres | undefined;
let db: Database;
let server: ApiServer;
let admin: ApiUser;
let users: ApiUser[];
let bookId: string;
beforeAll(async () => {
  dataDir = temporaryDataDir('coupons-fault-pg-');
  port = await freePort();
  cluster = await startEmbeddedPostgres({ dataDir, port, persistent: true });
  await createDatabaseIfMissing(cluster.adminUrl, 'coupons_fault');
  const url = cluster.url('coupons_fault');
  await applyMigrations(url);
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, JWT_SECRET: randomBytes(32).toString('base64url'), LOG_LEVEL: 'silent', API_HOST: '127.0.0.1' });
  db = createDatabase({ url, poolSize: 10 });
  server = await createApiServer({ config, db });
  await server.start(0);
  [[admin], users] = await Promise.all([createUsers({ db, config, clock: systemClock }, 1, 'ADMIN'), createUsers({ db, config, clock: systemClock }, 20)]);
  ({ bookId } = await createCampaign(server, admin, 5_000));
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await db?.close();
  await cluster?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function readiness(): Promise<number> {
  const res = await fetch(server.url.replace(/\/graphql$/, '/readyz'), { signal: AbortSignal.timeout(5_000) });
  return res.status;
}

/** Polls /readyz every 50 ms until it answers `status`; returns how long that took. */
async function untilReadiness(status: number, limitMs: number): Promise<number> {
  const started = Date.now();
  while ((await readiness()) !== status) {
    if (Date.now() - started > limitMs) throw new Error(`/readyz did not answer ${status} within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

/**
 * Stops PostgreSQL: `fast` is a clean shutdown (what an upgrade or a failover does); `crash`
 * sends SIGQUIT to the postmaster (immediate shutdown, recovery from the WAL at the next start).
 */
async function stopPostgres(how: 'fast' | 'crash'): Promise<void> {
  if (how === 'crash') {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGQUIT');
  }
  await cluster?.stop();
  cluster = undefined;
}

export async function restartUnderLoad(restarts: Array<'fast' | 'crash'>, opsBetween: number): Promise<void> {
  const load = new CheckoutLoad({ target: server, users, bookId, transient: ['INTERNAL_SERVER_ERROR'] });
  const recoveries: number[] = [];
  for (const how of restarts) {
    await load.progress(opsBetween);
    await stopPostgres(how);
    await untilReadiness(503, 10_000);
    cluster = await startEmbeddedPostgres({ dataDir, port, persistent: true });
    recoveries.push(await untilReadiness(200, RECOVERY_LIMIT_MS));
  }
  await load.progress(opsBetween);
  await load.stop();
  console.info(
    `[faults] PostgreSQL restarts ${restarts.join(',')}: ready again after ${recoveries.join(', ')} ms; ${load.checkouts.length} checkouts, ${JSON.stringify(load.stats)}`,
  );
  await verifyCheckouts(db, users, load.checkouts);
  await expectNoOpenTransactions(db);
  await expectInvariants(db, 'after restarting PostgreSQL');
}

describe('PostgreSQL restarts under load', () => {
  it('unready while it is down, ready again by itself within seconds, nothing committed lost', async () => {
    await restartUnderLoad(['fast'], 60);
    expect(await readiness()).toBe(200);
  }, 120_000);
});
