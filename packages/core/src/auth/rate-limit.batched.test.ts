import { useTestDatabase } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.ts';
import { BatchedRateLimiter, type BatchedRateLimiterOptions } from './rate-limit.batched.ts';

const t = useTestDatabase({ poolSize: 10 });
let now = new Date('2026-03-01T10:00:05.000Z').getTime();
const clock = { now: () => new Date(now) };

/** A limiter on the test database whose statements are counted. */
function limiter(options: Partial<BatchedRateLimiterOptions> = {}) {
  const calls = { queries: 0 };
  const pool = {
    query: ((...args: Parameters<typeof t.db.pool.query>) => {
      calls.queries++;
      return (t.db.pool.query as (...a: unknown[]) => unknown)(...args);
    }) as typeof t.db.pool.query,
  };
  return { limiter: new BatchedRateLimiter({ pool, clock, windowSeconds: 60, ...options }), calls };
}

/** 'ok' when admitted (at once or after waiting), else the retry hint of RATE_LIMITED. */
async function outcome(rl: BatchedRateLimiter, key: string, limit: number): Promise<'ok' | number> {
  try {
    await rl.admit(key, limit);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('RATE_LIMITED');
    return (error as DomainError).details.retryAfterSeconds as number;
  }
}

async function storedCount(key: string): Promise<number> {
  const { rows } = await t.db.pool.query<{ count: number }>('SELECT count FROM rate_limit_bucket WHERE key = $1', [key]);
  return rows[0]?.count ?? 0;
}

describe('BatchedRateLimiter', () => {
  it('admits within the local share without a database round trip, and counts it in one statement later', async () => {
    const { limiter: rl, calls } = limiter();
    for (let i = 0; i < 20; i++) expect(rl.admit(`quiet-${i % 4}`, 600)).toBeUndefined();
    expect(calls.queries).toBe(0);
    await rl.flush();
    expect(calls.queries).toBe(1); // four keys, one statement
    expect(await storedCount('quiet-0')).toBe(5);
    await rl.close();
  });

  it('holds the limit exactly on one instance, even for a concurrent burst, and says when to retry', async () => {
    now = new Date('2026-03-01T10:01:15.000Z').getTime();
    const { limiter: rl } = limiter();
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => outcome(rl, 'burst', 20)));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(20);
    expect(new Set(outcomes.filter((o) => o !== 'ok'))).toEqual(new Set([45]));
    await rl.flush();
    expect(await storedCount('burst')).toBeGreaterThanOrEqual(20);

    // The next window starts afresh.
    now = new Date('2026-03-01T10:02:00.000Z').getTime();
    expect(await outcome(rl, 'burst', 20)).toBe('ok');
    await rl.close();
  });

  it('shares the count between instances: at most (instances − 1) × the local share over the limit', async () => {
    now = new Date('2026-03-01T10:03:01.000Z').getTime();
    const limit = 100; // local share: 5
    const a = limiter().limiter;
    const b = limiter().limiter;
    // Two callers' worth of traffic from both instances, interleaved, in waves.
    const results: Array<'ok' | number> = [];
    for (let wave = 0; wave < 12; wave++) {
      const batch = Array.from({ length: 20 }, (_, i) => outcome(i % 2 ? a : b, 'shared', limit));
      results.push(...(await Promise.all(batch)));
    }
    const admitted = results.filter((r) => r === 'ok').length;
    expect(admitted).toBeGreaterThanOrEqual(limit);
    expect(admitted).toBeLessThanOrEqual(limit + 5);
    // Both instances refuse once the shared count is past the limit.
    expect(await outcome(a, 'shared', limit)).toBe(59);
    expect(await outcome(b, 'shared', limit)).toBe(59);
    await Promise.all([a.close(), b.close()]);
  });

  it('lets requests through when PostgreSQL cannot be reached, and reports it', async () => {
    now = new Date('2026-03-01T10:05:00.000Z').getTime();
    const errors: unknown[] = [];
    const rl = new BatchedRateLimiter({
      pool: { query: (async () => Promise.reject(new Error('connection refused'))) as never },
      clock,
      windowSeconds: 60,
      onError: (error) => errors.push(error),
    });
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => outcome(rl, 'offline', 3)));
    // One admitted from memory, two waited for a sync that failed and were let through; the
    // instance still counts all three, so it refuses the rest on its own.
    expect(outcomes.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
    expect(errors.length).toBeGreaterThan(0);
    await rl.close();
  });
});
