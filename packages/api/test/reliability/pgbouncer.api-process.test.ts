import { loadConfig } from '@coupons/config';
import { systemClock } from '@coupons/core';
import { createTestDatabase, type PgBouncer, startPgBouncer, type TestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiProcess,
  type ApiUser,
  apiProcessEnv,
  COUPON_EVENT_FIELDS,
  call,
  connectClient,
  couponEventsOf,
  createCampaign,
  createUsers,
  OPS,
  record,
  startApiProcess,
  waitFor,
} from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';
import { CheckoutLoad, expectNoOpenTransactions, verifyCheckouts } from './checkout.load.ts';

// The request path as docs/SCALING.md runs it past one machine: API processes whose requests go
// through PgBouncer in transaction pooling (Debian's package, started here) while each keeps its
// LISTEN on a direct connection (DATABASE_LISTEN_URL), with named statements off
// (DATABASE_NAMED_STATEMENTS=false: PgBouncer 1.18 keeps no prepared statement from one
// transaction to the next). PgBouncer gets two server connections for two processes of ten
// client connections each, so consecutive transactions of one client run on different server
// sessions: anything the request path left in a session (a SET, a prepared statement, an
// advisory lock) would show here as an error or a wrong answer.

const POOL_SIZE = 2;

let database: TestDatabase;
let bouncer: PgBouncer;
const apis: ApiProcess[] = [];
let admin: ApiUser;
/** Each test's shoppers are its own: 30 racers, 20 checkout users, one live shopper, 20 for the default settings. */
let racers: ApiUser[];
let buyers: ApiUser[];
let liveShopper: ApiUser;
let defaultsShoppers: ApiUser[];
/** The environment of the processes (for one more with other settings). */
let env: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  bouncer = await startPgBouncer(database.url, POOL_SIZE, (line) => console.info(`[pgbouncer] ${line}`));
  env = apiProcessEnv(bouncer.url, {
    DATABASE_LISTEN_URL: database.url,
    DATABASE_NAMED_STATEMENTS: 'false',
    MUTATION_RATE_LIMIT: '1000000',
    MUTATION_IP_RATE_LIMIT: '1000000',
  });
  apis.push(...(await Promise.all(['api-a', 'api-b'].map((name) => startApiProcess({ name, env })))));
  const users = { db: database.db, config: loadConfig({ ...env, LOG_LEVEL: 'silent' }), clock: systemClock };
  const [[created], shoppers] = await Promise.all([createUsers(users, 1, 'ADMIN'), createUsers(users, 71)]);
  admin = created;
  [racers, buyers, [liveShopper], defaultsShoppers] = [shoppers.slice(0, 30), shoppers.slice(30, 50), shoppers.slice(50, 51), shoppers.slice(51)];
}, 120_000);

afterAll(async () => {
  await Promise.all(apis.map((api) => api.stop()));
  await bouncer?.stop();
  await database?.drop();
});

/** The lines either process logged at error level (pino's 50 and above). */
function errorLines(): string[] {
  return apis.flatMap((api) => api.output().split('\n').filter((line) => /"level":(5|6)\d/.test(line)).map((line) => `${api.name}: ${line}`));
}

describe('the request path through PgBouncer (transaction pooling), two API processes', () => {
  it('racing claims for the last codes, half through each process, answer as a serial order would', async () => {
    const { bookId, codes } = await createCampaign(apis[0], admin, 10);
    const answers = await Promise.all(racers.map((shopper, i) => call<{ code: string }>(apis[i % 2], OPS.assignRandom, { bookId }, shopper.token)));
    const won = answers.flatMap((a) => (a.ok ? [a.data.code] : []));
    expect(won.sort(), 'every code claimed once').toEqual([...codes].sort());
    expect(answers.filter((a) => !a.ok).map((a) => (a.ok ? '' : a.code))).toEqual(Array(20).fill('SOLD_OUT'));
    await expectInvariants(database.db, 'after the race');
    expect(errorLines()).toEqual([]);
  }, 60_000);

  it('checkouts with idempotency keys on both processes until the book runs out: one effect per answer', async () => {
    const { bookId } = await createCampaign(apis[0], admin, 150);
    const [left, right] = [buyers.slice(0, 10), buyers.slice(10)];
    const loads = [new CheckoutLoad({ target: apis[0], users: left, bookId }), new CheckoutLoad({ target: apis[1], users: right, bookId })];
    await Promise.all(loads.map((load) => load.untilSoldOut()));
    const checkouts = loads.flatMap((load) => load.checkouts);
    expect(checkouts).toHaveLength(150);
    await verifyCheckouts(database.db, [...left, ...right], checkouts);

    // A retry with a key already answered, through the other process, returns the first answer.
    const [first] = loads[0].checkouts;
    const index = left.findIndex((u) => u.id === first.userId);
    const again = await call<{ id: string }>(apis[1], OPS.redeem, { code: first.code, key: `vu${index}-0-redeem` }, left[index].token);
    expect(again).toMatchObject({ ok: true, data: { id: first.redemptionId } });

    await expectNoOpenTransactions(database.db);
    await expectInvariants(database.db, 'after the checkouts');
    expect(errorLines()).toEqual([]);
  }, 120_000);

  it('live events reach a subscriber of the other process through its direct LISTEN connection', async () => {
    const { bookId } = await createCampaign(apis[0], admin, 20);
    const shopper = liveShopper;
    const claim = async () => {
      const answer = await call<{ code: string }>(apis[0], OPS.assignRandom, { bookId }, shopper.token);
      if (!answer.ok) throw new Error(`claim: ${answer.code}`);
      return answer.data.code;
    };
    const socket = connectClient(apis[1], admin.token);
    try {
      const seen = record<{ couponEvents: { type: string; coupon: { code: string } } }>(socket.client, `subscription ($bookId: ID) { couponEvents(bookId: $bookId) { ${COUPON_EVENT_FIELDS} } }`, { bookId });
      // The subscription is live once a claim's event comes through: claim until one does.
      for (let tries = 0; seen.values.length === 0 && tries < 30; tries++) {
        await claim();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(seen.values.length, 'the subscription received a claim made through the other process').toBeGreaterThan(0);
      const codes = new Set<string>();
      const expected: string[] = [];
      for (let i = 0; i < 3; i++) {
        const code = await claim();
        codes.add(code);
        for (const op of [OPS.lock, OPS.redeem]) {
          const answer = await call(apis[0], op, { code }, shopper.token);
          expect(answer.ok, JSON.stringify(answer)).toBe(true);
        }
        expected.push(`${code} ASSIGNED`, `${code} LOCKED`, `${code} REDEEMED`);
      }
      // Of this book's events, those of the three coupons claimed once the subscription was live.
      const measured = () =>
        couponEventsOf(seen)
          .filter((e) => codes.has(e.coupon.code))
          .map((e) => `${e.coupon.code} ${e.type}`);
      await waitFor(() => measured().length >= expected.length, 'every claim, lock and redeem event', 10_000);
      expect(measured(), 'each event once, in commit order').toEqual(expected);
      expect(seen.errors).toEqual([]);
    } finally {
      await socket.dispose();
    }
    expect(errorLines()).toEqual([]);
  }, 60_000);

  it('a process left with named statements on (the default) turns them off at the first lost one: every checkout completes, one warning', async () => {
    const { DATABASE_NAMED_STATEMENTS: _off, ...defaults } = env;
    const api = await startApiProcess({ name: 'api-defaults', env: defaults });
    apis.push(api);
    const { bookId } = await createCampaign(apis[0], admin, 20);
    // As a client is told to: SERVICE_UNAVAILABLE is retryable, resent with the same idempotency key.
    const unavailable: string[] = [];
    const send = async <T>(op: string, variables: Record<string, unknown>, token: string) => {
      for (let attempt = 0; ; attempt++) {
        const answer = await call<T>(api, op, variables, token);
        if (answer.ok || answer.code !== 'SERVICE_UNAVAILABLE' || attempt === 5) return answer;
        unavailable.push(op.slice(0, op.indexOf('(')));
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const answers = await Promise.all(
      defaultsShoppers.map(async (shopper, i) => {
        const claimed = await send<{ code: string }>(OPS.assignRandom, { bookId, key: `defaults-${i}-claim` }, shopper.token);
        if (!claimed.ok) return claimed.code;
        for (const [op, step] of [[OPS.lock, 'lock'], [OPS.redeem, 'redeem']]) {
          const answer = await send(op, { code: claimed.data.code, key: `defaults-${i}-${step}` }, shopper.token);
          if (!answer.ok) return answer.code;
        }
        return 'REDEEMED';
      }),
    );
    console.info(`[pgbouncer] named statements on: ${unavailable.length} SERVICE_UNAVAILABLE answers before the switch (${unavailable.join(', ')})`);
    expect(answers).toEqual(Array(20).fill('REDEEMED'));
    const warnings = api.output().split('\n').filter((line) => line.includes('Named prepared statements are lost'));
    expect(warnings, 'one warning, when named statements were turned off').toHaveLength(1);
    await expectInvariants(database.db, 'after the default settings');
    expect(errorLines()).toEqual([]);
  }, 60_000);
});
