import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connectGraphQLWs, type LoggedServer, postJson, startLoggedServer, wsRequest } from '../../testing/index.ts';

// The API as it runs in production (NODE_ENV=production), with every log line kept: what an
// attacker can learn about the schema, how fast they can guess passwords, and what the logs
// would leak if they were stolen.

const LOGIN_LIMIT = 5;
const WINDOW_SECONDS = 60;
const PASSWORD = 'correct horse battery staple 42';

let server: LoggedServer;
let email: string;
beforeAll(async () => {
  server = await startLoggedServer({
    NODE_ENV: 'production',
    LOGIN_RATE_LIMIT: String(LOGIN_LIMIT),
    LOGIN_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
  });
  email = `victim-${randomUUID()}@example.test`;
  const registered = await call(server, 'mutation ($e: String!, $p: String!) { register(email: $e, password: $p) { token } }', { e: email, p: PASSWORD });
  if (!registered.ok) throw new Error(`register: ${registered.code}`);
});
afterAll(() => server?.close());

const LOGIN = 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';

describe('introspection and the landing page are off in production', () => {
  it.each([
    ['__schema', '{ __schema { queryType { name } types { name } } }'],
    ['__type', '{ __type(name: "Coupon") { fields { name } } }'],
  ])('%s over HTTP is refused', async (_name, query) => {
    const res = await call(server, query, {});
    expect(res.ok).toBe(false);
  });

  it('over graphql-ws too', async () => {
    const login = await call<{ token: string }>(server, LOGIN, { e: email, p: PASSWORD });
    expect(login).toMatchObject({ ok: true });
    const client = connectGraphQLWs(server, login.ok ? login.data.token : null);
    try {
      const res = await wsRequest(client, '{ __schema { types { name } } }');
      expect(res.data ?? null).toBeNull();
      expect(res.errors?.length).toBeGreaterThan(0);
    } finally {
      await client.dispose();
    }
  });

  it('a misspelt field gets no "Did you mean" hint naming real fields', async () => {
    const res = await call(server, '{ mee { id } }', {});
    expect(res.ok ? 'ok' : res.code).toBe('BAD_USER_INPUT');
    expect(res.ok ? '' : res.message).not.toMatch(/Did you mean/);
  });

  it('a browser opening /graphql gets no sandbox page', async () => {
    const res = await fetch(server.url, { headers: { accept: 'text/html' } });
    const body = await res.text();
    expect(body).not.toMatch(/<html|sandbox|embeddable|apollographql/i);
  });
});

describe('login brute force is throttled', () => {
  it(`${LOGIN_LIMIT} guesses per email per window, even all at once; the right password waits out the window too`, async () => {
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => call(server, LOGIN, { e: email, p: `guess number ${i}` })));
    const codes = guesses.map((g) => (g.ok ? 'ok' : g.code));
    expect(codes.filter((c) => c === 'UNAUTHENTICATED').length).toBeLessThanOrEqual(LOGIN_LIMIT);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(30 - LOGIN_LIMIT);
    expect(codes).not.toContain('ok');
    // A guess that happens to be right is refused like the others while throttled …
    const right = await call(server, LOGIN, { e: email, p: PASSWORD });
    expect(right.ok ? 'ok' : right.code).toBe('RATE_LIMITED');
    // … and so is one from "another address" (X-Forwarded-For is trusted from loopback proxies only,
    // and the per-email budget holds whatever the address).
    const spoofed = await postJson(server.url, JSON.stringify({ query: LOGIN, variables: { e: email, p: PASSWORD } }), { 'x-forwarded-for': '203.0.113.7' });
    expect(JSON.parse(spoofed.text).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    server.clock.advance(WINDOW_SECONDS * 1000);
    const later = await call(server, LOGIN, { e: email, p: PASSWORD });
    expect(later.ok).toBe(true);
  });
});

/**
 * Sends passwords and tokens every way a request can carry them (success, failure, validation
 * errors, wrong types, syntax errors quoting them) and returns what the server logged.
 */
async function exerciseCredentials(target: LoggedServer): Promise<{ secret: string; token: string; logs: string }> {
  const secret = `Sup3r-Secret-${randomUUID()}`;
  const other = `user-${randomUUID()}@example.test`;
  await Promise.all([
    call(target, 'mutation ($e: String!, $p: String!) { register(email: $e, password: $p) { token } }', { e: other, p: secret }),
    call(target, LOGIN, { e: other, p: `${secret}-wrong` }),
    call(target, 'mutation ($e: String!, $p: String!) { register(email: $e, password: $p) { token } }', { e: 'not-an-email', p: secret }),
    call(target, LOGIN, { e: other, p: { nested: secret } }),
    postJson(target.url, JSON.stringify({ query: `mutation { login(email: "${other}", password: "${secret}" { token } }` })),
    postJson(target.url, `{"query": "mutation { login(email: \\"${other}\\", password: \\"${secret}\\") { token } }", `),
  ]);
  target.clock.advance(WINDOW_SECONDS * 1000);
  const login = await call<{ token: string }>(target, LOGIN, { e: other, p: secret });
  expect(login.ok).toBe(true);
  const token = login.ok ? login.data.token : '';
  await call(target, '{ me { id } }', {}, token);
  await call(target, '{ me { id } }', {}, `${token}tampered`);
  return { secret, token, logs: target.logs() };
}

describe('passwords and tokens never reach the logs', () => {
  it('in production, whatever the request does with them', async () => {
    const { secret, token, logs } = await exerciseCredentials(server);
    expect(logs.length).toBeGreaterThan(0); // the server did log these requests
    expect(logs).not.toContain(secret);
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain(token.split('.')[2]); // not even a token's signature
    expect(logs).not.toMatch(/\$argon2id\$/);
  });

  it('in development too, where errors are logged with their stacks', async () => {
    const development = await startLoggedServer({ NODE_ENV: 'development', LOGIN_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS) });
    try {
      const { secret, token, logs } = await exerciseCredentials(development);
      expect(logs.length).toBeGreaterThan(0);
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain(token.split('.')[2]);
      expect(logs).not.toMatch(/\$argon2id\$/);
    } finally {
      await development.close();
    }
  });
});
