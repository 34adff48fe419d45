import { Prisma } from '@coupons/db';
import { holdLock, lockWaiters } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type ApiProcess,
  type ApiUser,
  call,
  connectClient,
  couponEventsOf,
  createCampaign,
  createPool,
  createUsers,
  OPS,
  pollUntil,
  postJson,
  record,
  useApiProcesses,
  waitFor,
} from '../../testing/index.ts';

// Multi-process coherence: the service runs as N stateless API processes on one PostgreSQL, and N
// processes must behave as ONE service. Each test makes a change through process A and checks
// that process B (a separate `main.ts`, with its own memory: caches, timers, limiters, feeds)
// honours it as the docs promise. Nothing here sleeps to assert: waits poll with a deadline.

const RECHECK_MS = 500;
const MUTATION_LIMIT = 200;
const GUESS_LIMIT = 5;

const t = useApiProcesses({
  SESSION_RECHECK_INTERVAL_MS: String(RECHECK_MS),
  LOCK_SWEEP_INTERVAL_MS: '100',
  // Per user only: every call of the test comes from 127.0.0.1, so the per-address budgets are lifted.
  MUTATION_RATE_LIMIT: String(MUTATION_LIMIT),
  MUTATION_IP_RATE_LIMIT: '100000000',
  API_KEY_RATE_LIMIT: '100000000',
  // One window for the whole file: a window that rolls over mid-test would reset the counts.
  MUTATION_RATE_WINDOW_SECONDS: '3600',
  CODE_GUESS_RATE_LIMIT: String(GUESS_LIMIT),
  CODE_GUESS_IP_RATE_LIMIT: '100000000',
  LOGIN_IP_RATE_LIMIT: '100000',
  CODE_JOB_HEARTBEAT_INTERVAL_MS: '500',
  CODE_JOB_STALE_AFTER_MS: '60000',
});

/** The two processes, started once for the file (a test that restarts B replaces it here). */
const apis: { a: ApiProcess; b: ApiProcess } = {} as never;
async function both(): Promise<{ a: ApiProcess; b: ApiProcess }> {
  if (!apis.a) [apis.a, apis.b] = await Promise.all([t.start({ name: 'api-a' }), t.start({ name: 'api-b' })]);
  return apis;
}

/** A fresh ADMIN for each test: mutations count per user, and the limit is low here. */
async function freshAdmin(): Promise<ApiUser> {
  return (await createUsers(t.users, 1, 'ADMIN'))[0];
}

const ok = <T>(outcome: Awaited<ReturnType<typeof call<T>>>, what: string): T => {
  if (!outcome.ok) throw new Error(`${what}: ${outcome.code} ${outcome.message}`);
  return outcome.data;
};

/** A raw graphql-transport-ws socket: admitted or not, its messages, and how it closed. */
interface RawSocket {
  messages: Array<{ id?: string; type: string; payload?: any }>;
  closed: Promise<{ code: number; reason: string }>;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
  close(): void;
}

async function openSocket(api: ApiProcess, bearer: string): Promise<RawSocket> {
  const socket = new WebSocket(api.wsUrl, 'graphql-transport-ws');
  const messages: RawSocket['messages'] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  socket.on('message', (data) => messages.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => resolve());
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${bearer}` } }));
  const first = await Promise.race([
    waitFor(() => messages.some((m) => m.type === 'connection_ack'), 'connection_ack', 10_000).then(() => 'ack' as const),
    closed.then((c) => c),
  ]);
  if (first !== 'ack') throw new Error(`socket refused: ${JSON.stringify(first)}`);
  return {
    messages,
    closed,
    subscribe: (id, query, variables = {}) => socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } })),
    close: () => socket.close(1000),
  };
}

/**
 * The close code, once the socket closed; throws when it is still open `ms` after the change
 * (operations.md: "a session revoked … on another instance closes the sockets within
 * [SESSION_RECHECK_INTERVAL_MS]"; the slack is for a loaded 2-core machine).
 */
async function closedWithin(socket: RawSocket, ms: number): Promise<{ code: number; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the socket was still open ${ms} ms after the change`)), ms);
  });
  try {
    return await Promise.race([socket.closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The newest event id, and the ids of the last 1,000 that are not visible (in flight or rolled back). */
async function outboxNow(): Promise<{ max: bigint; invisible: Set<bigint> }> {
  const { rows } = await t.database.db.pool.query<{ id: string }>(
    `SELECT id::text AS id FROM coupon_event WHERE id > (SELECT coalesce(max(id), 0) FROM coupon_event) - 1000 ORDER BY id::bigint`,
  );
  const ids = rows.map((r) => BigInt(r.id));
  const max = ids.at(-1) ?? 0n;
  const present = new Set(ids);
  const invisible = new Set<bigint>();
  for (let id = max - 999n; id < max; id++) if (id > 0n && !present.has(id)) invisible.add(id);
  return { max, invisible };
}

const ME = 'query { me { id role } }';
const ADMIN_QUERY = 'query { users(first: 1) { totalCount } }';
const STATS = `subscription ($b: ID!) { bookStats(bookId: $b) { bookId total unassigned assigned locked redeemed activeLocks redemptionsLeft } }`;
const BOOK = `query ($id: ID!) { book(id: $id) { counts { total unassigned assigned locked redeemed } redemptionsLeft } }`;
const EVENTS = `subscription ($bookId: ID) { couponEvents(bookId: $bookId) { id type coupon { code } } }`;

describe('two API processes on one database behave as one service', () => {
  describe('sessions and keys changed on A are refused on B at once (HTTP) and within the re-check interval (sockets)', () => {
    it('revokeUserSessions on A: the next HTTP request on B is UNAUTHENTICATED, the open socket on B closes 4401', async () => {
      const { a, b } = await both();
      const admin = await freshAdmin();
      const [user] = await createUsers(t.users, 1);
      expect(ok(await call(b, ME, {}, user.token), 'me on B')).toMatchObject({ id: user.id });
      const socket = await openSocket(b, user.token);
      socket.subscribe('1', EVENTS, {});
      ok(await call(a, 'mutation ($u: ID!) { revokeUserSessions(userId: $u) { id } }', { u: user.id }, admin.token), 'revoke on A');
      const after = await call(b, ME, {}, user.token);
      expect(after.ok ? 'answered' : after.code).toBe('UNAUTHENTICATED');
      expect((await closedWithin(socket, RECHECK_MS + 2_000)).code).toBe(4401);
    }, 60_000);

    it('disableUser on A: B refuses HTTP and closes the socket 4401', async () => {
      const { a, b } = await both();
      const admin = await freshAdmin();
      const [user] = await createUsers(t.users, 1);
      const socket = await openSocket(b, user.token);
      socket.subscribe('1', EVENTS, {});
      ok(await call(a, 'mutation ($u: ID!) { disableUser(userId: $u) { id } }', { u: user.id }, admin.token), 'disable on A');
      const after = await call(b, ME, {}, user.token);
      expect(after.ok ? 'answered' : after.code).toBe('UNAUTHENTICATED');
      expect((await closedWithin(socket, RECHECK_MS + 2_000)).code).toBe(4401);
    }, 60_000);

    it("setUserRole(USER) on A: B answers the demoted admin's admin query FORBIDDEN and closes its admin subscription 4403", async () => {
      const { a, b } = await both();
      const [admin, boss] = await createUsers(t.users, 2, 'ADMIN');
      const { bookId } = await createCampaign(a, admin, 2);
      ok(await call(b, ADMIN_QUERY, {}, boss.token), 'admin query on B');
      const socket = await openSocket(b, boss.token);
      socket.subscribe('s', STATS, { b: bookId });
      await waitFor(() => socket.messages.some((m) => m.id === 's' && m.type === 'next'), 'the first bookStats value', 10_000);
      ok(await call(a, 'mutation ($u: ID!) { setUserRole(userId: $u, role: USER) { role } }', { u: boss.id }, admin.token), 'demote on A');
      const after = await call(b, ADMIN_QUERY, {}, boss.token);
      expect(after.ok ? 'answered' : after.code).toBe('FORBIDDEN');
      expect((await closedWithin(socket, RECHECK_MS + 2_000)).code).toBe(4403);
    }, 60_000);

    it('revokeApiKey on A: the key is UNAUTHENTICATED on B at its next call and its socket on B closes 4401', async () => {
      const { a, b } = await both();
      const admin = await freshAdmin();
      const key = ok(
        await call<{ secret: string; apiKey: { id: string } }>(
          a,
          'mutation { createApiKey(input: { name: "coherence", scopes: [ADMIN] }) { secret apiKey { id } } }',
          {},
          admin.token,
        ),
        'createApiKey',
      );
      const BOOKS = 'query { books(first: 1) { totalCount } }';
      ok(await call(b, BOOKS, {}, key.secret), 'books with the key on B');
      const socket = await openSocket(b, key.secret);
      socket.subscribe('1', EVENTS, {});
      ok(await call(a, 'mutation ($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: key.apiKey.id }, admin.token), 'revoke on A');
      const after = await call(b, BOOKS, {}, key.secret);
      expect(after.ok ? 'answered' : after.code).toBe('UNAUTHENTICATED');
      expect((await closedWithin(socket, RECHECK_MS + 2_000)).code).toBe(4401);
    }, 60_000);

    it('signOutEverywhere on A ends the refresh-cookie session on B too (refreshSession refused)', async () => {
      const { a, b } = await both();
      const email = `coherence-${Date.now()}@example.test`;
      const password = 'correct horse battery staple';
      const registered = await postJson(a.url, JSON.stringify({ query: 'mutation ($e: String!, $p: String!) { register(email: $e, password: $p) { token } }', variables: { e: email, p: password } }));
      const token = JSON.parse(registered.text).data?.register?.token as string;
      expect(token, registered.text).toBeTruthy();
      const cookieOf = (headers: Record<string, unknown>) =>
        ([] as string[]).concat((headers['set-cookie'] as string[] | undefined) ?? []).map((c) => c.split(';')[0]).find((c) => c.startsWith('coupons_refresh='));
      let cookie = cookieOf(registered.headers);
      expect(cookie, 'register sets the refresh cookie').toBeTruthy();
      const refresh = (api: ApiProcess) => postJson(api.url, JSON.stringify({ query: 'mutation { refreshSession { token } }' }), { cookie: cookie as string });
      // The session refreshes on B, as on A.
      const onB = await refresh(b);
      expect(JSON.parse(onB.text).data?.refreshSession?.token, onB.text).toBeTruthy();
      cookie = cookieOf(onB.headers);
      ok(await call(a, 'mutation { signOutEverywhere }', {}, JSON.parse(onB.text).data.refreshSession.token), 'signOutEverywhere on A');
      const again = JSON.parse((await refresh(b)).text);
      expect(again.errors?.[0]?.extensions?.code, JSON.stringify(again)).toBe('UNAUTHENTICATED');
    }, 60_000);
  });

  describe("a book changed on A governs B's next call", () => {
    it('pause, resume, a new per-user limit, a new lock time and a delete on A apply to the next call on B', async () => {
      const { a, b } = await both();
      const admin = await freshAdmin();
      const [shopper] = await createUsers(t.users, 1);
      const { bookId } = await createCampaign(a, admin, 10);

      ok(await call(a, 'mutation ($id: ID!) { pauseBook(id: $id) { status } }', { id: bookId }, admin.token), 'pause on A');
      const paused = await call(b, OPS.assignRandom, { bookId }, shopper.token);
      expect(paused.ok ? 'claimed' : paused.code).toBe('BOOK_NOT_ACTIVE');

      ok(await call(a, 'mutation ($id: ID!) { resumeBook(id: $id) { status } }', { id: bookId }, admin.token), 'resume on A');
      const { code } = ok(await call<{ code: string }>(b, OPS.assignRandom, { bookId }, shopper.token), 'claim on B after resume');

      ok(await call(a, 'mutation ($id: ID!) { updateBook(id: $id, input: { maxAssignmentsPerUser: 1, lockTtlSeconds: 7 }) { id } }', { id: bookId }, admin.token), 'limit on A');
      const second = await call(b, OPS.assignRandom, { bookId }, shopper.token);
      expect(second.ok ? 'claimed' : second.code).toBe('LIMIT_REACHED');
      const locked = ok(await call<{ lockExpiresAt: string }>(b, OPS.lock, { code }, shopper.token), 'lock on B');
      const ttl = (Date.parse(locked.lockExpiresAt) - Date.now()) / 1000;
      expect(ttl, 'the lock time set on A').toBeGreaterThan(3);
      expect(ttl, 'the lock time set on A').toBeLessThanOrEqual(7);

      const other = await createCampaign(a, admin, 3);
      ok(await call(a, 'mutation ($id: ID!) { deleteBook(id: $id) }', { id: other.bookId }, admin.token), 'delete on A');
      const gone = await call(b, OPS.assignRandom, { bookId: other.bookId }, shopper.token);
      expect(gone.ok ? 'claimed' : gone.code).toBe('NOT_FOUND');
    }, 60_000);
  });

  describe('idempotency keys are one store for every process', () => {
    it('a key used on A replays on B (claim, lock, redeem), and the same key with other arguments on B is BAD_USER_INPUT', async () => {
      const { a, b } = await both();
      const admin = await freshAdmin();
      const [shopper] = await createUsers(t.users, 1);
      const { bookId } = await createCampaign(a, admin, 5);
      const other = await createCampaign(a, admin, 5);

      const claimed = ok(await call<{ id: string; code: string }>(a, OPS.assignRandom, { bookId, key: 'claim-1' }, shopper.token), 'claim on A');
      const replayed = ok(await call<{ id: string; code: string }>(b, OPS.assignRandom, { bookId, key: 'claim-1' }, shopper.token), 'replay on B');
      expect(replayed.code).toBe(claimed.code);
      const mismatch = await call(b, OPS.assignRandom, { bookId: other.bookId, key: 'claim-1' }, shopper.token);
      expect(mismatch.ok ? 'claimed' : mismatch.code).toBe('BAD_USER_INPUT');

      const locked = ok(await call<{ lockExpiresAt: string }>(a, OPS.lock, { code: claimed.code, key: 'lock-1' }, shopper.token), 'lock on A');
      const relocked = ok(await call<{ lockExpiresAt: string }>(b, OPS.lock, { code: claimed.code, key: 'lock-1' }, shopper.token), 'lock replay on B');
      expect(relocked.lockExpiresAt).toBe(locked.lockExpiresAt);

      const redeemed = ok(await call<{ id: string }>(a, OPS.redeem, { code: claimed.code, key: 'redeem-1', metadata: { order: 'o-1' } }, shopper.token), 'redeem on A');
      const again = ok(await call<{ id: string }>(b, OPS.redeem, { code: claimed.code, key: 'redeem-1', metadata: { order: 'o-1' } }, shopper.token), 'redeem replay on B');
      expect(again.id).toBe(redeemed.id);
      const otherArgs = await call(b, OPS.redeem, { code: claimed.code, key: 'redeem-1', metadata: { order: 'o-2' } }, shopper.token);
      expect(otherArgs.ok ? 'redeemed' : otherArgs.code).toBe('BAD_USER_INPUT');

      const counts = await t.database.db.prisma.$queryRaw<Array<{ claims: number; redemptions: number }>>(Prisma.sql`
        SELECT (SELECT count(*)::int FROM coupon WHERE assigned_user_id = ${shopper.id}::uuid) AS claims,
               (SELECT count(*)::int FROM redemption WHERE user_id = ${shopper.id}::uuid) AS redemptions`);
      expect(counts[0]).toEqual({ claims: 1, redemptions: 1 });
    }, 60_000);
  });

  describe('idempotency keys raced across processes', () => {
    it('one key sent 12 times at once, half to each process: one claim and one redemption, every answer the first', async () => {
      const { a, b } = await both();
      const admin = await freshAdmin();
      const [shopper] = await createUsers(t.users, 1);
      const { bookId } = await createCampaign(a, admin, 20);
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, i) => call<{ code: string }>(i % 2 ? b : a, OPS.assignRandom, { bookId, key: 'race-claim' }, shopper.token)),
      );
      const codes = new Set(claims.map((c) => (c.ok ? c.data.code : `refused ${c.code}`)));
      expect([...codes], JSON.stringify(claims.filter((c) => !c.ok))).toHaveLength(1);
      const [code] = [...codes];
      ok(await call(a, OPS.lock, { code }, shopper.token), 'lock');
      const redemptions = await Promise.all(
        Array.from({ length: 12 }, (_, i) => call<{ id: string }>(i % 2 ? a : b, OPS.redeem, { code, key: 'race-redeem', metadata: { order: 'r-1' } }, shopper.token)),
      );
      const ids = new Set(redemptions.map((r) => (r.ok ? r.data.id : `refused ${r.code}`)));
      expect([...ids], JSON.stringify(redemptions.filter((r) => !r.ok))).toHaveLength(1);
      const { rows } = await t.database.db.pool.query<{ claims: number; redemptions: number }>(
        `SELECT (SELECT count(*)::int FROM coupon WHERE assigned_user_id = $1::uuid) AS claims,
                (SELECT count(*)::int FROM redemption WHERE user_id = $1::uuid) AS redemptions`,
        [shopper.id],
      );
      expect(rows[0]).toEqual({ claims: 1, redemptions: 1 });
    }, 60_000);
  });

  describe('rate and guess limits documented as shared are shared', () => {
    it(`mutations: ${MUTATION_LIMIT} on A, then B admits at most 5 % more (operations.md: "(N − 1) × 5 % more")`, async () => {
      const { a, b } = await both();
      const [user] = await createUsers(t.users, 1);
      const unlock = (api: ApiProcess) => call(api, OPS.unlock, { code: 'NO-SUCH-CODE' }, user.token);
      for (let i = 0; i < MUTATION_LIMIT; i++) {
        const answer = await unlock(a);
        expect(answer.ok ? 'unlocked' : answer.code, `mutation ${i + 1} on A`).toBe('NOT_FOUND');
      }
      const onB: string[] = [];
      for (let i = 0; i < 30; i++) {
        const answer = await unlock(b);
        onB.push(answer.ok ? 'unlocked' : answer.code);
      }
      const admittedOnB = onB.filter((code) => code !== 'RATE_LIMITED').length;
      expect(admittedOnB, onB.join(' ')).toBeLessThanOrEqual(Math.floor(MUTATION_LIMIT * 0.05));
      expect(onB.at(-1)).toBe('RATE_LIMITED');
      const backOnA = await unlock(a);
      expect(backOnA.ok ? 'unlocked' : backOnA.code).toBe('RATE_LIMITED');
    }, 120_000);

    it(`code guesses: ${GUESS_LIMIT} failures on A, then B admits within the documented N × the limit and refuses a real free code`, async () => {
      const { a, b } = await both();
      const admin = await freshAdmin();
      const [guesser] = await createUsers(t.users, 1);
      const { codes } = await createCampaign(a, admin, 2);
      const guess = (api: ApiProcess, code: string) => call(api, OPS.assignCode, { code }, guesser.token);
      for (let i = 0; i < GUESS_LIMIT; i++) expect((await guess(a, `WRONG-${i}`)).ok).toBe(false);
      const refusedOnA = await guess(a, codes[0]);
      expect(refusedOnA.ok ? 'claimed' : refusedOnA.code).toBe('RATE_LIMITED');
      const onB: string[] = [];
      for (let i = 0; i < 2 * GUESS_LIMIT; i++) {
        const answer = await guess(b, `WRONG-B-${i}`);
        onB.push(answer.ok ? 'claimed' : answer.code);
      }
      const admittedOnB = onB.filter((code) => code !== 'RATE_LIMITED').length;
      expect(admittedOnB, onB.join(' ')).toBeLessThanOrEqual(GUESS_LIMIT);
      const free = await guess(b, codes[1]);
      expect(free.ok ? 'claimed' : free.code, 'a real free code once limited on B').toBe('RATE_LIMITED');
    }, 60_000);

    it('login back-off: 5 failures alternating A and B, then the next attempt is refused on either', async () => {
      const { a, b } = await both();
      const email = `nobody-${Date.now()}@example.test`;
      const login = (api: ApiProcess) => call(api, 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', { e: email, p: 'wrong password here' });
      for (let i = 0; i < 5; i++) {
        const answer = await login(i % 2 ? b : a);
        expect(answer.ok ? 'signed in' : answer.code, `failure ${i + 1}`).toBe('UNAUTHENTICATED');
      }
      for (const api of [b, a]) {
        const answer = await login(api);
        expect(answer.ok ? 'signed in' : answer.code, `after 5 failures, on ${api.name}`).toBe('RATE_LIMITED');
      }
    }, 60_000);
  });

  describe('live state on B follows what A commits', () => {
    it("bookStats on B reaches the book's counts after A's claims, locks and redemptions, and completes when A deletes the book", async () => {
      const { a, b } = await both();
      const admin = await freshAdmin();
      const shoppers = await createUsers(t.users, 4);
      const { bookId } = await createCampaign(a, admin, 12);
      const socket = connectClient(b, admin.token);
      try {
        const sub = record<{ bookStats: Record<string, unknown> }>(socket.client, STATS, { b: bookId });
        await waitFor(() => sub.values.length > 0, 'the first bookStats value', 10_000);
        for (const [i, shopper] of shoppers.entries()) {
          const { code } = ok(await call<{ code: string }>(a, OPS.assignRandom, { bookId }, shopper.token), 'claim');
          if (i >= 1) ok(await call(a, OPS.lock, { code }, shopper.token), 'lock');
          if (i >= 2) ok(await call(a, OPS.redeem, { code }, shopper.token), 'redeem');
        }
        const book = ok(await call<{ counts: Record<string, number>; redemptionsLeft: number | null }>(a, BOOK, { id: bookId }, admin.token), 'book');
        const expected = { bookId, ...book.counts, activeLocks: book.counts.locked, redemptionsLeft: book.redemptionsLeft };
        expect(book.counts).toMatchObject({ assigned: 1, locked: 1, redeemed: 2 });
        await pollUntil(
          async () => sub.values.at(-1)?.data?.bookStats,
          (last) => JSON.stringify(last) === JSON.stringify(expected),
          { timeoutMs: 10_000, what: `bookStats on B to equal ${JSON.stringify(expected)}` },
        );

        // deleteBook refuses a book whose coupons went out: a second, untouched book.
        const idle = await createCampaign(a, admin, 2);
        const idleSub = record(socket.client, STATS, { b: idle.bookId });
        await waitFor(() => idleSub.values.length > 0, 'the idle book first value', 10_000);
        ok(await call(a, 'mutation ($id: ID!) { deleteBook(id: $id) }', { id: idle.bookId }, admin.token), 'delete on A');
        await waitFor(() => idleSub.completed, "B's bookStats of the deleted book to complete", 15_000);
        expect(sub.errors).toEqual([]);
      } finally {
        await socket.dispose();
      }
    }, 60_000);

    it('two sweepers (A and B) expire each lock exactly once; a subscriber on B hears each LOCK_EXPIRED once', async () => {
      const { a, b } = await both();
      const admin = await freshAdmin();
      const shoppers = await createUsers(t.users, 12);
      const { bookId } = await createCampaign(a, admin, 12, { lockTtlSeconds: 1 });
      const socket = connectClient(b, admin.token);
      try {
        const sub = record<{ couponEvents: { id: string; type: string; coupon: { code: string } } }>(socket.client, EVENTS, { bookId });
        // Live once a claim through A comes through on B.
        const codes: string[] = [];
        for (const [i, shopper] of shoppers.entries()) {
          const api = i % 2 ? b : a;
          const { code } = ok(await call<{ code: string }>(api, OPS.assignRandom, { bookId }, shopper.token), 'claim');
          ok(await call(api, OPS.lock, { code }, shopper.token), 'lock');
          codes.push(code);
          if (i === 0) await waitFor(() => sub.values.length > 0, 'the subscription on B to be live', 10_000);
        }
        const expiredOf = () => couponEventsOf(sub).filter((e) => e.type === 'LOCK_EXPIRED').map((e) => e.coupon.code);
        await waitFor(() => expiredOf().length >= codes.length, 'a LOCK_EXPIRED for every lock', 15_000);
        const rows = await t.database.db.prisma.$queryRaw<Array<{ code: string; n: number }>>(Prisma.sql`
          SELECT c.code, count(*)::int AS n FROM coupon_event e JOIN coupon c ON c.id = e.coupon_id
          WHERE e.book_id = ${bookId}::uuid AND e.type = 'LOCK_EXPIRED' GROUP BY c.code ORDER BY c.code`);
        expect(rows).toEqual([...codes].sort().map((code) => ({ code, n: 1 })));
        expect([...expiredOf()].sort()).toEqual([...codes].sort());
      } finally {
        await socket.dispose();
      }
    }, 60_000);

    it('a subscriber on B hears A\'s events once each, in order, also on a restarted B (and nothing from before it started)', async () => {
      const { a } = await both();
      const admin = await freshAdmin();
      const [shopper] = await createUsers(t.users, 1);
      const { bookId } = await createCampaign(a, admin, 40, { allowMultipleRedemptions: true });

      const checkout = async () => {
        const { code } = ok(await call<{ code: string }>(a, OPS.assignRandom, { bookId }, shopper.token), 'claim on A');
        ok(await call(a, OPS.lock, { code }, shopper.token), 'lock on A');
        ok(await call(a, OPS.unlock, { code }, shopper.token), 'unlock on A');
        return code;
      };
      const follow = async (api: ApiProcess) => {
        const socket = connectClient(api, admin.token);
        const sub = record<{ couponEvents: { id: string; type: string; coupon: { code: string } } }>(socket.client, EVENTS, { bookId });
        let warmups = 0;
        while (sub.values.length === 0) {
          if (++warmups > 30) throw new Error(`the subscription on ${api.name} never became live`);
          await checkout();
          await new Promise((resolve) => setTimeout(resolve, 100)); // pacing of the warm-up only; nothing is asserted on it
        }
        return { socket, sub };
      };
      /** Follows 4 checkouts on `api`; `startedAfter`: the newest id committed before `api` started. */
      const measure = async (api: ApiProcess, startedAfter: bigint) => {
        const { socket, sub } = await follow(api);
        try {
          const codes = new Set<string>();
          const expected: string[] = [];
          for (let i = 0; i < 4; i++) {
            const code = await checkout();
            codes.add(code);
            expected.push(`${code} ASSIGNED`, `${code} LOCKED`, `${code} UNLOCKED`);
          }
          const seen = () => couponEventsOf(sub).filter((e) => codes.has(e.coupon.code)).map((e) => `${e.coupon.code} ${e.type}`);
          await waitFor(() => seen().length >= expected.length, `every event on ${api.name}`, 10_000);
          expect(seen(), 'each event once, in commit order').toEqual(expected);
          const ids = couponEventsOf(sub).map((e) => BigInt(e.id));
          expect(ids.map(String), 'ids strictly increasing (once each, in order)').toEqual(
            [...ids].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)).filter((id, i, all) => i === 0 || id !== all[i - 1]).map(String),
          );
          // No event committed before the process started (docs/api-guide.md: events sent while you
          // were disconnected are not replayed), none committed while it was down.
          expect(ids.filter((id) => id <= startedAfter).map(String), `events from before ${api.name} started`).toEqual([]);
          expect(sub.errors).toEqual([]);
        } finally {
          await socket.dispose();
        }
      };

      await measure(apis.b, 0n);
      // B crashes and comes back on its port (a new process: empty memory, a new cursor); A works on meanwhile.
      const port = Number(new URL(apis.b.baseUrl).port);
      await apis.b.kill('SIGKILL');
      await checkout();
      await checkout();
      const { max } = await outboxNow();
      apis.b = await t.start({ name: 'api-b2', port });
      await measure(apis.b, max);
    }, 120_000);
  });

  describe('a restarted process starts its outbox cursor where the outbox is', () => {
    /** `coupons_event_delivery_lag_seconds_count` of a process: events its listener delivered to its bus. */
    async function deliveredOn(api: ApiProcess): Promise<number> {
      const text = await (await fetch(`${api.baseUrl}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('coupons_event_delivery_lag_seconds_count'));
      return line ? Number(line.split(' ').pop()) : 0;
    }

    async function restartB(name: string): Promise<ApiProcess> {
      const port = Number(new URL(apis.b.baseUrl).port);
      await apis.b.kill('SIGKILL');
      apis.b = await t.start({ name, port });
      return apis.b;
    }

    it('B restarted when the newest ids cross a power of ten (…9999 → …10000) replays no old event', async () => {
      const { a } = await both();
      const admin = await freshAdmin();
      const [member, shopper] = await createUsers(t.users, 2);
      const { bookId } = await createCampaign(a, admin, 40);
      const poolId = await createPool(a, admin, [member]);
      // Ids jump to just below the next power of ten (a sequence only ever grows: harmless), then
      // 30 events (one distribution) take them across it, as any busy service's ids do.
      const { max } = await outboxNow();
      const boundary = 10n ** BigInt(String(max + 100n).length);
      await t.database.db.pool.query(`SELECT setval('coupon_event_id_seq', $1::bigint)`, [String(boundary - 15n)]);
      ok(await call(a, OPS.distribute, { poolId, bookId, mode: 'RANDOM', count: 30 }, admin.token), 'distribute');

      const before = await outboxNow();
      expect(before.max).toBeGreaterThanOrEqual(boundary);
      const b = await restartB('api-b-digits');
      // One new event after B started; once B has delivered it, B's first reads are behind it.
      ok(await call<{ code: string }>(a, OPS.assignRandom, { bookId }, shopper.token), 'claim after the restart');
      const delivered = await pollUntil(() => deliveredOn(b), (n) => n >= 1, { timeoutMs: 10_000, what: "the new claim's event on B" });
      const { rows } = await t.database.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM coupon_event WHERE id > $1::bigint OR id = ANY($2::bigint[])`,
        [String(before.max), [...before.invisible].map(String)],
      );
      expect(delivered, `events B delivered after its start (at most those committed since: ${rows[0].n})`).toBeLessThanOrEqual(rows[0].n);
    }, 120_000);

    it("B restarted while a transaction that took an event id is in flight delivers that event when it commits, after 1,000+ later ids (A does)", async () => {
      const { a } = await both();
      const admin = await freshAdmin();
      const [shopper, member, other] = await createUsers(t.users, 3);
      const { bookId } = await createCampaign(a, admin, 5);
      const { code } = ok(await call<{ code: string }>(a, OPS.assignRandom, { bookId }, shopper.token), 'claim');
      ok(await call(a, OPS.lock, { code }, shopper.token), 'lock');
      // Enough later events that the in-flight id falls out of the last 1,000, and the newest
      // 1,000 ids do not cross a power of ten (the other defect, tested above).
      const { max } = await outboxNow();
      let count = 1_001;
      while (String(max + BigInt(count) - 1_000n - 50n).length !== String(max + BigInt(count) + 50n).length) count += 500;
      const busy = await createCampaign(a, admin, count);
      const poolId = await createPool(a, admin, [member]);

      // A redeem on A that has written its event (its id taken) and is still in its transaction:
      // its statement-level trigger waits for the book's redemption-total rows, which the test
      // holds (as any long transaction would: a million-coupon distribution, a large upload).
      const pool = t.database.db.pool;
      await pool.query(
        `INSERT INTO book_redemption_total (book_id, slot, n, discount)
         SELECT $1::uuid, s::smallint, 0, 0 FROM generate_series(0, 127) s ON CONFLICT DO NOTHING`,
        [bookId],
      );
      const held = await holdLock(pool, 'SELECT 1 FROM book_redemption_total WHERE book_id = $1::uuid FOR UPDATE', [bookId]);
      let redeemed: Promise<Awaited<ReturnType<typeof call>>> | undefined;
      try {
        redeemed = call(a, OPS.redeem, { code }, shopper.token);
        await lockWaiters(pool, 1, { blockedBy: held.pid });
        ok(await call(a, OPS.distribute, { poolId, bookId: busy.bookId, mode: 'RANDOM', count }, admin.token), 'distribute');
        const b = await restartB('api-b-inflight');

        const sockets = [connectClient(a, admin.token), connectClient(b, admin.token)];
        try {
          const subs = sockets.map((s) => record<{ couponEvents: { id: string; type: string; coupon: { code: string } } }>(s.client, EVENTS, { bookId }));
          // Both live once another shopper's claim on the book comes through on each.
          for (let tries = 0; subs.some((sub) => sub.values.length === 0); tries++) {
            if (tries > 3) throw new Error('the subscriptions never became live');
            ok(await call(a, OPS.assignRandom, { bookId }, other.token), 'warm-up claim');
            await waitFor(() => subs.every((sub) => sub.values.length > 0), 'both subscriptions live', 3_000).catch(() => {});
          }
          await held.end('ROLLBACK');
          const answer = await redeemed;
          expect(answer.ok, JSON.stringify(answer)).toBe(true);
          const redeemedOn = (i: number) => couponEventsOf(subs[i]).some((e) => e.type === 'REDEEMED' && e.coupon.code === code);
          await waitFor(() => redeemedOn(0), 'the REDEEMED event on A', 10_000);
          await waitFor(() => redeemedOn(1), 'the REDEEMED event on the restarted B (it committed after B started and after its subscriber subscribed)', 10_000);
        } finally {
          await Promise.all(sockets.map((s) => s.dispose()));
        }
      } finally {
        await held.end('ROLLBACK');
        await redeemed?.catch(() => undefined);
      }
    }, 180_000);
  });

  describe('code jobs across processes', () => {
    it("a generation running on A, followed and cancelled on B: both see CANCELLED, A stops, the book holds exactly the job's count", async () => {
      const { a, b } = await both();
      const admin = await freshAdmin();
      const { bookId } = await createCampaign(a, admin, 0);
      const started = ok(
        await call<{ jobId: string }>(a, 'mutation ($b: ID!, $n: Int!) { generateCodes(bookId: $b, input: { count: $n, waitForCompletion: false }) { jobId } }', { b: bookId, n: 400_000 }, admin.token),
        'generateCodes on A',
      );
      const JOB = 'subscription ($j: ID!) { codeJob(jobId: $j) { status processed inserted } }';
      const onA = connectClient(a, admin.token);
      const onB = connectClient(b, admin.token);
      try {
        const subA = record<{ codeJob: { status: string; processed: number; inserted: number } }>(onA.client, JOB, { j: started.jobId });
        const subB = record<{ codeJob: { status: string; processed: number; inserted: number } }>(onB.client, JOB, { j: started.jobId });
        await waitFor(() => subB.values.some((v) => (v.data?.codeJob.inserted ?? 0) > 0), "B to see A's first chunk", 60_000);
        const cancelled = await call<{ status: string }>(b, 'mutation ($j: ID!) { cancelCodeJob(jobId: $j) { status inserted } }', { j: started.jobId }, admin.token);
        expect(cancelled.ok ? cancelled.data.status : cancelled.code).toBe('CANCELLED');
        await waitFor(() => subA.completed && subB.completed, 'both codeJob streams to end', 20_000);
        for (const sub of [subA, subB]) {
          const statuses = sub.values.map((v) => v.data?.codeJob.status);
          expect(statuses.at(-1)).toBe('CANCELLED');
          const inserted = sub.values.map((v) => v.data?.codeJob.inserted ?? -1);
          expect(inserted, 'progress never goes back').toEqual([...inserted].sort((x, y) => x - y));
        }
        const stored = async () =>
          (await t.database.db.prisma.$queryRaw<Array<{ inserted: number; codes: number }>>(Prisma.sql`
            SELECT j.inserted, (SELECT count(*)::int FROM coupon WHERE book_id = ${bookId}::uuid) AS codes
            FROM code_job j WHERE j.id = ${started.jobId}::uuid`))[0];
        // A's run stops at its next chunk or progress write: what it committed is what the job says.
        const settledRow = await pollUntil(stored, (row) => row.inserted === row.codes, { timeoutMs: 10_000, what: 'job.inserted = codes in the book' });
        expect(settledRow.codes).toBeLessThan(400_000);
      } finally {
        await onA.dispose();
        await onB.dispose();
      }
    }, 180_000);
  });
});
