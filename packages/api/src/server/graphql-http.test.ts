import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyError, isPlainJsonPost, readJsonBody } from './graphql-http.ts';
import { MAX_BODY_BYTES, NOT_UTF8 } from './http.ts';

const request = (method: string, url: string, headers: Record<string, string> = {}) => ({ method, url, headers }) as unknown as IncomingMessage;

describe('isPlainJsonPost: which requests skip Express', () => {
  it.each([
    ['POST', '/graphql', { 'content-type': 'application/json' }, true],
    ['POST', '/graphql?op=Me', { 'content-type': 'application/json' }, true],
    ['POST', '/graphql', { 'content-type': 'Application/JSON; charset=utf-8' }, true],
    ['POST', '/graphql', { 'content-type': 'application/json; charset="UTF-8"' }, true],
    ['POST', '/graphql', { 'content-type': 'application/json', 'content-encoding': 'identity' }, true],
    ['POST', '/graphql', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, false],
    ['POST', '/graphql', { 'content-type': 'application/json; charset=latin1' }, false],
    ['POST', '/graphql', { 'content-type': 'application/graphql-response+json' }, false],
    ['POST', '/graphql', { 'content-type': 'multipart/form-data; boundary=x' }, false],
    ['POST', '/graphql', { 'content-type': 'text/plain' }, false],
    ['POST', '/graphql', {}, false],
    ['POST', '/graphql/', { 'content-type': 'application/json' }, false],
    ['POST', '/graphqlx', { 'content-type': 'application/json' }, false],
    ['GET', '/graphql?query=%7B__typename%7D', { 'content-type': 'application/json' }, false],
    ['OPTIONS', '/graphql', { 'content-type': 'application/json' }, false],
  ])('%s %s %j → %s', (method, url, headers, expected) => {
    expect(isPlainJsonPost(request(method, url, headers), '/graphql')).toBe(expected);
  });
});

const body = (text: string, headers: Record<string, string> = {}) =>
  Object.assign(Readable.from([Buffer.from(text)]), { headers }) as unknown as IncomingMessage;

describe('readJsonBody: as body-parser json() reads it', () => {
  it('an object or an array, after any whitespace; an empty body is {}', async () => {
    await expect(readJsonBody(body(' \n{"query":"{ me { id } }"}'))).resolves.toEqual({ query: '{ me { id } }' });
    await expect(readJsonBody(body('[{"query":"{ a }"}]'))).resolves.toEqual([{ query: '{ a }' }]);
    await expect(readJsonBody(body(''))).resolves.toEqual({});
    await expect(readJsonBody(body('  \n'))).resolves.toEqual({});
  });

  it.each(['"text"', '42', 'null', 'true', '{"query": ', '{}}'])('refuses %j as not valid JSON (400)', async (text) => {
    await expect(readJsonBody(body(text))).rejects.toMatchObject({ type: 'entity.parse.failed', status: 400 });
  });

  it('refuses bytes that are not UTF-8 (400), and reads UTF-8 beyond ASCII', async () => {
    const bytes = (...parts: Array<string | number[]>) =>
      Object.assign(Readable.from([Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))))]), { headers: {} }) as unknown as IncomingMessage;
    await expect(readJsonBody(bytes('{"query":"', [0xc3, 0x28], '"}'))).rejects.toMatchObject({ type: NOT_UTF8, status: 400 });
    await expect(readJsonBody(bytes('{"query":"', [0xed, 0xa0, 0x80], '"}'))).rejects.toMatchObject({ type: NOT_UTF8, status: 400 });
    await expect(readJsonBody(bytes('{"query":"Café 🎟️"}'))).resolves.toEqual({ query: 'Café 🎟️' });
  });

  it('refuses a declared length over the limit before reading (413)', async () => {
    const error = await readJsonBody(body('{}', { 'content-length': String(MAX_BODY_BYTES + 1) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyError);
    expect(error).toMatchObject({ type: 'entity.too.large', status: 413 });
  });
});
