import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@coupons/core';
import { describe, expect, it } from 'vitest';
import { tokenSettings } from '../auth/auth.settings.ts';
import {
  connectClient,
  createBook,
  rawConnectionInit,
  record,
  type RecordingClient,
  refusalCode,
  signUp,
  startTestServer,
  useApiTest,
  waitFor,
} from '../../testing/index.ts';

const t = useApiTest();

const client = (token: string | null): RecordingClient => t.clients.connect(t.server, token);

describe('connection_init', () => {
  it('closes with 4401 without a token', async () => {
    const result = await rawConnectionInit(t.server.wsUrl, {});
    expect(result).toMatchObject({ ack: false, code: 4401 });
    expect(result.reason).toMatch(/authorization/);
  });

  it('closes with 4403 on a forged, malformed or non-bearer token', async () => {
    const forged = signAccessToken({ ...tokenSettings(t.server.config), secret: 'x'.repeat(48) }, t.admin.user, t.server.clock).token;
    for (const authorization of [`Bearer ${forged}`, 'Bearer not.a.token', 'Basic dXNlcjpwYXNz', 42]) {
      const result = await rawConnectionInit(t.server.wsUrl, { authorization });
      expect(result, String(authorization)).toMatchObject({ ack: false, code: authorization === 42 ? 4401 : 4403 });
    }
  });

  it('closes with 4401 on an expired token', async () => {
    const past = { now: () => new Date(t.server.clock.now().getTime() - 2 * 3600_000) };
    const { token } = signAccessToken({ ...tokenSettings(t.server.config), ttlSeconds: 60 }, t.user.user, past);
    expect(await rawConnectionInit(t.server.wsUrl, { authorization: `Bearer ${token}` })).toMatchObject({ ack: false, code: 4401 });
  });

  it('accepts a good token and closes the socket with 4401 the moment it expires', async () => {
    const { token } = signAccessToken({ ...tokenSettings(t.server.config), ttlSeconds: 1 }, t.admin.user, t.server.clock);
    const c = client(token);
    const bookId = await createBook(t.server, t.admin.token);
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
      const bookId = variables.b === 'BOOK' ? await createBook(t.server, t.admin.token) : undefined;
      const vars = bookId ? { ...variables, b: bookId } : variables;
      const sub = record(client(who === 'admin' ? t.admin.token : t.user.token).client, query, vars);
      await sub.finished;
      expect(refusalCode(sub)).toBe(code);
      expect(sub.values.every((v) => v.data === undefined || v.data === null)).toBe(true);
    });
  }

  it('names the offending field in BAD_USER_INPUT', async () => {
    const sub = record(client(t.user.token).client, 'subscription { couponEvents(bookId: "x") { id } }');
    await sub.finished;
    expect(sub.values[0]?.errors?.[0]?.message).toMatch(/^bookId: /);
  });

  it('keeps the socket open after a refused subscription', async () => {
    const c = client(t.user.token);
    const bookId = await createBook(t.server, t.admin.token);
    const before = t.server.server.live?.couponEvents.size ?? 0;
    const ok = record(c.client, 'subscription($b: ID) { couponEvents(bookId: $b) { id } }', { b: bookId });
    await waitFor(() => (t.server.server.live?.couponEvents.size ?? 0) === before + 1, 'the first subscription');
    const refused = record(c.client, 'subscription { bookStats(bookId: "x") { total } }');
    await refused.finished;
    expect(refusalCode(refused)).toBe('FORBIDDEN');
    expect(c.closes).toEqual([]);
    expect(t.server.server.live?.couponEvents.size).toBe(before + 1);
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
      t.server.db.prisma.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ${pid}`;
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
