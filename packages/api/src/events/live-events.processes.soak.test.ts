import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '@coupons/config';
import { signAccessToken, systemClock } from '@coupons/core';
import { createTestDatabase, type TestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiProcess,
  connectClient,
  createBookWithCodes,
  graphqlRequest,
  measureDeliveryLatency,
  mutate,
  record,
  startApiProcess,
  waitFor,
} from '../../testing/index.ts';
import { tokenSettings } from '../auth/auth.settings.ts';

/**
 * Two real API processes (`packages/api/src/main.ts`, each its own event loop) on one database:
 * subscribers on both, mutations on the first. Run with `pnpm test:soak`.
 */
const jwtSecret = randomBytes(48).toString('base64url');
const env = (databaseUrl: string, name: string): Record<string, string> => ({
  NODE_ENV: 'production',
  DATABASE_URL: databaseUrl,
  JWT_SECRET: jwtSecret,
  LOG_LEVEL: 'warn',
  MUTATION_RATE_LIMIT: '100000000',
  LOGIN_RATE_LIMIT: '100000000',
  CODE_GUESS_RATE_LIMIT: '100000000',
  COUPON_PROCESS_NAME: name,
});

let database: TestDatabase;
let a: ApiProcess;
let b: ApiProcess;
let adminToken: string;
let userId: string;

const startApi = (name: string) => startApiProcess({ name, env: env(database.url, name) });

beforeAll(async () => {
  database = await createTestDatabase();
  [a, b] = await Promise.all([startApi('api-a'), startApi('api-b')]);
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
  await Promise.all([a, b].map((api) => api?.stop()));
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
