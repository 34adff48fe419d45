import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '@coupons/config';
import { type LiveEvents, systemClock } from '@coupons/core';
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
import { createApiServer } from '../../src/server/api-server.ts';
import {
  type ApiProcess,
  type ApiUser,
  call,
  createCampaign,
  createUsers,
  freePort,
  type Outcome,
  postJson,
  apiProcessEnv,
  startApiProcess,
  startTestServer,
} from '../../testing/index.ts';
import type { GraphQLFormattedError } from 'graphql';
import { expectInvariants } from './book.snapshot.ts';
import { CheckoutLoad, expectNoOpenTransactions, verifyCheckouts } from './checkout.load.ts';

/**
 * The fault-injection scenarios, each self-contained (its own database, API and load, all
 * cleaned up). The standard tests run them briefly (faults.*.test.ts), the soak at length
 * (faults.soak.test.ts). Every scenario ends with the same checks: each user holds exactly the
 * coupons and redemptions they were told about, no session is idle in a transaction, and the
 * invariant checker passes. Where the database is what fails, the answers are counted by code:
 * never INTERNAL_SERVER_ERROR, and every SERVICE_UNAVAILABLE says how to retry (HTTP 503,
 * `Retry-After`, `extensions.retryable` and `retryAfterSeconds`); the load retries those alone.
 */

/** The load comes from one address and few users: the mutation rate limits are not under test here. */
const UNTHROTTLED = { MUTATION_RATE_LIMIT: '1000000', MUTATION_IP_RATE_LIMIT: '1000000', CODE_GUESS_RATE_LIMIT: '1000000' };

export interface LoadShape {
  /** Virtual users (one user each). */
  users: number;
  /** Successful operations between two faults (progress, not time). */
  opsBetween: number;
}

async function finish(load: CheckoutLoad, db: Database, users: ApiUser[], label: string, answers?: AnswerTally): Promise<void> {
  await load.stop();
  console.info(`[faults] ${label}: ${load.checkouts.length} checkouts, ${JSON.stringify(load.stats)}`);
  if (answers) {
    console.info(`[faults] ${label}: answers by code ${JSON.stringify(answers.byCode)}`);
    expect(answers.byCode.INTERNAL_SERVER_ERROR ?? 0, 'INTERNAL_SERVER_ERROR answers while the database failed').toBe(0);
    expect(answers.problems, 'SERVICE_UNAVAILABLE answers that do not say how to retry').toEqual([]);
  }
  await verifyCheckouts(db, users, load.checkouts);
  await expectNoOpenTransactions(db);
  await expectInvariants(db, `after ${label}`);
}

/** Every answer a load received over HTTP, by `extensions.code` (`OK` for data), and what was wrong with any. */
export interface AnswerTally {
  byCode: Record<string, number>;
  /** SERVICE_UNAVAILABLE answers without 503, Retry-After, `retryable` or `retryAfterSeconds` (the first 20). */
  problems: string[];
  /** A `send` for {@link CheckoutLoad} that tallies (and checks) each answer. */
  send: typeof call;
}

/** The transient code the load retries while the database fails: nothing else. */
const DATABASE_AWAY = ['SERVICE_UNAVAILABLE'] as const;

/**
 * A {@link AnswerTally}: sends like `call`, but sees the HTTP status and headers that `call`
 * drops, so that each SERVICE_UNAVAILABLE answer is checked for what a client needs to retry.
 */
export function tallyAnswers(): AnswerTally {
  const tally: AnswerTally = {
    byCode: {},
    problems: [],
    async send<T>(server: { url: string }, query: string, variables: Record<string, unknown>, token?: string | null): Promise<Outcome<T>> {
      const response = await postJson(server.url, JSON.stringify({ query, variables }), token ? { authorization: `Bearer ${token}` } : {});
      let body: { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
      try {
        body = JSON.parse(response.text);
      } catch {
        throw new Error(`Not a GraphQL response (HTTP ${response.status}): ${response.text.slice(0, 300)}`);
      }
      const error = body.errors?.[0];
      const code = error ? String(error.extensions?.code ?? 'NO_CODE') : 'OK';
      tally.byCode[code] = (tally.byCode[code] ?? 0) + 1;
      if (code === 'SERVICE_UNAVAILABLE') {
        const seconds = error?.extensions?.retryAfterSeconds;
        const header = response.headers['retry-after'];
        const fine =
          response.status === 503 &&
          error?.extensions?.retryable === true &&
          typeof seconds === 'number' &&
          seconds > 0 &&
          header === String(seconds);
        if (!fine && tally.problems.length < 20) {
          tally.problems.push(`HTTP ${response.status}, Retry-After ${header}, extensions ${JSON.stringify(error?.extensions)}`);
        }
      }
      if (error) return { ok: false, code, message: error.message };
      return { ok: true, data: (body.data ? Object.values(body.data)[0] : undefined) as T };
    },
  };
  return tally;
}

/** Records the id of every coupon event an API process delivers to its subscribers from now on. */
function recordDeliveries(live: LiveEvents): { ids: string[]; stop: () => void } {
  const ids: string[] = [];
  const stop = live.couponEvents.onBatch((events) => {
    for (const event of events) ids.push(event.id);
  });
  return { ids, stop };
}

/** The newest coupon event id (0 before any). */
async function newestEventId(db: Database): Promise<bigint> {
  const [row] = await db.prisma.$queryRaw<Array<{ id: bigint | null }>>(Prisma.sql`SELECT max(id) AS id FROM coupon_event`);
  return BigInt(row?.id ?? 0);
}

/**
 * The live-event listener came back and caught up: once it has settled, it has delivered every
 * coupon event committed after `since` (during the fault too) exactly once, reading the outbox by id.
 */
async function expectEventsCaughtUp(db: Database, live: LiveEvents, delivered: { ids: string[]; stop: () => void }, since: bigint): Promise<void> {
  await live.settle();
  delivered.stop();
  const committed = await db.prisma.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    SELECT id::text AS id FROM coupon_event WHERE id > ${since} ORDER BY id`);
  const seen = delivered.ids.filter((id) => BigInt(id) > since);
  expect(new Set(seen).size, 'live events delivered twice').toBe(seen.length);
  expect([...seen].sort(), 'live events committed but never delivered (the listener did not catch up)').toEqual(
    committed.map((r) => r.id).sort(),
  );
  console.info(`[faults] live events: ${seen.length} committed during the load, each delivered once`);
}

/**
 * SIGKILL of `packages/api/src/main.ts` (a child process) in the middle of the load, `kills`
 * times, restarting it on the same port each time: no drain, requests cut mid-transaction.
 */
export async function killApiProcessUnderLoad(options: LoadShape & { kills: number }): Promise<void> {
  const database = await createTestDatabase();
  const port = await freePort();
  const env = apiProcessEnv(database.url, UNTHROTTLED);
  let api: ApiProcess | undefined;
  try {
    api = await startApiProcess({ env, port });
    const target = { url: api.url };
    const users = { db: database.db, config: loadConfig(env), clock: systemClock };
    const [[admin], shoppers] = await Promise.all([createUsers(users, 1, 'ADMIN'), createUsers(users, options.users)]);
    const { bookId } = await createCampaign(target, admin, 20_000);
    const load = new CheckoutLoad({ target, users: shoppers, bookId });
    for (let kill = 0; kill < options.kills; kill++) {
      await load.progress(options.opsBetween);
      await api.kill('SIGKILL');
      api = await startApiProcess({ env, port });
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
    const live = server.server.live as LiveEvents;
    const since = await newestEventId(tools);
    const delivered = recordDeliveries(live);
    const answers = tallyAnswers();
    const load = new CheckoutLoad({ target: server, users: shoppers, bookId, transient: DATABASE_AWAY, send: answers.send });
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
    await finish(load, tools, shoppers, `pg_terminate_backend ×${options.rounds} (${terminated} sessions)`, answers);
    await untilReadiness(server.baseUrl, 200, 10_000);
    await expectEventsCaughtUp(tools, live, delivered, since);
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
 * {@link RECOVERY_LIMIT_MS}, and nothing a client was told about may be lost. Clients hear
 * SERVICE_UNAVAILABLE (retryable) meanwhile, never INTERNAL_SERVER_ERROR. The API runs in this
 * process (then its live-event listener must also have caught up on every event) or as `main.ts`
 * in a child (which must survive: a crash would never be ready again).
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
    const env = apiProcessEnv(url, UNTHROTTLED);
    const config = loadConfig({ ...env, API_HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    const db = createDatabase({ url, poolSize: 4, applicationName: 'fault-tools' });
    cleanup.unshift(() => db.close());
    let baseUrl: string;
    let live: LiveEvents | null = null;
    if (options.api === 'in-process') {
      const apiDb = createDatabase({ url, poolSize: 10 });
      const server = await createApiServer({ config, db: apiDb });
      await server.start(0);
      cleanup.unshift(() => server.stop().then(() => apiDb.close()));
      baseUrl = server.url.replace(/\/graphql$/, '');
      live = server.live;
    } else {
      const api = await startApiProcess({ env });
      cleanup.unshift(() => api.kill('SIGKILL'));
      baseUrl = api.baseUrl;
    }
    const target = { url: `${baseUrl}/graphql` };
    const users = { db, config, clock: systemClock };
    const [[admin], shoppers] = await Promise.all([createUsers(users, 1, 'ADMIN'), createUsers(users, options.users)]);
    const { bookId } = await createCampaign(target, admin, 20_000);
    const since = await newestEventId(db);
    const delivered = live ? recordDeliveries(live) : null;
    const answers = tallyAnswers();
    const load = new CheckoutLoad({ target, users: shoppers, bookId, transient: DATABASE_AWAY, send: answers.send });
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
    await finish(load, db, shoppers, `PostgreSQL ${options.restarts.join(',')} restarts (API ${options.api}; ready again after ${recoveries.join(', ')} ms)`, answers);
    expect(answers.byCode.SERVICE_UNAVAILABLE ?? 0, 'clients saw the database away').toBeGreaterThan(0);
    if (live && delivered) await expectEventsCaughtUp(db, live, delivered, since);
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
