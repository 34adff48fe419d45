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
  Prisma,
  startEmbeddedPostgres,
  temporaryDataDir,
} from '@coupons/db';
import { createTestDatabase } from '@coupons/db/testing';
import { expect } from 'vitest';
import { createApiServer } from '../server/api-server.ts';
import { startTestServer } from '../testing/index.ts';
import { call } from './api.client.ts';
import { type ApiProcess, freePort, spawnApiProcess } from './api-process.harness.ts';
import { expectInvariants } from './book.snapshot.ts';
import { type ApiUser, createCampaign, createUsers } from './campaign.fixtures.ts';
import { CheckoutLoad, expectNoOpenTransactions, verifyCheckouts } from './checkout.load.ts';

/**
 * The fault-injection scenarios, each self-contained (its own database, API and load, all
 * cleaned up). The standard tests run them briefly (faults.*.test.ts), the soak at length
 * (faults.soak.test.ts). Every scenario ends with the same checks: each user holds exactly the
 * coupons and redemptions they were told about, no session is idle in a transaction, and the
 * invariant checker passes.
 */

/** The load comes from one address and few users: the mutation rate limits are not under test here. */
const UNTHROTTLED = { MUTATION_RATE_LIMIT: '1000000', MUTATION_IP_RATE_LIMIT: '1000000' };

export interface LoadShape {
  /** Virtual users (one user each). */
  users: number;
  /** Successful operations between two faults (progress, not time). */
  opsBetween: number;
}

async function finish(load: CheckoutLoad, db: Database, users: ApiUser[], label: string): Promise<void> {
  await load.stop();
  console.info(`[faults] ${label}: ${load.checkouts.length} checkouts, ${JSON.stringify(load.stats)}`);
  await verifyCheckouts(db, users, load.checkouts);
  await expectNoOpenTransactions(db);
  await expectInvariants(db, `after ${label}`);
}

/**
 * SIGKILL of `packages/api/src/main.ts` (a child process) in the middle of the load, `kills`
 * times, restarting it on the same port each time: no drain, requests cut mid-transaction.
 */
export async function killApiProcessUnderLoad(options: LoadShape & { kills: number }): Promise<void> {
  const database = await createTestDatabase();
  const port = await freePort();
  const env = { NODE_ENV: 'test', DATABASE_URL: database.url, JWT_SECRET: randomBytes(32).toString('base64url'), LOG_LEVEL: 'warn', DB_POOL_SIZE: '10', ...UNTHROTTLED };
  let api: ApiProcess | undefined;
  try {
    api = await spawnApiProcess(env, port);
    const target = { url: api.url };
    const users = { db: database.db, config: loadConfig(env), clock: systemClock };
    const [[admin], shoppers] = await Promise.all([createUsers(users, 1, 'ADMIN'), createUsers(users, options.users)]);
    const { bookId } = await createCampaign(target, admin, 20_000);
    const load = new CheckoutLoad({ target, users: shoppers, bookId });
    for (let kill = 0; kill < options.kills; kill++) {
      await load.progress(options.opsBetween);
      await api.kill('SIGKILL');
      api = await spawnApiProcess(env, port);
    }
    await load.progress(options.opsBetween);
    expect(load.stats.inDoubt + load.stats.refused, 'the kills hit requests in flight').toBeGreaterThan(0);
    await finish(load, database.db, shoppers, `SIGKILL ×${options.kills}`);
  } finally {
    await api?.kill('SIGKILL');
    await database.drop();
  }
}

/**
 * pg_terminate_backend on every session of an API (its pool and its LISTEN connection), `rounds`
 * times under the load; afterwards the API must be ready again by itself and still serving.
 */
export async function terminateConnectionsUnderLoad(options: LoadShape & { rounds: number }): Promise<void> {
  const server = await startTestServer();
  // The test's own connections, named so that the injector spares them.
  const tools = createDatabase({ url: server.config.DATABASE_URL as string, poolSize: 2, applicationName: 'fault-tools' });
  try {
    const [[admin], shoppers] = await Promise.all([createUsers(server, 1, 'ADMIN'), createUsers(server, options.users)]);
    const { bookId } = await createCampaign(server, admin, 20_000);
    const load = new CheckoutLoad({ target: server, users: shoppers, bookId, transient: ['INTERNAL_SERVER_ERROR'] });
    let terminated = 0;
    for (let round = 0; round < options.rounds; round++) {
      await load.progress(options.opsBetween);
      const rows = await tools.prisma.$queryRaw<Array<{ terminated: boolean }>>(Prisma.sql`
        SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> 'fault-tools'`);
      terminated += rows.filter((r) => r.terminated).length;
    }
    await load.progress(options.opsBetween); // still serving, no restart
    expect(terminated).toBeGreaterThanOrEqual(options.rounds);
    await finish(load, tools, shoppers, `pg_terminate_backend ×${options.rounds} (${terminated} sessions)`);
    await untilReadiness(server.baseUrl, 200, 10_000);
    expect(await call(server, '{ me { id } }', {}, shoppers[0].token)).toEqual({ ok: true, data: { id: shoppers[0].id } });
  } finally {
    await tools.close();
    await server.close();
  }
}

/** How soon after PostgreSQL is back an API must be ready again, without a restart of its own. */
export const RECOVERY_LIMIT_MS = 15_000;

/**
 * Stops and starts the scenario's own durable embedded PostgreSQL under the load: `fast` is a
 * clean shutdown (an upgrade, a failover), `crash` an immediate one (SIGQUIT to the postmaster;
 * recovery from the WAL). `/readyz` must say 503 while it is down and 200 again by itself within
 * {@link RECOVERY_LIMIT_MS}, and nothing a client was told about may be lost. The API runs in
 * this process or as `main.ts` in a child (which must survive: a crash would never be ready again).
 */
export async function restartPostgresUnderLoad(
  options: LoadShape & { restarts: Array<'fast' | 'crash'>; api: 'in-process' | 'child-process' },
): Promise<number[]> {
  const dataDir = temporaryDataDir('coupons-fault-pg-');
  const port = await freePort();
  let cluster: EmbeddedPostgres | undefined = await startEmbeddedPostgres({ dataDir, port, persistent: true });
  const cleanup: Array<() => Promise<unknown>> = [];
  try {
    await createDatabaseIfMissing(cluster.adminUrl, 'coupons_fault');
    const url = cluster.url('coupons_fault');
    await applyMigrations(url);
    const env = { NODE_ENV: 'test', DATABASE_URL: url, JWT_SECRET: randomBytes(32).toString('base64url'), LOG_LEVEL: 'warn', DB_POOL_SIZE: '10', ...UNTHROTTLED };
    const config = loadConfig({ ...env, API_HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    const db = createDatabase({ url, poolSize: 4, applicationName: 'fault-tools' });
    cleanup.unshift(() => db.close());
    let baseUrl: string;
    if (options.api === 'in-process') {
      const apiDb = createDatabase({ url, poolSize: 10 });
      const server = await createApiServer({ config, db: apiDb });
      await server.start(0);
      cleanup.unshift(() => server.stop().then(() => apiDb.close()));
      baseUrl = server.url.replace(/\/graphql$/, '');
    } else {
      const api = await spawnApiProcess(env, await freePort());
      cleanup.unshift(() => api.kill('SIGKILL'));
      baseUrl = api.baseUrl;
    }
    const target = { url: `${baseUrl}/graphql` };
    const users = { db, config, clock: systemClock };
    const [[admin], shoppers] = await Promise.all([createUsers(users, 1, 'ADMIN'), createUsers(users, options.users)]);
    const { bookId } = await createCampaign(target, admin, 20_000);
    const load = new CheckoutLoad({ target, users: shoppers, bookId, transient: ['INTERNAL_SERVER_ERROR'] });
    const recoveries: number[] = [];
    for (const how of options.restarts) {
      await load.progress(options.opsBetween);
      if (how === 'crash') {
        const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
        process.kill(pid, 'SIGQUIT');
      }
      await cluster?.stop();
      cluster = undefined;
      await untilReadiness(baseUrl, 503, 10_000);
      cluster = await startEmbeddedPostgres({ dataDir, port, persistent: true });
      recoveries.push(await untilReadiness(baseUrl, 200, RECOVERY_LIMIT_MS));
    }
    await load.progress(options.opsBetween);
    await finish(load, db, shoppers, `PostgreSQL ${options.restarts.join(',')} restarts (API ${options.api}; ready again after ${recoveries.join(', ')} ms)`);
    return recoveries;
  } finally {
    for (const step of cleanup) await step().catch(() => {});
    await cluster?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Polls `/readyz` every 50 ms until it answers `status`; returns how long that took (ms). */
export async function untilReadiness(baseUrl: string, status: number, limitMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const answered = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status, () => 0);
    if (answered === status) return Date.now() - started;
    if (Date.now() - started > limitMs) throw new Error(`/readyz did not answer ${status} within ${limitMs} ms (last: ${answered})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
