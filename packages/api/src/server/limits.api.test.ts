import { describe, expect, it } from 'vitest';
import { errorCode, graphqlRequest, useApiTest } from '../../testing/index.ts';
import { MAX_BODY_BYTES } from './http.ts';

const t = useApiTest({ env: { MAX_QUERY_DEPTH: '10', MAX_QUERY_COST: '5000' }, users: [] });

describe('operation limits reject abusive requests before execution', () => {
  it('depth: a legal query passes, a deep one is refused with HTTP 400', async () => {
    const ok = await graphqlRequest(t.server, '{ users(first: 1) { edges { node { id } } } }', {}, t.admin.token);
    expect(ok.errors).toBeUndefined();
    // 12 levels (> 10). The fields do not exist either: depth is reported whatever else is wrong.
    let bomb = 'id';
    for (let i = 0; i < 11; i++) bomb = `best { ${bomb} }`;
    const res = await graphqlRequest(t.server, `{ me { ${bomb} } }`, {}, t.admin.token);
    expect(res.status).toBe(400);
    expect(res.errors!.every((e) => e.extensions?.code === 'BAD_USER_INPUT')).toBe(true);
    expect(res.errors!.map((e) => e.message)).toContain('Query is too deep: depth 13 exceeds the limit of 10');
  });

  it('cost: many large pages in one request', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `p${i}: users(first: 100) { edges { node { id email role createdAt } } }`);
    const res = await graphqlRequest(t.server, `{ ${aliases.join(' ')} }`, {}, t.admin.token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/too expensive: cost \d+ exceeds the limit of 5000/);
    expect(res.status).toBe(400);
  });

  it('cost counts `first` from variables', async () => {
    const query = 'query ($n: Int) { a: users(first: $n) { edges { node { id email role createdAt } } } b: users(first: $n) { edges { node { id email role createdAt } } } c: users(first: $n) { edges { node { id email role createdAt } } } d: users(first: $n) { edges { node { id email role createdAt } } } e: users(first: $n) { edges { node { id email role createdAt } } } f: users(first: $n) { edges { node { id email role createdAt } } } g: users(first: $n) { edges { node { id email role createdAt } } } h: users(first: $n) { edges { node { id email role createdAt } } } i: users(first: $n) { edges { node { id email role createdAt } } } }';
    expect((await graphqlRequest(t.server, query, { n: 5 }, t.admin.token)).errors).toBeUndefined();
    expect(errorCode(await graphqlRequest(t.server, query, { n: 100 }, t.admin.token))).toBe('BAD_USER_INPUT');
  });

  it('aliases', async () => {
    const many = Array.from({ length: 31 }, (_, i) => `a${i}: me { id }`).join(' ');
    const res = await graphqlRequest(t.server, `{ ${many} }`, {}, t.admin.token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].message).toMatch(/Too many aliases/);
  });

  it('parser tokens', async () => {
    const res = await graphqlRequest(t.server, `{ me { ${'id '.repeat(20_000)} } }`, {}, t.admin.token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
  });

  it('HTTP batches', async () => {
    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.admin.token}` },
      body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it(`bodies over ${MAX_BODY_BYTES / 1024 / 1024} MiB: a 50 MB upload gets 413 and a clear message`, async () => {
    const csv = 'CODE0001\n'.repeat(Math.ceil((50 * 1024 * 1024) / 9));
    const res = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.admin.token}` },
      body: JSON.stringify({ query: 'mutation ($csv: String) { __typename }', variables: { csv } }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxBytes: MAX_BODY_BYTES });
    expect(body.errors[0].message).toMatch(/larger than the 20 MiB limit/);
  });

  it('malformed JSON', async () => {
    const res = await fetch(t.server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
