import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, graphqlRequest, signUp, startTestServer, TEST_PASSWORD, type TestServer } from '../../testing/index.ts';

const LOGIN = 'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { LOGIN_RATE_LIMIT: '3', LOGIN_RATE_WINDOW_SECONDS: '60' } });
});
afterAll(() => server?.close());

describe('login rate limit', () => {
  it('allows LOGIN_RATE_LIMIT attempts per email per window, then RATE_LIMITED with retryAfterSeconds', async () => {
    // Start at the beginning of a window so the test does not straddle two.
    server.clock.set(Math.ceil(Date.now() / 60_000) * 60_000 + 1_000);
    const { email } = await signUp(server);
    for (let i = 0; i < 3; i++) {
      expect(errorCode(await graphqlRequest(server, LOGIN, { email, password: 'wrong password' }))).toBe('UNAUTHENTICATED');
    }
    // Even the right password is refused now: guessing costs attempts either way.
    const limited = await graphqlRequest(server, LOGIN, { email: email.toUpperCase(), password: TEST_PASSWORD });
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(limited.errors![0].extensions!.retryAfterSeconds).toBe(59);

    // The next window starts afresh.
    server.clock.advance({ seconds: 60 });
    expect((await graphqlRequest(server, LOGIN, { email, password: TEST_PASSWORD })).errors).toBeUndefined();
  });

  it('counts per client address too, across emails', async () => {
    server.clock.advance({ minutes: 5 });
    const results = [];
    for (let i = 0; i < 4; i++) {
      results.push(errorCode(await graphqlRequest(server, LOGIN, { email: `nobody-${i}@example.test`, password: 'x' })));
    }
    expect(results).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
  });

  it('is held in PostgreSQL (shared by every instance)', async () => {
    const buckets = await server.db.prisma.rateLimitBucket.findMany();
    expect(buckets.some((b) => b.key.startsWith('login:email:'))).toBe(true);
    expect(buckets.some((b) => b.key.startsWith('login:ip:'))).toBe(true);
  });
});
