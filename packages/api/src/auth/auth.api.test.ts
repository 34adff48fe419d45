import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAccessToken } from '@coupons/core';
import { errorCode, graphqlRequest, signUp, startTestServer, TEST_PASSWORD, type TestServer } from '../../testing/index.ts';
import { tokenSettings } from './auth.settings.ts';

const REGISTER = `mutation ($email: String!, $password: String!) {
  register(email: $email, password: $password) { token expiresAt user { id email role createdAt } }
}`;
const LOGIN = `mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) { token user { id email role } }
}`;
const ME = '{ me { id email role } }';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('register', () => {
  it('creates a USER with a lower-cased email and signs it in', async () => {
    const res = await graphqlRequest(server, REGISTER, { email: '  New.Person@Example.COM ', password: 'password123' });
    expect(res.errors).toBeUndefined();
    const { token, user, expiresAt } = res.data!.register;
    expect(user).toMatchObject({ email: 'new.person@example.com', role: 'USER' });
    expect(new Date(expiresAt).getTime() - server.clock.now().getTime()).toBeLessThanOrEqual(server.config.JWT_TTL_SECONDS * 1000);
    const me = await graphqlRequest(server, ME, {}, token);
    expect(me.data!.me).toEqual({ id: user.id, email: 'new.person@example.com', role: 'USER' });
  });

  it('refuses a taken email whatever its case, as BAD_USER_INPUT on email', async () => {
    const { email } = await signUp(server);
    const res = await graphqlRequest(server, REGISTER, { email: email.toUpperCase(), password: 'password123' });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions).toMatchObject({ field: 'email' });
  });

  it('lets exactly one of two racing registrations of one email win', async () => {
    const email = `race-${Date.now()}@example.test`;
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => graphqlRequest(server, REGISTER, { email: i % 2 ? email.toUpperCase() : email, password: 'password123' })),
    );
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => errorCode(r) === 'BAD_USER_INPUT')).toHaveLength(3);
  });

  it.each([
    ['not-an-email', 'password123', 'email'],
    ['short@example.test', 'seven77', 'password'],
    ['long@example.test', 'x'.repeat(129), 'password'],
  ])('refuses %s / bad password as BAD_USER_INPUT naming %s', async (email, password, field) => {
    const res = await graphqlRequest(server, REGISTER, { email, password });
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(new RegExp(`^${field}: `));
  });

  it('refuses a missing argument as BAD_USER_INPUT naming it', async () => {
    const res = await graphqlRequest(server, 'mutation { register(email: "a@b.co") { token } }');
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toContain('password');
  });
});

describe('login', () => {
  it('signs in with any case of the email', async () => {
    const { email, user } = await signUp(server);
    const res = await graphqlRequest(server, LOGIN, { email: email.toUpperCase(), password: TEST_PASSWORD });
    expect(res.data!.login.user).toEqual({ id: user.id, email, role: 'USER' });
    expect((await graphqlRequest(server, ME, {}, res.data!.login.token)).data!.me.id).toBe(user.id);
  });

  it('gives one generic UNAUTHENTICATED for a wrong password and an unknown email', async () => {
    const { email } = await signUp(server);
    const wrong = await graphqlRequest(server, LOGIN, { email, password: 'not the password' });
    const unknown = await graphqlRequest(server, LOGIN, { email: 'nobody@example.test', password: TEST_PASSWORD });
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
    expect(errorCode(unknown)).toBe('UNAUTHENTICATED');
    expect(wrong.errors![0].message).toBe(unknown.errors![0].message);
  });

  it('ignores a stale token on the public mutations', async () => {
    const { email } = await signUp(server);
    const res = await graphqlRequest(server, LOGIN, { email, password: TEST_PASSWORD }, 'stale.token.value');
    expect(res.errors).toBeUndefined();
  });
});

describe('me and access', () => {
  it('is UNAUTHENTICATED without a token', async () => {
    expect(errorCode(await graphqlRequest(server, ME))).toBe('UNAUTHENTICATED');
  });

  it('keeps admin fields from users: FORBIDDEN', async () => {
    const { token } = await signUp(server);
    expect(errorCode(await graphqlRequest(server, '{ users { totalCount } }', {}, token))).toBe('FORBIDDEN');
    expect(errorCode(await graphqlRequest(server, '{ userByEmail(email: "a@b.co") { id } }', {}, token))).toBe('FORBIDDEN');
  });

  it('refuses a valid token whose account is gone (UNAUTHENTICATED; users/sessions.api.test.ts)', async () => {
    const { token, user } = await signUp(server);
    await server.db.prisma.user.delete({ where: { id: user.id } });
    const res = await graphqlRequest(server, ME, {}, token);
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
  });
});

describe('bad tokens are UNAUTHENTICATED, never anonymous', () => {
  let token: string;
  let payload: Record<string, unknown>;
  beforeAll(async () => {
    ({ token } = await signUp(server));
    payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  });
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const hs256 = (header: object, body: object, secret: string) => {
    const unsigned = `${b64(header)}.${b64(body)}`;
    return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
  };

  const cases: Array<[string, () => string]> = [
    ['tampered payload (role ADMIN)', () => { const [h, , s] = token.split('.'); return `${h}.${b64({ ...payload, role: 'ADMIN' })}.${s}`; }],
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...payload, role: 'ADMIN' })}.`],
    ['wrong secret', () => hs256({ alg: 'HS256', typ: 'JWT' }, payload, 'another-secret-that-is-long-enough-000')],
    ['wrong issuer', () => hs256({ alg: 'HS256', typ: 'JWT' }, { ...payload, iss: 'someone-else' }, server.config.JWT_SECRET)],
    ['wrong audience', () => hs256({ alg: 'HS256', typ: 'JWT' }, { ...payload, aud: 'another-api' }, server.config.JWT_SECRET)],
    ['garbage', () => 'not-a-jwt'],
  ];
  it.each(cases)('%s', async (_name, make) => {
    const res = await graphqlRequest(server, ME, {}, make());
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
  });

  it('a well-formed token signed by us is accepted (the cases above fail for their reason)', async () => {
    const res = await graphqlRequest(server, ME, {}, hs256({ alg: 'HS256', typ: 'JWT' }, payload, server.config.JWT_SECRET));
    expect(res.errors).toBeUndefined();
  });

  it('expired: accepted until its expiry, refused after it (by the server clock)', async () => {
    const { user } = await signUp(server);
    const { token: shortLived, expiresAt } = signAccessToken(tokenSettings(server.config), user, server.clock);
    expect((await graphqlRequest(server, ME, {}, shortLived)).errors).toBeUndefined();
    const saved = server.clock.now();
    server.clock.set(expiresAt);
    try {
      const res = await graphqlRequest(server, ME, {}, shortLived);
      expect(errorCode(res)).toBe('UNAUTHENTICATED');
      expect(res.errors![0].message).toMatch(/expired/);
    } finally {
      server.clock.set(saved);
    }
  });

  it('a non-Bearer Authorization header', async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
      body: JSON.stringify({ query: ME }),
    });
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});
