import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@coupons/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSettings } from '../auth/auth.settings.ts';
import {
  connectClient,
  createBook,
  createClientPool,
  rawConnectionInit,
  record,
  type RecordingClient,
  refusalCode,
  type SignedUpUser,
  signUp,
  startApiTest,
  startTestServer,
  type TestServer,
  waitFor,
} from '../../testing/index.ts';

let server: TestServer;
let admin: SignedUpUser;
let user: SignedUpUser;
const clients = createClientPool();

beforeAll(async () => {
  ({ server, admin, user } = await startApiTest());
});
afterAll(async () => {
  await clients.disposeAll();
  await server?.close();
});

const client = (token: string | null): RecordingClient => clients.connect(server, token);

describe('connection_init', () => {
  it('closes with 4401 without a token', async () => {
    const result = await rawConnectionInit(server.wsUrl, {});
    expect(result).toMatchObject({ ack: false, code: 4401 });
    expect(result.reason).toMatch(/authorization/);
  });

  it('closes with 4403 on a forged, malformed or non-bearer token', async () => {
    const forged = signAccessToken({ ...tokenSettings(server.config), secret: 'x'.repeat(48) }, admin.user, server.clock).token;
    for (const authorization of [`Bearer ${forged}`, 'Bearer not.a.token', 'Basic dXNlcjpwYXNz', 42]) {
      const result = await rawConnectionInit(server.wsUrl, { authorization });
      expect(result, String(authorization)).toMatchObject({ ack: false, code: authorization === 42 ? 4401 : 4403 });
    }
  });

  it('closes with 4401 on an expired token', async () => {
    const past = { now: () => new Date(server.clock.now().getTime() - 2 * 3600_000) };
    const { token } = signAccessToken({ ...tokenSettings(server.config), ttlSeconds: 60 }, user.user, past);
    expect(await rawConnectionInit(server.wsUrl, { authorization: `Bearer ${token}` })).toMatchObject({ ack: false, code: 4401 });
  });

  it('accepts a good token and closes the socket with 4401 the moment it expires', async () => {
    const { token } = signAccessToken({ ...tokenSettings(server.config), ttlSeconds: 1 }, admin.user, server.clock);
    const c = client(token);
    const bookId = await createBook(server, admin.token);
    const sub = record(c.client, `subscription($b: ID) { couponEvents(bookId: $b) { id } }`, { b: bookId });
    await sub.finished;
    expect(c.closes.map((close) => close.code)).toEqual([4401]);
    expect(sub.errors).toHaveLength(1); // the client reports the closed socket to the subscriber
    expect(sub.values).toEqual([]);
  });
});

describe('subscription arguments and access', () => {
  const cases: Array<[string, 'admin' | 'user', string, Record<string, unknown>, string]> = [
    ['USER on bookStats', 'user', 'subscription($b: ID!) { bookStats(bookId: $b) { total } }', { b: 'BOOK' }, 'FORBIDDEN'],
    ['USER on codeJob', 'user', 'subscription($j: ID!) { codeJob(jobId: $j) { status } }', { j: randomUUID() }, 'FORBIDDEN'],
    ['a malformed bookId', 'user', 'subscription($b: ID) { couponEvents(bookId: $b) { id } }', { b: 'nope' }, 'BAD_USER_INPUT'],
    ['a malformed code', 'admin', 'subscription($c: String) { couponEvents(code: $c) { id } }', { c: 'no spaces!' }, 'BAD_USER_INPUT'],
    ['an unknown book', 'admin', 'subscription($b: ID!) { bookStats(bookId: $b) { total } }', { b: randomUUID() }, 'NOT_FOUND'],
    ['an unknown book (events)', 'admin', 'subscription($b: ID) { redemptionEvents(bookId: $b) { id } }', { b: randomUUID() }, 'NOT_FOUND'],
    ['a malformed jobId', 'admin', 'subscription($j: ID!) { codeJob(jobId: $j) { status } }', { j: '1' }, 'BAD_USER_INPUT'],
    ['an unknown job', 'admin', 'subscription($j: ID!) { codeJob(jobId: $j) { status } }', { j: randomUUID() }, 'NOT_FOUND'],
    ['an unknown field', 'admin', 'subscription { couponEvents { nope } }', {}, 'BAD_USER_INPUT'],
    ['a missing argument', 'admin', 'subscription { bookStats { total } }', {}, 'BAD_USER_INPUT'],
  ];

  for (const [name, who, query, variables, code] of cases) {
    it(`refuses ${name} with ${code} and sends no data`, async () => {
      const bookId = variables.b === 'BOOK' ? await createBook(server, admin.token) : undefined;
      const vars = bookId ? { ...variables, b: bookId } : variables;
      const sub = record(client(who === 'admin' ? admin.token : user.token).client, query, vars);
      await sub.finished;
      expect(refusalCode(sub)).toBe(code);
      expect(sub.values.every((v) => v.data === undefined || v.data === null)).toBe(true);
    });
  }

  it('names the offending field in BAD_USER_INPUT', async () => {
    const sub = record(client(user.token).client, 'subscription { couponEvents(bookId: "x") { id } }');
    await sub.finished;
    expect(sub.values[0]?.errors?.[0]?.message).toMatch(/^bookId: /);
  });

  it('keeps the socket open after a refused subscription', async () => {
    const c = client(user.token);
    const bookId = await createBook(server, admin.token);
    const before = server.server.live?.couponEvents.size ?? 0;
    const ok = record(c.client, 'subscription($b: ID) { couponEvents(bookId: $b) { id } }', { b: bookId });
    await waitFor(() => (server.server.live?.couponEvents.size ?? 0) === before + 1, 'the first subscription');
    const refused = record(c.client, 'subscription { bookStats(bookId: "x") { total } }');
    await refused.finished;
    expect(refusalCode(refused)).toBe('FORBIDDEN');
    expect(c.closes).toEqual([]);
    expect(server.server.live?.couponEvents.size).toBe(before + 1);
    expect(ok.completed).toBe(false);
    ok.stop();
  });
});

describe('graceful shutdown', () => {
  it('closes sockets with 1001 and releases the LISTEN connection', async () => {
    const own = await startTestServer();
    const [ownAdmin] = await Promise.all([signUp(own, 'ADMIN')]);
    const pid = own.server.live?.listener.backendPid;
    expect(pid).toBeTypeOf('number');
    const c = connectClient(own, ownAdmin.token);
    const bookId = await createBook(own, ownAdmin.token);
    const sub = record(c.client, 'subscription($b: ID) { couponEvents(bookId: $b) { id } }', { b: bookId });
    await waitFor(() => (own.server.live?.couponEvents.size ?? 0) === 1, 'the subscription');
    const ready = await fetch(`${own.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    const listeners = () =>
      server.db.prisma.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ${pid}`;
    expect(await listeners()).toEqual([{ n: 1 }]);
    await own.server.stop();
    await sub.finished;
    expect(c.closes.map((close) => close.code)).toEqual([1001]);
    await waitFor(() => own.server.live?.listener.connected === false, 'the listener to stop');
    expect(await listeners()).toEqual([{ n: 0 }]);
    await c.dispose();
    await own.close();
  });
});
