import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useApiTest } from '../../testing/index.ts';

// Automatic persisted queries over real HTTP, as Apollo Client's persisted-query link speaks it.
const QUERY = 'query Me { me { id email } }';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const persisted = (query: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } });

const t = useApiTest({ admin: false });

async function post(body: object) {
  const response = await fetch(t.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.user.token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function get(params: Record<string, object | string>, headers: Record<string, string> = {}) {
  const search = new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
  const response = await fetch(`${t.server.url}?${search}`, { headers: { authorization: `Bearer ${t.user.token}`, ...headers } });
  return { status: response.status, body: (await response.json()) as any };
}

describe('automatic persisted queries', () => {
  it('answers an unknown hash with PERSISTED_QUERY_NOT_FOUND, then learns it from hash + query', async () => {
    const unknown = await post({ extensions: persisted(QUERY) });
    expect(unknown.status).toBe(200);
    // The protocol signal goes out as Apollo sends it: the persisted-query link keys on both.
    expect(unknown.body.errors[0]).toMatchObject({
      message: 'PersistedQueryNotFound',
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
    });

    const registered = await post({ query: QUERY, extensions: persisted(QUERY) });
    expect(registered.body).toEqual({ data: { me: { id: t.user.user.id, email: expect.any(String) } } });

    const byHash = await post({ extensions: persisted(QUERY) });
    expect(byHash.body.errors).toBeUndefined();
    expect(byHash.body.data.me.id).toBe(t.user.user.id);
  });

  it('refuses a query whose hash does not match, and never stores it', async () => {
    const other = 'query Other { me { id } }';
    const wrong = await post({ query: other, extensions: persisted(QUERY.replace('email', 'role')) });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await post({ extensions: persisted(other) })).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('does not store a query that fails validation or the limits', async () => {
    const invalid = 'query Bad { me { nope } }';
    expect((await post({ query: invalid, extensions: persisted(invalid) })).body.errors[0].extensions.code).toBe(
      'BAD_USER_INPUT',
    );
    expect((await post({ extensions: persisted(invalid) })).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('serves a hashed query over GET only with a preflight-forcing header (CSRF), never a mutation', async () => {
    const query = 'query MeOverGet { me { id } }';
    await post({ query, extensions: persisted(query) });
    const blocked = await get({ extensions: persisted(query) });
    expect(blocked.status).toBe(400);
    expect(blocked.body.errors[0].message).toMatch(/Cross-Site Request Forgery/);

    const served = await get({ extensions: persisted(query) }, { 'apollo-require-preflight': 'true' });
    expect(served.status).toBe(200);
    expect(served.body.data.me.id).toBe(t.user.user.id);

    // A mutation registered over POST still cannot run over GET by its hash.
    const mutation = 'mutation Unlock { unlockCoupon(code: "NO-SUCH-CODE") { code } }';
    const viaPost = await post({ query: mutation, extensions: persisted(mutation) });
    expect(viaPost.body.errors[0].extensions.code).toBe('NOT_FOUND');
    const viaGet = await get({ extensions: persisted(mutation) }, { 'apollo-require-preflight': 'true' });
    expect(viaGet.status).toBe(405);
  });
});
