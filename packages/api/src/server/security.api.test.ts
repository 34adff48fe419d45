import { describe, expect, it } from 'vitest';
import { errorCode, graphqlRequest, signUp, useTestServer } from '../../testing/index.ts';

const INTROSPECTION = '{ __schema { queryType { name } } }';

describe('development/test server', () => {
  const t = useTestServer({ env: { CORS_ORIGINS: 'http://console.test' } });

  describe('CSRF prevention', () => {
    it('blocks a GET without a preflight-forcing header', async () => {
      const res = await fetch(`${t.server.url}?query=${encodeURIComponent('{ me { id } }')}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as any;
      expect(body.errors[0].message).toMatch(/Cross-Site Request Forgery/);
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('blocks a simple text/plain or form POST', async () => {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
        const res = await fetch(t.server.url, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body: JSON.stringify({ query: 'mutation { register(email: "csrf@example.test", password: "password123") { token } }' }),
        });
        expect(res.status).toBe(400);
      }
      expect(await t.server.db.prisma.user.count({ where: { email: 'csrf@example.test' } })).toBe(0);
    });

    it('serves a GET query with apollo-require-preflight, and never a mutation over GET', async () => {
      const { token } = await signUp(t.server);
      const headers = { 'apollo-require-preflight': 'true', authorization: `Bearer ${token}` };
      const ok = await fetch(`${t.server.url}?query=${encodeURIComponent('{ me { id } }')}`, { headers });
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as any).data.me.id).toBeTruthy();
      const mutation = encodeURIComponent('mutation { login(email: "a@b.co", password: "password123") { token } }');
      const refused = await fetch(`${t.server.url}?query=${mutation}`, { headers });
      expect(refused.status).toBe(405);
    });
  });

  describe('CORS', () => {
    it('allows configured origins only', async () => {
      const preflight = (origin: string) =>
        fetch(t.server.url, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
        });
      const allowed = await preflight('http://console.test');
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://console.test');
      expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
      const denied = await preflight('http://evil.test');
      expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  it('has introspection outside production', async () => {
    const res = await graphqlRequest(t.server, INTROSPECTION);
    expect(res.data?.__schema.queryType.name).toBe('Query');
  });

  it('echoes a sane x-request-id and makes one otherwise', async () => {
    const given = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'lb-1234' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(given.headers.get('x-request-id')).toBe('lb-1234');
    const made = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bad id with spaces' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('/metrics (loopback) counts operations and errors by the code clients see', async () => {
    await graphqlRequest(t.server, 'query MetricsProbe { me { id } }');
    const res = await fetch(`${t.server.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/coupons_graphql_requests_total\{operation="MetricsProbe",type="query"\} 1/);
    expect(text).toMatch(/coupons_graphql_errors_total\{operation="MetricsProbe",code="UNAUTHENTICATED"\} 1/);
    expect(text).toMatch(/coupons_db_pool_connections_total\{pool="main"\}/);
  });

  describe('health', () => {
    it('/healthz says the process is up', async () => {
      const res = await fetch(`${t.server.baseUrl}/healthz`);
      expect(res.status).toBe(200);
      expect((await res.json()) as any).toEqual({ status: 'ok' });
    });

    it('/readyz checks the database and every readiness check', async () => {
      expect((await fetch(`${t.server.baseUrl}/readyz`)).status).toBe(200);
      let listenerUp = false;
      t.server.server.readinessChecks.push(async () => (listenerUp ? null : 'event listener: not connected'));
      const notReady = await fetch(`${t.server.baseUrl}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ status: 'unavailable', problems: ['event listener: not connected'] });
      listenerUp = true;
      expect((await fetch(`${t.server.baseUrl}/readyz`)).status).toBe(200);
    });
  });
});

describe('production server', () => {
  const t = useTestServer({ env: { NODE_ENV: 'production', METRICS_TOKEN: 'metrics-token-0123456789' } });

  it('has no introspection', async () => {
    const res = await graphqlRequest(t.server, INTROSPECTION);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.data ?? null).toBeNull();
  });

  it('has no landing page', async () => {
    const res = await fetch(t.server.url, { headers: { accept: 'text/html' } });
    expect(await res.text()).not.toMatch(/<html/i);
  });

  it('gives no schema hints in validation errors', async () => {
    const res = await graphqlRequest(t.server, '{ me { emial } }');
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).not.toMatch(/Did you mean/);
  });

  it('/metrics demands METRICS_TOKEN when it is set', async () => {
    expect((await fetch(`${t.server.baseUrl}/metrics`)).status).toBe(401);
    const res = await fetch(`${t.server.baseUrl}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(res.status).toBe(200);
  });

  it('masks unexpected errors: no stack, no SQL', async () => {
    const { token } = await signUp(t.server);
    // Break the database under the server: a bug, as far as the API can tell.
    await t.server.db.prisma.$executeRaw`ALTER TABLE app_user RENAME TO app_user_gone`;
    try {
      const res = await graphqlRequest(t.server, '{ me { id } }', {}, token);
      expect(res.errors).toEqual([
        {
          message: 'Internal server error',
          locations: [{ line: 1, column: 3 }],
          path: ['me'],
          // The request id (also in X-Request-Id): what a client quotes to find the log line.
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.stringMatching(/^[\w.:-]+$/) },
        },
      ]);
      expect(JSON.stringify(res)).not.toMatch(/app_user|relation|SELECT|at .*\.ts/);
    } finally {
      await t.server.db.prisma.$executeRaw`ALTER TABLE app_user_gone RENAME TO app_user`;
    }
  });
});
