import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { loadConfig, projectRoot } from '@coupons/config';
import { signAccessToken, systemClock } from '@coupons/core';
import { createTestDatabase, type TestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSettings } from '../auth/auth.settings.ts';
import {
  connectClient,
  createBookWithCodes,
  graphqlRequest,
  measureDeliveryLatency,
  mutate,
  record,
  waitFor,
} from '../../testing/index.ts';

/**
 * Two real API processes (`packages/api/src/main.ts`, each its own event loop) on one database:
 * subscribers on both, mutations on the first. Run with `pnpm test:soak`.
 */
const jwtSecret = randomBytes(48).toString('base64url');
const env = (databaseUrl: string, port: number, name: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: 'production',
  DATABASE_URL: databaseUrl,
  API_HOST: '127.0.0.1',
  API_PORT: String(port),
  JWT_SECRET: jwtSecret,
  LOG_LEVEL: 'warn',
  MUTATION_RATE_LIMIT: '100000000',
  LOGIN_RATE_LIMIT: '100000000',
  CODE_GUESS_RATE_LIMIT: '100000000',
  COUPON_PROCESS_NAME: name,
});

interface ApiChild {
  url: string;
  wsUrl: string;
  child: ChildProcess;
}

const children: ChildProcess[] = [];
let database: TestDatabase;
let a: ApiChild;
let b: ApiChild;
let adminToken: string;
let userId: string;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startApiChild(name: string): Promise<ApiChild> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'packages/api/src/main.ts')], {
    cwd: projectRoot,
    env: env(database.url, port, name),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    const ready = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`${name} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url: `${base}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql`, child };
}

const killAll = () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
};
process.once('exit', killAll);

beforeAll(async () => {
  database = await createTestDatabase();
  [a, b] = await Promise.all([startApiChild('api-a'), startApiChild('api-b')]);
  const register = async () => {
    const email = `soak-${randomUUID()}@example.test`;
    const r = await graphqlRequest<{ register: { user: { id: string } } }>(
      a,
      'mutation($e: String!, $p: String!) { register(email: $e, password: $p) { user { id } } }',
      { e: email, p: 'correct horse battery staple' },
    );
    return { id: r.data?.register.user.id as string, email };
  };
  const [adminUser, shopper] = await Promise.all([register(), register()]);
  await database.db.prisma.user.update({ where: { id: adminUser.id }, data: { role: 'ADMIN' } });
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: database.url, JWT_SECRET: jwtSecret });
  adminToken = signAccessToken(tokenSettings(config), { id: adminUser.id, role: 'ADMIN', email: adminUser.email }, systemClock).token;
  userId = shopper.id;
}, 120_000);

afterAll(async () => {
  // SIGTERM: the processes drain, close sockets with 1001 and release their LISTEN connections.
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await database?.drop();
});

const listeners = async () => {
  const rows = await database.db.prisma.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'coupon-listener' AND datname = current_database()`;
  return rows[0]?.n;
};

describe('two API processes', () => {
  it('each holds one LISTEN connection', async () => {
    expect(await listeners()).toBe(2);
  });

  it('delivers what one process commits to subscribers of the other, in order', async () => {
    const { bookId, codes } = await createBookWithCodes(a, adminToken, 20);
    const c = connectClient(b, adminToken);
    const sub = record<{ couponEvents: { type: string; coupon: { code: string } } }>(
      c.client,
      'subscription($b: ID) { couponEvents(bookId: $b) { type coupon { code } } }',
      { b: bookId },
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // no protocol ack for a subscription
    for (const code of codes) {
      await mutate(a, adminToken, 'mutation($c: String!, $u: ID) { assignCoupon(code: $c, userId: $u) { id } }', { c: code, u: userId });
    }
    await waitFor(() => sub.values.length === 20, 'twenty events on the other process');
    expect(sub.values.map((v) => v.data?.couponEvents.coupon.code)).toEqual(codes);
    await c.dispose();
  });

  for (const [name, pacing] of [
    ['a burst (4 mutations in flight)', { concurrency: 4 }],
    ['a steady 20 events/s', { concurrency: 1, gapMs: 50 }],
  ] as const) {
    it(`measures delivery latency of 200 events to 100 subscribers: ${name}`, async () => {
      const report = await measureDeliveryLatency({ local: a, remote: b, adminToken, userId, subscribers: 100, events: 200, ...pacing });
      console.info(`live-event delivery latency (two processes, ${name}): ${JSON.stringify(report)}`);
      expect(report.deliveries).toBe(20_000);
      expect(report.duplicates).toBe(0);
    }, 120_000);
  }
});
