import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectGraphQLWs,
  type SignedUpUser,
  signUp,
  startSiblingServer,
  type TestServer,
  useTestServer,
  wsRequest,
} from '../../testing/index.ts';

// Mutation rate limits over real HTTP (and graphql-ws) against real PostgreSQL, on one API server
// and on two servers sharing one database, as two instances behind a load balancer would.

const PER_USER = 5;
const PER_ADDRESS = 12;
const UNLOCK = 'mutation Unlock($code: String!) { unlockCoupon(code: $code) { code } }';

interface Outcome {
  code: string | undefined;
  retryAfterSeconds?: number;
  retryAfterHeader: string | null;
}

/** One mutation (NOT_FOUND when admitted: cheap, and counted all the same) from `address`. */
async function unlock(target: { url: string }, token: string | null, address: string): Promise<Outcome> {
  const response = await fetch(target.url, {
    method: 'POST',
    // The test talks from loopback, trusted here (TRUSTED_PROXIES): X-Forwarded-For names the client.
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: UNLOCK, variables: { code: 'NO-SUCH-CODE' } }),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
  const extensions = body.errors?.[0]?.extensions;
  return {
    code: extensions?.code as string | undefined,
    retryAfterSeconds: extensions?.retryAfterSeconds as number | undefined,
    retryAfterHeader: response.headers.get('retry-after'),
  };
}

const codes = (outcomes: Outcome[]) => outcomes.map((o) => o.code);
const admittedCount = (outcomes: Outcome[]) => outcomes.filter((o) => o.code === 'NOT_FOUND').length;

const t = useTestServer({
  env: {
    MUTATION_RATE_LIMIT: String(PER_USER),
    MUTATION_IP_RATE_LIMIT: String(PER_ADDRESS),
    MUTATION_RATE_WINDOW_SECONDS: '60',
    // The test plays the proxy from loopback: X-Forwarded-For names the client, as nginx would.
    TRUSTED_PROXIES: 'loopback',
  },
});
/** Starts a fresh window one second in, so a test never straddles two. */
const newWindow = () => t.server.clock.set(Math.ceil((t.server.clock.now().getTime() + 1) / 60_000) * 60_000 + 1_000);

describe('mutation rate limit, one instance', () => {
  it('refuses a burst past the limit with RATE_LIMITED, retryAfterSeconds and Retry-After', async () => {
    const user = await signUp(t.server);
    newWindow();
    const burst = await Promise.all(Array.from({ length: 12 }, () => unlock(t.server, user.token, '203.0.113.1')));
    expect(admittedCount(burst)).toBe(PER_USER);
    const refused = burst.filter((o) => o.code === 'RATE_LIMITED');
    expect(refused).toHaveLength(12 - PER_USER);
    for (const o of refused) expect(o).toMatchObject({ retryAfterSeconds: 59, retryAfterHeader: '59' });
    expect(burst.find((o) => o.code === 'NOT_FOUND')?.retryAfterHeader).toBeNull();

    // Queries are not limited; the next window admits again.
    const me = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}`, 'x-forwarded-for': '203.0.113.1' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(((await me.json()) as any).data.me.id).toBe(user.user.id);
    t.server.clock.advance({ seconds: 60 });
    expect((await unlock(t.server, user.token, '203.0.113.1')).code).toBe('NOT_FOUND');
  });

  it('limits a client address across users and anonymous callers', async () => {
    const users = await Promise.all([signUp(t.server), signUp(t.server), signUp(t.server)]);
    newWindow();
    const outcomes: Outcome[] = [];
    for (const user of users) for (let i = 0; i < 4; i++) outcomes.push(await unlock(t.server, user.token, '198.51.100.7'));
    expect(admittedCount(outcomes)).toBe(PER_ADDRESS);
    // The address is used up: even an anonymous caller is refused there (and only there).
    expect((await unlock(t.server, null, '198.51.100.7')).code).toBe('RATE_LIMITED');
    expect((await unlock(t.server, null, '198.51.100.8')).code).toBe('UNAUTHENTICATED');
    expect((await unlock(t.server, users[0].token, '198.51.100.8')).code).toBe('NOT_FOUND');
  });

  it('leaves login to its own limit', async () => {
    const user = await signUp(t.server);
    newWindow();
    const logins = await Promise.all(
      Array.from({ length: PER_USER + 3 }, async () => {
        const response = await fetch(t.server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
          body: JSON.stringify({
            query: 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
            variables: { e: user.email, p: user.password },
          }),
        });
        return ((await response.json()) as any).errors?.[0]?.extensions?.code;
      }),
    );
    expect(logins.every((code) => code === undefined)).toBe(true);
  });

  it('counts mutations over graphql-ws too', async () => {
    const user = await signUp(t.server);
    newWindow();
    const client = connectGraphQLWs(t.server, user.token);
    try {
      const results = [];
      for (let i = 0; i < PER_USER + 1; i++) results.push(await wsRequest(client, UNLOCK, { code: 'NO-SUCH-CODE' }));
      const wsCodes = results.map((r) => r.errors?.[0]?.extensions?.code);
      expect(wsCodes).toEqual([...Array(PER_USER).fill('NOT_FOUND'), 'RATE_LIMITED']);
      expect(results[PER_USER].errors?.[0]?.extensions?.retryAfterSeconds).toBe(59);
    } finally {
      await client.dispose();
    }
  });
});

describe('register: its own limit per client address', () => {
  const small = useTestServer({ env: { LOGIN_RATE_LIMIT: '3', TRUSTED_PROXIES: 'loopback' } });

  it('allows LOGIN_RATE_LIMIT registrations per address and window', async () => {
    const register = async (address: string) => {
      const response = await fetch(small.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
        body: JSON.stringify({
          query: 'mutation ($e: String!) { register(email: $e, password: "correct horse battery") { token } }',
          variables: { e: `r-${Math.random().toString(36).slice(2)}@example.test` },
        }),
      });
      return ((await response.json()) as any).errors?.[0]?.extensions ?? 'ok';
    };
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await register('192.0.2.10'));
    expect(results.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
    expect(results[3]).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(await register('192.0.2.11')).toBe('ok');
  });
});

describe('mutation rate limit across two API instances on one database', () => {
  let sibling: TestServer;
  let user: SignedUpUser;
  beforeAll(async () => {
    // A second server as another process would run it: same configuration and database, its own
    // pool, LISTEN connection and in-memory limiter; the clock is shared so windows line up.
    sibling = await startSiblingServer(t.server, { listenerName: 'coupon-listener-sibling' });
    user = await signUp(t.server);
  });
  afterAll(() => sibling?.close());

  it('shares one count: at most one local share over the limit, then both refuse', async () => {
    newWindow();
    const instances = [t.server, sibling];
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => unlock(instances[i % 2], user.token, `203.0.113.${50 + i}`)));
    // Local share of a limit of 5: one request. Two instances: at most 5 + 1 admitted.
    expect(admittedCount(outcomes)).toBeGreaterThanOrEqual(PER_USER);
    expect(admittedCount(outcomes)).toBeLessThanOrEqual(PER_USER + 1);
    expect(codes(outcomes).every((c) => c === 'NOT_FOUND' || c === 'RATE_LIMITED')).toBe(true);
    for (const instance of instances) {
      expect(await unlock(instance, user.token, '203.0.113.99')).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 59 });
    }
    // The shared counter in PostgreSQL holds every admission of both.
    await new Promise((resolve) => setTimeout(resolve, 400)); // one sync interval (250 ms) and then some
    const [row] = await t.server.db.prisma.rateLimitBucket.findMany({ where: { key: `mutation:user:${user.user.id}` } });
    expect(row.count).toBeGreaterThanOrEqual(admittedCount(outcomes));

    t.server.clock.advance({ seconds: 60 });
    expect((await unlock(sibling, user.token, '203.0.113.99')).code).toBe('NOT_FOUND');
    expect((await unlock(t.server, user.token, '203.0.113.99')).code).toBe('NOT_FOUND');
  });

  it('sequential traffic alternating between the instances stops at the limit too', async () => {
    newWindow();
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 12; i++) outcomes.push(await unlock(i % 2 ? sibling : t.server, user.token, '203.0.113.77'));
    expect(admittedCount(outcomes)).toBeGreaterThanOrEqual(PER_USER);
    expect(admittedCount(outcomes)).toBeLessThanOrEqual(PER_USER + 1);
    expect(codes(outcomes).slice(-4)).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
  });
});
