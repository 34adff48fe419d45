import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, postJson, type SignedUpUser, signUp, startTestServer, type TestServer } from '../../testing/index.ts';
import { REFRESH_COOKIE } from './session-cookie.ts';

// Sessions of people over real HTTP: login sets the refresh cookie, refreshSession rotates it, a
// spent one presented again ends the whole family, logout ends it, and sign-out-everywhere ends
// refresh tokens as it ends access tokens.

const LOGIN = 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token expiresAt user { id } } }';
const REFRESH = 'mutation { refreshSession { token expiresAt user { id email role } } }';
const LOGOUT = 'mutation { logout }';
const ME = '{ me { id role } }';

interface Answer {
  status: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  /** The Set-Cookie line for the refresh cookie, if the response had one. */
  setCookie?: string;
  /** The refresh cookie's new value ('' when cleared). */
  cookie?: string;
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** POSTs an operation with an optional refresh cookie and bearer token; reads the Set-Cookie back. */
async function post(target: TestServer, query: string, options: { cookie?: string; token?: string; variables?: object } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.cookie !== undefined) headers.cookie = `${REFRESH_COOKIE}=${options.cookie}`;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await postJson(target.url, JSON.stringify({ query, variables: options.variables }), headers);
  const body = JSON.parse(response.text) as Pick<Answer, 'data' | 'errors'>;
  const setCookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((line) => line.startsWith(`${REFRESH_COOKIE}=`));
  const cookie = setCookie ? decodeURIComponent(setCookie.slice(REFRESH_COOKIE.length + 1).split(';')[0] ?? '') : undefined;
  return { status: response.status, ...body, setCookie, cookie };
}

async function signIn(user: SignedUpUser, target = server): Promise<{ token: string; cookie: string; setCookie: string }> {
  const answer = await post(target, LOGIN, { variables: { e: user.email, p: user.password } });
  if (!answer.data?.login || !answer.cookie || !answer.setCookie) throw new Error(`login failed: ${JSON.stringify(answer)}`);
  return { token: answer.data.login.token, cookie: answer.cookie, setCookie: answer.setCookie };
}

async function refresh(cookie: string): Promise<Answer> {
  return post(server, REFRESH, { cookie });
}

/** The stored tokens of the family `cookie` belongs to (register started another one of the user's). */
async function familyOf(cookie: string) {
  const tokenHash = new Uint8Array(createHash('sha256').update(cookie).digest());
  const row = await server.db.prisma.refreshToken.findUniqueOrThrow({ where: { tokenHash } });
  return server.db.prisma.refreshToken.findMany({ where: { familyId: row.familyId } });
}

/** The attributes of a Set-Cookie line, lower-cased names. */
function attributes(setCookie: string): Map<string, string> {
  return new Map(
    setCookie
      .split(';')
      .slice(1)
      .map((part) => {
        const [name = '', value = ''] = part.trim().split('=');
        return [name.toLowerCase(), value];
      }),
  );
}

describe('the refresh cookie', () => {
  it('login sets it HttpOnly, SameSite=Strict, on the GraphQL path, for REFRESH_TOKEN_TTL_DAYS, not Secure outside production', async () => {
    const user = await signUp(server);
    const { cookie, setCookie } = await signIn(user);
    expect(cookie).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    const attrs = attributes(setCookie);
    expect(attrs.has('httponly')).toBe(true);
    expect(attrs.get('samesite')?.toLowerCase()).toBe('strict');
    expect(attrs.get('path')).toBe('/graphql');
    expect(attrs.get('max-age')).toBe(String(server.config.REFRESH_TOKEN_TTL_DAYS * 86_400));
    expect(attrs.has('secure')).toBe(false);
    // Only its SHA-256 is stored.
    const rows = await server.db.prisma.refreshToken.findMany({ where: { userId: user.user.id } });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.tokenHash.length === 32 && !Buffer.from(row.tokenHash).toString('utf8').includes(cookie))).toBe(true);
  });

  it('register sets it too', async () => {
    const email = `fresh-${Date.now()}@example.com`;
    const answer = await post(server, 'mutation ($e: String!) { register(email: $e, password: "long enough pw") { token } }', { variables: { e: email } });
    expect(answer.errors).toBeUndefined();
    expect(answer.cookie).toMatch(/^0\.[A-Za-z0-9_-]{43}$/);
  });

  it('is Secure when NODE_ENV=production', async () => {
    const production = await startTestServer({ env: { NODE_ENV: 'production' } });
    try {
      const user = await signUp(production);
      const { setCookie } = await signIn(user, production);
      expect(attributes(setCookie).has('secure')).toBe(true);
      expect(attributes(setCookie).has('httponly')).toBe(true);
    } finally {
      await production.close();
    }
  });

  it('CORS lets named origins send it, never `*`', async () => {
    const preflight = async (target: TestServer, origin: string) => {
      const response = await fetch(target.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      return { origin: response.headers.get('access-control-allow-origin'), credentials: response.headers.get('access-control-allow-credentials') };
    };
    const named = server.config.CORS_ORIGINS.split(',')[0]?.trim() as string;
    expect(await preflight(server, named)).toEqual({ origin: named, credentials: 'true' });
    expect(await preflight(server, 'https://evil.example')).toEqual({ origin: null, credentials: null });
    const open = await startTestServer({ env: { CORS_ORIGINS: '*' } });
    try {
      expect(await preflight(open, 'https://evil.example')).toEqual({ origin: 'https://evil.example', credentials: null });
    } finally {
      await open.close();
    }
  });
});

describe('refreshSession', () => {
  it('rotates: a new access token that works after the old one expired, and the next cookie', async () => {
    const user = await signUp(server);
    const first = await signIn(user);
    server.clock.advance({ seconds: server.config.JWT_TTL_SECONDS + 60 });
    try {
      expect(errorCode(await post(server, ME, { token: first.token }))).toBe('UNAUTHENTICATED');
      const rotated = await refresh(first.cookie);
      expect(rotated.errors).toBeUndefined();
      expect(rotated.data?.refreshSession.user).toMatchObject({ id: user.user.id, email: user.email, role: 'USER' });
      expect(Date.parse(rotated.data?.refreshSession.expiresAt)).toBeGreaterThan(server.clock.now().getTime());
      expect(rotated.cookie).toBeDefined();
      expect(rotated.cookie).not.toBe(first.cookie);
      expect((await post(server, ME, { token: rotated.data?.refreshSession.token })).data?.me).toEqual({ id: user.user.id, role: 'USER' });
      // The next one rotates again, in the same family.
      const again = await refresh(rotated.cookie as string);
      expect(again.errors).toBeUndefined();
      const family = await familyOf(first.cookie);
      expect(family).toHaveLength(3);
      expect(family.filter((row) => row.usedAt === null)).toHaveLength(1);
    } finally {
      server.clock.advance({ seconds: -(server.config.JWT_TTL_SECONDS + 60) });
    }
  });

  it('the role is the stored one: a promoted user refreshes into an ADMIN token', async () => {
    const user = await signUp(server);
    const { cookie } = await signIn(user);
    await server.db.prisma.user.update({ where: { id: user.user.id }, data: { role: 'ADMIN' } });
    const rotated = await refresh(cookie);
    expect(rotated.data?.refreshSession.user.role).toBe('ADMIN');
  });

  it('a spent cookie presented again is UNAUTHENTICATED and revokes the whole family', async () => {
    const user = await signUp(server);
    const first = await signIn(user);
    const other = await signIn(user); // another device: its own family, untouched
    const rotated = await refresh(first.cookie);
    expect(rotated.errors).toBeUndefined();
    const replay = await refresh(first.cookie);
    expect(errorCode(replay)).toBe('UNAUTHENTICATED');
    expect(replay.errors?.[0]?.message).toMatch(/sign in again/);
    expect(replay.cookie).toBe(''); // the browser is told to forget it
    // The rightful successor is gone too: whoever held the family must sign in again.
    expect(errorCode(await refresh(rotated.cookie as string))).toBe('UNAUTHENTICATED');
    expect((await refresh(other.cookie)).errors).toBeUndefined();
  });

  it('two concurrent refreshes with one cookie: exactly one wins, the other counts as reuse and ends the family', async () => {
    for (let round = 0; round < 8; round++) {
      const user = await signUp(server);
      const { cookie } = await signIn(user);
      const answers = await Promise.all([refresh(cookie), refresh(cookie)]);
      const winners = answers.filter((a) => !a.errors);
      expect(winners, `round ${round}`).toHaveLength(1);
      expect(answers.map((a) => errorCode(a) ?? 'OK').sort(), `round ${round}`).toEqual(['OK', 'UNAUTHENTICATED']);
      // The loser's reuse revoked the winner's successor as well.
      expect(errorCode(await refresh(winners[0]?.cookie as string)), `round ${round}`).toBe('UNAUTHENTICATED');
      const family = await familyOf(cookie);
      expect(family.filter((row) => row.usedAt === null && row.revokedAt === null), `round ${round}`).toHaveLength(0);
    }
  });

  it('an expired refresh token is refused', async () => {
    const user = await signUp(server);
    const { cookie } = await signIn(user);
    const lifetime = { minutes: server.config.REFRESH_TOKEN_TTL_DAYS * 24 * 60 + 1 };
    server.clock.advance(lifetime);
    try {
      expect(errorCode(await refresh(cookie))).toBe('UNAUTHENTICATED');
    } finally {
      server.clock.advance({ minutes: -lifetime.minutes });
    }
  });

  it('signOutEverywhere and revokeUserSessions end refresh tokens too', async () => {
    const [user, admin] = await Promise.all([signUp(server), signUp(server, 'ADMIN')]);
    const session = await signIn(user);
    expect((await post(server, 'mutation { signOutEverywhere }', { token: session.token })).errors).toBeUndefined();
    expect(errorCode(await refresh(session.cookie))).toBe('UNAUTHENTICATED');

    const again = await signIn(user);
    const revoke = await post(server, 'mutation ($u: ID!) { revokeUserSessions(userId: $u) { id } }', { token: admin.token, variables: { u: user.user.id } });
    expect(revoke.errors).toBeUndefined();
    expect(errorCode(await refresh(again.cookie))).toBe('UNAUTHENTICATED');
    // Signing in again starts a family that works.
    expect((await refresh((await signIn(user)).cookie)).errors).toBeUndefined();
  });

  it("a deleted user's refresh token is refused", async () => {
    const user = await signUp(server);
    const { cookie } = await signIn(user);
    await server.db.prisma.user.delete({ where: { id: user.user.id } });
    expect(errorCode(await refresh(cookie))).toBe('UNAUTHENTICATED');
  });

  it('no cookie, or junk in it, is UNAUTHENTICATED (never an internal error)', async () => {
    const junk = ['', 'x', '0.short', `0.${'A'.repeat(43)}`, `99999999999.${'A'.repeat(43)}`, `${'9'.repeat(5000)}`, '%00%ff', 'a b;c', '-1.abc'];
    expect(errorCode(await post(server, REFRESH))).toBe('UNAUTHENTICATED');
    for (const value of junk) {
      const answer = await refresh(encodeURIComponent(value));
      expect(errorCode(answer), JSON.stringify(value)).toBe('UNAUTHENTICATED');
      expect(answer.status, JSON.stringify(value)).toBeLessThan(500);
    }
  });

  it('ignores a bad access token sent along (the cookie is the proof)', async () => {
    const user = await signUp(server);
    const { cookie } = await signIn(user);
    expect((await post(server, REFRESH, { cookie, token: 'not.a.token' })).errors).toBeUndefined();
  });
});

describe('logout', () => {
  it('revokes the family and clears the cookie, with an expired access token too', async () => {
    const user = await signUp(server);
    const first = await signIn(user);
    const rotated = await refresh(first.cookie);
    server.clock.advance({ seconds: server.config.JWT_TTL_SECONDS + 1 });
    try {
      const answer = await post(server, LOGOUT, { cookie: rotated.cookie, token: first.token });
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.logout).toBe(true);
      expect(answer.cookie).toBe('');
      expect(attributes(answer.setCookie as string).get('max-age')).toBe('0');
    } finally {
      server.clock.advance({ seconds: -(server.config.JWT_TTL_SECONDS + 1) });
    }
    expect(errorCode(await refresh(rotated.cookie as string))).toBe('UNAUTHENTICATED');
    expect((await familyOf(first.cookie)).every((row) => row.revokedAt !== null)).toBe(true);
  });

  it('answers true without a cookie, or with an unknown one', async () => {
    expect((await post(server, LOGOUT)).data?.logout).toBe(true);
    expect((await post(server, LOGOUT, { cookie: `0.${'B'.repeat(43)}` })).data?.logout).toBe(true);
  });
});
