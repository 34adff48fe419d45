import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { memorySink } from '../../testing/index.ts';
import { createLogger, prettyDestination, REDACTED, scrubSecrets } from './logger.ts';
import { requestIdOf, requestLogging, resolveRequestId } from './request-id.ts';

/** A logger whose output is kept in memory, one parsed object per line. */
function captureLogger() {
  const sink = memorySink();
  return { logger: createLogger({ level: 'trace', destination: sink.destination }), raw: sink.text, lines: sink.records };
}

const PASSWORD = 'hunter2-correct-horse';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl';
const HASH = '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';

describe('createLogger', () => {
  it('writes one JSON object per line with level, time and message', () => {
    const { logger, lines } = captureLogger();
    logger.info({ bookId: 'b1' }, 'book created');
    const [line] = lines();
    expect(line).toMatchObject({ level: 'info', msg: 'book created', bookId: 'b1', name: 'coupon-api' });
    expect(typeof line.time).toBe('string');
  });

  it('never writes a password, token, hash or cookie, wherever it sits in the object', () => {
    const { logger, raw, lines } = captureLogger();
    const variables = { email: 'ann@example.com', password: PASSWORD, input: { password: PASSWORD, newPassword: PASSWORD } };
    logger.info({ req: { method: 'POST', url: '/graphql', headers: { authorization: `Bearer ${TOKEN}`, cookie: `session=${TOKEN}` } } }, 'request');
    logger.info({ variables }, 'graphql operation');
    logger.info({ operation: { variables } }, 'nested operation');
    logger.info({ user: { id: 'u1', passwordHash: HASH }, result: { token: TOKEN } }, 'login');
    logger.info({ password: PASSWORD, token: TOKEN }, 'top level');
    logger.info({ connectionParams: { authorization: `Bearer ${TOKEN}` } }, 'ws connect');
    logger.info({ res: { headers: { 'set-cookie': [`session=${TOKEN}`] } } }, 'response');
    logger.info({ list: [{ password: PASSWORD }, { deep: { deeper: { accessToken: TOKEN } } }] }, 'arrays');
    logger.warn({ note: `retrying with Bearer ${TOKEN}` }, 'string values');
    logger.info({ databaseUrl: `postgresql://coupons:${PASSWORD}@postgres:5432/coupons` }, 'config');

    const output = raw();
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain(HASH);
    // Redacted, not dropped: the reader sees that a value was there.
    const parsed = lines();
    expect(parsed).toHaveLength(10);
    expect((parsed[0].req as { headers: Record<string, string> }).headers.authorization).toBe(REDACTED);
    expect((parsed[1].variables as Record<string, unknown>).email).toBe('ann@example.com');
    expect(parsed[9].databaseUrl).toBe(`postgresql://coupons:${REDACTED}@postgres:5432/coupons`);
  });

  it('scrubs errors: message and stack that quote a credential', () => {
    const { logger, raw, lines } = captureLogger();
    const error = Object.assign(new Error(`connect failed for postgresql://app:${PASSWORD}@db/coupons`), { token: TOKEN });
    logger.error({ err: error }, 'database down');
    logger.error(error);
    expect(raw()).not.toContain(PASSWORD);
    expect(raw()).not.toContain(TOKEN);
    const [first] = lines();
    expect((first.err as { type: string; stack: string }).type).toBe('Error');
    expect((first.err as { stack: string }).stack).toContain('connect failed');
  });

  it('scrubs child bindings too', () => {
    const { logger, raw } = captureLogger();
    logger.child({ requestId: 'r-1', token: TOKEN }).info('from a child');
    expect(raw()).not.toContain(TOKEN);
    expect(raw()).toContain('r-1');
  });

  it('does not mutate the objects it logs', () => {
    const { logger } = captureLogger();
    const variables = { input: { password: PASSWORD } };
    logger.info({ variables }, 'x');
    expect(variables.input.password).toBe(PASSWORD);
  });
});

describe('scrubSecrets', () => {
  it('leaves ordinary values alone and bounds depth', () => {
    expect(scrubSecrets({ a: 1, b: 'two', c: [true, null] })).toEqual({ a: 1, b: 'two', c: [true, null] });
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    expect(JSON.stringify(scrubSecrets(deep))).toContain('[Truncated]');
  });
});

describe('resolveRequestId', () => {
  it('keeps a sane incoming id', () => {
    expect(resolveRequestId('4f1c2a9e-7d3b-4c55-9e21-0b6a5d8f3c10')).toBe('4f1c2a9e-7d3b-4c55-9e21-0b6a5d8f3c10');
    expect(resolveRequestId('nginx.abc123:7')).toBe('nginx.abc123:7');
    expect(resolveRequestId(['first-id', 'second-id'])).toBe('first-id');
  });

  it('replaces a missing, long or unsafe id with a UUID', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const bad of [undefined, '', 'x'.repeat(129), 'has space', 'new\nline', '"quoted"', '<script>', 'ünïcode']) {
      expect(resolveRequestId(bad)).toMatch(uuid);
    }
  });

  it('resolves one id per request object', () => {
    const req = { headers: {} } as Parameters<typeof requestIdOf>[0];
    expect(requestIdOf(req)).toBe(requestIdOf(req));
  });
});

describe('requestLogging', () => {
  it('echoes the request id and logs one line without the query string', async () => {
    const { logger, lines } = captureLogger();
    const middleware = requestLogging(logger);
    const server = http.createServer((req, res) => middleware(req, res, () => res.end('ok')));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/graphql?query=secret&variables=x`, {
        headers: { 'x-request-id': 'lb-0042' },
      });
      await response.text();
      expect(response.headers.get('x-request-id')).toBe('lb-0042');
      await new Promise((resolve) => setImmediate(resolve)); // 'finish' fires after the body
      const [line] = lines();
      expect(line).toMatchObject({ requestId: 'lb-0042', method: 'GET', path: '/graphql', status: 200 });
      expect(JSON.stringify(line)).not.toContain('secret');
    } finally {
      server.close();
    }
  });
});

describe('the pretty format (LOG_FORMAT=pretty, development)', () => {
  function capturePretty() {
    const sink = memorySink();
    const pretty = prettyDestination(sink.destination, { colorize: false });
    return { logger: createLogger({ level: 'info', destination: pretty, format: 'json' }), text: sink.text };
  }

  it('prints a request as one line: method, path, operation, status, time', () => {
    const { logger, text } = capturePretty();
    logger.info({ requestId: 'r-1', method: 'POST', path: '/graphql', operation: 'Login', status: 200, durationMs: 12.3 }, 'request');
    expect(text()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: POST \/graphql Login 200 12\.3 ms\n$/);
  });

  it('prints other events on one line with their fields, still redacted', () => {
    const { logger, text } = capturePretty();
    logger.warn({ url: 'http://localhost:4000/graphql', password: PASSWORD }, 'API listening');
    expect(text().trimEnd().split('\n')).toHaveLength(1);
    expect(text()).toContain('WARN: API listening');
    expect(text()).toContain('"url":"http://localhost:4000/graphql"');
    expect(text()).not.toContain(PASSWORD);
  });

  it('is what createLogger writes with format: pretty', () => {
    const { destination, text } = memorySink();
    createLogger({ destination, format: 'pretty' }).info('hello');
    expect(text()).toMatch(/INFO.*hello/);
    expect(() => JSON.parse(text())).toThrow();
  });
});

describe('requestLogging with GraphQL', () => {
  it('names the operation of a GraphQL request, when it is a valid name', async () => {
    const { logger, lines } = captureLogger();
    const middleware = requestLogging(logger);
    const server = http.createServer((req, res) =>
      middleware(req, res, () => {
        (req as { body?: unknown }).body = { operationName: req.headers['x-op'] };
        res.end('ok');
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      for (const op of ['Login', 'x"} forged']) await (await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { 'x-op': op } })).text();
      await new Promise((resolve) => setImmediate(resolve));
      const [named, forged] = lines();
      expect(named).toMatchObject({ path: '/graphql', operation: 'Login', status: 200 });
      expect(forged).not.toHaveProperty('operation');
    } finally {
      server.close();
    }
  });

  it('names it from the document when the request sends no operationName', async () => {
    const { logger, lines } = captureLogger();
    const middleware = requestLogging(logger);
    const server = http.createServer((req, res) =>
      middleware(req, res, () => {
        (req as { body?: unknown }).body = { query: decodeURIComponent(String(req.headers['x-query'])) };
        res.end('ok');
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const documents = ['mutation Claim { assignRandomCoupon(bookId: "b") { code } }', '# a comment\n  query MyCoupons($s: CouponState) { myCoupons(state: $s) { totalCount } }', '{ me { id } }', 'fragment F on Book { id } query Later { books { totalCount } }'];
      for (const document of documents) {
        await (await fetch(`http://127.0.0.1:${port}/graphql`, { headers: { 'x-query': encodeURIComponent(document) } })).text();
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(lines().map((line) => line.operation ?? null)).toEqual(['Claim', 'MyCoupons', null, null]);
    } finally {
      server.close();
    }
  });
});
