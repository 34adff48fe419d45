import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGraphqlLoad } from './http-load.ts';

// The HTTP loads' duration, and so every GraphQL throughput the benchmark reports, ends at the
// last answer. autocannon ends a run of `amount` requests only at its next sample tick (1 s by
// default), so its end made every HTTP run up to a second longer than it was, and a path beside
// the plain-`pg` ceiling (timed to its last answer) looked slower than it is.
describe('runGraphqlLoad', () => {
  let server: http.Server;
  let url: string;
  /** When the server wrote its last answer (performance.now()). */
  let lastWrite = 0;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        setTimeout(() => {
          lastWrite = performance.now();
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ data: { ping: { id: '1' } } }));
        }, 2);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('times a run from its start to its last answer, not to autocannon\'s next sample tick', async () => {
    const started = performance.now();
    const result = await runGraphqlLoad({
      url,
      connections: 4,
      amount: 40,
      steps: [{ query: '{ ping { id } }', next: () => ({ variables: {}, authorization: 'Bearer x' }) }],
    });
    const serverSpan = lastWrite - started;
    expect(result.ok).toBe(40);
    // The last answer is read in this process right after the server wrote it; with autocannon's
    // own end the duration was at least its 1 s tick whatever the server's span.
    expect(result.durationMs).toBeLessThanOrEqual(serverSpan + 250);
    expect(result.durationMs).toBeCloseTo(result.lastAnswerMs, 0);
    expect(result.throughput).toBeCloseTo(40 / (result.durationMs / 1000), 0);
  });
});
