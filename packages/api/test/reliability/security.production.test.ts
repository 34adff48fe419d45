import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { call, connectGraphQLWs, type LoggedServer, postJson, startLoggedServer, useApiTest, wsRequest } from '../../testing/index.ts';

// The API as it runs in production (NODE_ENV=production), with every log line kept: what an
// attacker can learn about the schema, how fast they can guess passwords, and what the logs
// would leak if they were stolen.

const LOGIN_LIMIT = 5;
const PER_ADDRESS = 10;
const WINDOW_SECONDS = 60;
const PASSWORD = 'correct horse battery staple 42';

const t = useApiTest({
  start: () =>
    startLoggedServer({
      NODE_ENV: 'production',
      LOGIN_RATE_LIMIT: String(LOGIN_LIMIT),
      LOGIN_IP_RATE_LIMIT: String(PER_ADDRESS),
      LOGIN_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
    }),
  admin: false,
  users: [],
});
let email: string;
beforeAll(async () => {
  email = `victim-${randomUUID()}@example.test`;
  const registered = await call(t.server, 'mutation ($e: String!, $p: String!) { register(email: $e, password: $p) { token } }', { e: email, p: PASSWORD });
  if (!registered.ok) throw new Error(`register: ${registered.code}`);
});

const LOGIN = 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';

describe('introspection and the landing page are off in production', () => {
  it.each([
    ['__schema', '{ __schema { queryType { name } types { name } } }'],
    ['__type', '{ __type(name: "Coupon") { fields { name } } }'],
  ])('%s over HTTP is refused', async (_name, query) => {
    const res = await call(t.server, query, {});
    expect(res.ok).toBe(false);
  });

  it('over graphql-ws too', async () => {
    const login = await call<{ token: string }>(t.server, LOGIN, { e: email, p: PASSWORD });
    expect(login).toMatchObject({ ok: true });
    const client = connectGraphQLWs(t.server, login.ok ? login.data.token : null);
    try {
      const res = await wsRequest(client, '{ __schema { types { name } } }');
      expect(res.data ?? null).toBeNull();
      expect(res.errors?.length).toBeGreaterThan(0);
    } finally {
      await client.dispose();
    }
  });

  it('a misspelt field gets no "Did you mean" hint naming real fields', async () => {
    const res = await call(t.server, '{ mee { id } }', {});
    expect(res.ok ? 'ok' : res.code).toBe('BAD_USER_INPUT');
    expect(res.ok ? '' : res.message).not.toMatch(/Did you mean/);
  });

  it('a browser opening /graphql gets no sandbox page', async () => {
    const res = await fetch(t.server.url, { headers: { accept: 'text/html' } });
    const body = await res.text();
    expect(body).not.toMatch(/<html|sandbox|embeddable|apollographql/i);
  });
});

describe('login brute force is throttled', () => {
  it(`${LOGIN_LIMIT} guesses per email per window, even all at once; the right password waits out the window too`, async () => {
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => call(t.server, LOGIN, { e: email, p: `guess number ${i}` })));
    const codes = guesses.map((g) => (g.ok ? 'ok' : g.code));
    expect(codes.filter((c) => c === 'UNAUTHENTICATED').length).toBeLessThanOrEqual(LOGIN_LIMIT);
    expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(30 - LOGIN_LIMIT);
    expect(codes).not.toContain('ok');
    // A guess that happens to be right is refused like the others while throttled …
    const right = await call(t.server, LOGIN, { e: email, p: PASSWORD });
    expect(right.ok ? 'ok' : right.code).toBe('RATE_LIMITED');
    // … and so is one from "another address": no proxy is trusted (TRUSTED_PROXIES unset), so the
    // header is ignored and this is the same (email, address) pair.
    const spoofed = await postJson(t.server.url, JSON.stringify({ query: LOGIN, variables: { e: email, p: PASSWORD } }), { 'x-forwarded-for': '203.0.113.7' });
    expect(JSON.parse(spoofed.text).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    t.server.clock.advance(WINDOW_SECONDS * 1000);
    const later = await call(t.server, LOGIN, { e: email, p: PASSWORD });
    expect(later.ok).toBe(true);
  });
});

/** One login attempt from loopback claiming to come from `forwardedFor`; its error code or 'ok'. */
async function loginFrom(target: LoggedServer, e: string, forwardedFor: string): Promise<string> {
  const response = await postJson(target.url, JSON.stringify({ query: LOGIN, variables: { e, p: 'wrong password' } }), { 'x-forwarded-for': forwardedFor });
  return JSON.parse(response.text).errors?.[0]?.extensions?.code ?? 'ok';
}

/** Moves the server's clock to one second into a fresh window, so a test never straddles two. */
const newWindow = (target: LoggedServer) =>
  target.clock.set(Math.ceil((target.clock.now().getTime() + 1) / (WINDOW_SECONDS * 1000)) * WINDOW_SECONDS * 1000 + 1_000);

describe('the client address cannot be spoofed', () => {
  it('25 wrong passwords for 25 emails from 127.0.0.1, each claiming another X-Forwarded-For, meet the per-address limit', async () => {
    newWindow(t.server);
    // A different email each time: neither the (email, address) bucket nor the per-email cap can
    // refuse, so only the per-address bucket is under test.
    const codes = [];
    for (let i = 0; i < 25; i++) codes.push(await loginFrom(t.server, `sprayed-${i}-${randomUUID()}@example.test`, `203.0.113.${i + 1}`));
    expect(codes).toEqual([...Array(PER_ADDRESS).fill('UNAUTHENTICATED'), ...Array(25 - PER_ADDRESS).fill('RATE_LIMITED')]);
  });

  it('graphql-ws sees the same address as HTTP: a spoofed header on the upgrade changes nothing', async () => {
    // The address's budget was spent over HTTP above, in this same window.
    const login = await call<{ token: string }>(t.server, 'mutation ($e: String!, $p: String!) { register(email: $e, password: $p) { token } }', {
      e: `ws-${randomUUID()}@example.test`,
      p: PASSWORD,
    });
    expect(login.ok).toBe(true);
    class SpoofingWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { 'x-forwarded-for': '198.51.100.77' } });
      }
    }
    const client = createClient({
      url: t.server.wsUrl,
      webSocketImpl: SpoofingWebSocket,
      connectionParams: { authorization: `Bearer ${login.ok ? login.data.token : ''}` },
      retryAttempts: 0,
      lazy: true,
    });
    try {
      const res = await wsRequest(client, LOGIN, { e: `ws-other-${randomUUID()}@example.test`, p: 'wrong password' });
      expect(res.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    } finally {
      await client.dispose();
    }
  });

  it("a trusted proxy's X-Forwarded-For is believed (TRUSTED_PROXIES=loopback): each client has its own budget", async () => {
    const behindProxy = await startLoggedServer({
      NODE_ENV: 'production',
      TRUSTED_PROXIES: 'loopback',
      LOGIN_RATE_LIMIT: String(LOGIN_LIMIT),
      LOGIN_IP_RATE_LIMIT: String(PER_ADDRESS),
      LOGIN_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
    });
    try {
      newWindow(behindProxy);
      const distinct = [];
      for (let i = 0; i < 25; i++) distinct.push(await loginFrom(behindProxy, `client-${i}-${randomUUID()}@example.test`, `203.0.113.${i + 1}`));
      expect(distinct.every((code) => code === 'UNAUTHENTICATED')).toBe(true);
      // One client behind the proxy still meets its own per-address limit.
      const one = [];
      for (let i = 0; i < PER_ADDRESS + 2; i++) one.push(await loginFrom(behindProxy, `same-${i}-${randomUUID()}@example.test`, '198.51.100.5'));
      expect(one.slice(-2)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
      expect(one.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(PER_ADDRESS);
    } finally {
      await behindProxy.close();
    }
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
    const { secret, token, logs } = await exerciseCredentials(t.server);
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
