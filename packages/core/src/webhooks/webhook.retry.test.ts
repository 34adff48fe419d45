import { describe, expect, it } from 'vitest';
import { attemptVerdict, DEFAULT_RETRY_SCHEDULE, parseRetryAfter, retryDelayMs } from './webhook.retry.ts';

describe('webhook retries', () => {
  it('retries timeouts, connection errors, 429 and 5xx; delivers 2xx; gives up on other answers', () => {
    expect(attemptVerdict({ kind: 'response', status: 204, retryAfterMs: null })).toBe('DELIVERED');
    for (const status of [429, 500, 502, 503]) expect(attemptVerdict({ kind: 'response', status, retryAfterMs: null })).toBe('RETRY');
    for (const error of ['TIMEOUT', 'CONNECTION', 'REFUSED_ADDRESS'] as const) expect(attemptVerdict({ kind: 'error', error })).toBe('RETRY');
    for (const status of [301, 302, 400, 401, 404, 410]) expect(attemptVerdict({ kind: 'response', status, retryAfterMs: null })).toBe('FINAL');
  });

  it('backs off exponentially with jitter, capped, and the default schedule spans about a day', () => {
    const mid = () => 0.5; // jitter factor 1.0
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE, null, mid)).toBe(10_000);
    expect(retryDelayMs(2, DEFAULT_RETRY_SCHEDULE, null, mid)).toBe(20_000);
    expect(retryDelayMs(30, DEFAULT_RETRY_SCHEDULE, null, mid)).toBe(DEFAULT_RETRY_SCHEDULE.maxDelayMs);
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE, null, () => 0)).toBe(8_000);
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE, null, () => 0.999)).toBeLessThanOrEqual(12_000);
    let total = 0;
    for (let attempt = 1; attempt < DEFAULT_RETRY_SCHEDULE.maxAttempts; attempt++) total += retryDelayMs(attempt, DEFAULT_RETRY_SCHEDULE, null, mid);
    expect(total / 3_600_000).toBeGreaterThan(20);
    expect(total / 3_600_000).toBeLessThan(28);
  });

  it('honours a longer Retry-After (seconds or a date), up to the cap', () => {
    const now = new Date('2026-12-04T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Fri, 04 Dec 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE, 120_000, () => 0.5)).toBe(120_000);
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE, 1_000, () => 0.5)).toBe(10_000);
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE, 10 * 86_400_000, () => 0.5)).toBe(DEFAULT_RETRY_SCHEDULE.maxDelayMs);
  });
});
