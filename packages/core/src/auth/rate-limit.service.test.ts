import { useTestDatabase } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import type { ServiceContext } from '../shared/context.ts';
import { DomainError } from '../shared/errors.ts';
import { consumeRateLimit, pruneRateLimitBuckets } from './rate-limit.service.ts';

const t = useTestDatabase({ poolSize: 20 });
let now = new Date('2026-03-01T10:00:00.000Z');
const ctx = (): ServiceContext => ({ db: t.db, caller: null, clock: { now: () => now } });

async function outcome(key: string, limit: number, window: number): Promise<'ok' | number> {
  try {
    await consumeRateLimit(ctx(), key, limit, window);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('RATE_LIMITED');
    return (error as DomainError).details.retryAfterSeconds as number;
  }
}

describe('consumeRateLimit', () => {
  it('allows `limit` per fixed window and says when to retry', async () => {
    now = new Date('2026-03-01T10:00:15.000Z');
    const usage = await consumeRateLimit(ctx(), 'k1', 2, 60);
    expect(usage).toMatchObject({ count: 1, remaining: 1 });
    expect(usage.resetsAt.toISOString()).toBe('2026-03-01T10:01:00.000Z');
    expect(await outcome('k1', 2, 60)).toBe('ok');
    expect(await outcome('k1', 2, 60)).toBe(45);
    now = new Date('2026-03-01T10:00:59.500Z');
    expect(await outcome('k1', 2, 60)).toBe(1);
    now = new Date('2026-03-01T10:01:00.000Z');
    expect(await outcome('k1', 2, 60)).toBe('ok');
    expect(await outcome('other', 2, 60)).toBe('ok');
  });

  it('holds under concurrency: exactly `limit` of 50 racing requests pass', async () => {
    now = new Date('2026-03-01T11:00:00.000Z');
    const results = await Promise.all(Array.from({ length: 50 }, () => outcome('race', 7, 60)));
    expect(results.filter((r) => r === 'ok')).toHaveLength(7);
  });

  it('prunes windows that ended long ago', async () => {
    now = new Date('2026-03-01T12:00:00.000Z');
    await consumeRateLimit(ctx(), 'fresh', 5, 60);
    now = new Date('2026-03-03T12:00:00.000Z');
    expect(await pruneRateLimitBuckets(ctx(), 86_400)).toBeGreaterThanOrEqual(3);
    expect(await t.db.prisma.rateLimitBucket.count()).toBe(0);
  });
});
