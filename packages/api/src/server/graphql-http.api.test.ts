import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useApiTest } from '../../testing/index.ts';
import { MAX_BODY_BYTES } from './http.ts';

// A plain JSON POST to /graphql is answered without Express (graphql-http.ts); a compressed one
// still goes through Express, whose body-parser inflates it. The same request both ways must get
// the same answer: status, body and the headers a client reads.

const ORIGIN = 'https://shop.example';
const t = useApiTest({ env: { CORS_ORIGINS: ORIGIN }, users: [], accounts: 'inserted' });

type Way = 'plain' | 'gzip';

async function post(way: Way, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(t.server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: ORIGIN,
      ...(way === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
      ...headers,
    },
    body: way === 'gzip' ? gzipSync(body) : body,
  });
  const text = await res.text();
  const header = (name: string) => res.headers.get(name);
  return {
    status: res.status,
    body: text,
    contentType: header('content-type'),
    contentLength: Number(header('content-length')),
    vary: header('vary'),
    allowOrigin: header('access-control-allow-origin'),
    allowCredentials: header('access-control-allow-credentials'),
    requestId: header('x-request-id'),
    cacheControl: header('cache-control'),
  };
}

/** The two answers, with what differs by design (the request id, which is fresh per request) set aside. */
async function bothWays(body: string | Buffer, headers: Record<string, string> = {}) {
  const [plain, gzip] = [await post('plain', body, headers), await post('gzip', body, headers)];
  expect(plain.requestId).toMatch(/\S/);
  expect(gzip.requestId).toMatch(/\S/);
  return { plain: { ...plain, requestId: undefined }, gzip: { ...gzip, requestId: undefined } };
}

/** A query whose string holds two bytes no UTF-8 text has: read with U+FFFD in their place, it would run on text the client never sent. */
const NOT_UTF8_BODY = Buffer.concat([Buffer.from('{"query":"{ __typename }","operationName":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);

describe('a JSON POST answered without Express answers as the Express route does', () => {
  it('a signed-in query: same status, body, content type and length, CORS headers', async () => {
    const body = JSON.stringify({ query: 'query Me { me { id email role } }' });
    const { plain, gzip } = await bothWays(body, { authorization: `Bearer ${t.admin.token}` });
    expect(plain).toEqual(gzip);
    expect(plain.status).toBe(200);
    expect(JSON.parse(plain.body)).toEqual({ data: { me: { id: t.admin.id, email: t.admin.email, role: 'ADMIN' } } });
    expect(plain).toMatchObject({ contentLength: Buffer.byteLength(plain.body), vary: 'Origin', allowOrigin: ORIGIN, allowCredentials: 'true' });
    expect(plain.contentType).toMatch(/^application\/(graphql-response\+)?json/);
  });

  it('no answer may be kept by a cache on the way: POST both ways and GET say no-store', async () => {
    const body = JSON.stringify({ query: 'query Me { me { id } }' });
    const { plain, gzip } = await bothWays(body, { authorization: `Bearer ${t.admin.token}` });
    expect([plain.cacheControl, gzip.cacheControl]).toEqual(['no-store', 'no-store']);
    const url = `${t.server.url}?query=${encodeURIComponent('{ __typename }')}`;
    const res = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('a caller-chosen request id is echoed both ways', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    for (const way of ['plain', 'gzip'] as const) {
      expect((await post(way, body, { 'x-request-id': `checkout-${way}` })).requestId).toBe(`checkout-${way}`);
    }
  });

  it.each([
    ['a refused token', JSON.stringify({ query: '{ me { id } }' }), { authorization: 'Bearer not-a-token' }, 200, 'UNAUTHENTICATED'],
    ['an unknown field', JSON.stringify({ query: '{ nope }' }), {}, 400, 'BAD_USER_INPUT'],
    ['a batch', JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]), {}, 400, 'BAD_USER_INPUT'],
    ['malformed JSON', '{"query": ', {}, 400, 'BAD_USER_INPUT'],
    ['JSON that is not an object (body-parser is strict)', '"{ __typename }"', {}, 400, 'BAD_USER_INPUT'],
    ['an empty body', '', {}, 400, 'BAD_USER_INPUT'],
    ['no query', '{}', {}, 400, 'BAD_USER_INPUT'],
    ['bytes that are not UTF-8', NOT_UTF8_BODY, {}, 400, 'BAD_USER_INPUT'],
    ['bytes that are not UTF-8, declared UTF-8', NOT_UTF8_BODY, { 'content-type': 'application/json; charset=utf-8' }, 400, 'BAD_USER_INPUT'],
  ])('%s: the same refusal', async (_name, body, headers, status, code) => {
    const { plain, gzip } = await bothWays(body, headers);
    expect(plain).toEqual(gzip);
    expect(plain.status).toBe(status);
    expect(JSON.parse(plain.body).errors[0].extensions.code).toBe(code);
  });

  it('bytes that are not UTF-8 are refused saying so; text that is UTF-8 beyond ASCII is read', async () => {
    const { plain } = await bothWays(NOT_UTF8_BODY);
    expect(JSON.parse(plain.body).errors[0].message).toBe('Request body is not valid UTF-8: send JSON encoded as UTF-8');
    const { plain: read, gzip } = await bothWays(JSON.stringify({ query: '{ __typename } # Café ✓ 🎟️' }));
    expect(read).toEqual(gzip);
    expect(JSON.parse(read.body)).toEqual({ data: { __typename: 'Query' } });
  });

  it('another charset, or another media type, is not read as JSON here', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    // body-parser refuses a charset it cannot decode (415); Apollo's CSRF check a text/plain POST.
    const latin = await post('plain', body, { 'content-type': 'application/json; charset=latin1' });
    expect(latin.status).toBe(415);
    const text = await post('plain', body, { 'content-type': 'text/plain' });
    expect(text.status).toBe(400);
    expect(text.body).toMatch(/preflight/i);
    expect(await post('plain', body, { 'content-type': 'application/json; charset="UTF-8"' })).toMatchObject({ status: 200 });
  });

  it('a streamed body with no declared length is cut off at the limit: 413, BAD_USER_INPUT', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(t.server.url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // The server may close the connection while the rest is still being sent.
        if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
      });
      const chunk = Buffer.alloc(1024 * 1024, ' ');
      req.write('{"query": "{ __typename }", "pad": "');
      let sent = 0;
      const more = () => {
        while (sent <= MAX_BODY_BYTES + chunk.length) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', more);
        }
        req.end('"}');
      };
      more();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', maxBytes: MAX_BODY_BYTES });
  });
});
