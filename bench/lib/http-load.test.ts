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
  /** When each request arrived (performance.now()). */
  const arrivals: number[] = [];
  /** How long the server waits before answering, ms. */
  let answerAfterMs = 2;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      arrivals.push(performance.now());
      request.resume();
      request.on('end', () => {
        setTimeout(() => {
          lastWrite = performance.now();
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ data: { ping: { id: '1' } } }));
        }, answerAfterMs);
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

  it('an open-loop load sends its requests evenly over time, not in a burst each second', async () => {
    arrivals.length = 0;
    answerAfterMs = 2;
    const started = performance.now();
    const result = await runGraphqlLoad({
      url,
      connections: 16,
      amount: 400,
      overallRate: 400,
      steps: [{ query: '{ ping { id } }', next: () => ({ variables: {}, authorization: 'Bearer x' }) }],
    });
    expect(result.ok).toBe(400);
    // 400 requests at 400/s: about 40 in each 100 ms. autocannon's overallRate sent ~92% of a
    // second's requests in its first 100 ms.
    const windows = new Array(10).fill(0);
    for (const at of arrivals) windows[Math.min(9, Math.floor((at - started) / 100))]++;
    expect(Math.max(...windows), windows.join(' ')).toBeLessThanOrEqual(100);
    expect(windows.filter((n) => n > 0).length, windows.join(' ')).toBeGreaterThanOrEqual(8);
  });

  it('an open-loop load counts a request\'s wait for a free connection in its latency', async () => {
    answerAfterMs = 50;
    // 2 connections answering in 50 ms carry 40/s; 100/s are due, so requests queue and the later
    // ones wait long after they were due. Timed from their write, each would take ~50 ms.
    const result = await runGraphqlLoad({
      url,
      connections: 2,
      amount: 40,
      overallRate: 100,
      steps: [{ query: '{ ping { id } }', next: () => ({ variables: {}, authorization: 'Bearer x' }) }],
    });
    answerAfterMs = 2;
    expect(result.ok).toBe(40);
    expect(result.maxMs).toBeGreaterThan(300);
    expect(result.p50Ms).toBeGreaterThan(100);
  });
});
