import { type Database, Prisma } from '@coupons/db';
import { createTestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, createBook, createUser, createTestClock } from '../../testing/index.ts';
import { DEFAULT_IDEMPOTENCY_LIFETIME_MS, sweepIdempotencyRecords } from './idempotency.ts';
import { assignCoupon, assignRandomCoupon, lockCoupon, unlockCoupon } from './index.ts';

let db: Database;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ db, drop } = await createTestDatabase({ poolSize: 10 }));
});
afterAll(() => drop());

const HOUR = 3_600_000;

async function recordCount(userId: string): Promise<number> {
  const [row] = await db.prisma.$queryRaw<Array<{ n: number }>>(
    Prisma.sql`SELECT count(*)::int AS n FROM idempotency_record WHERE user_id = ${userId}::uuid`,
  );
  return row.n;
}

describe('idempotency keys', () => {
  it('assignCoupon and unlockCoupon replay the first answer for a retried key', async () => {
    const user = await createUser(db);
    const ctx = contextFor(db, user);
    const { codes } = await createBook(db, 2);
    const first = await assignCoupon(ctx, { code: codes[0], idempotencyKey: 'claim-1' });
    // The retry (the answer was lost) returns the same coupon instead of INVALID_STATE.
    await expect(assignCoupon(ctx, { code: codes[0], idempotencyKey: 'claim-1' })).resolves.toEqual(first);
    await expect(assignCoupon(ctx, { code: codes[0] })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    // Same key, other arguments: refused, nothing assigned.
    await expect(assignCoupon(ctx, { code: codes[1], idempotencyKey: 'claim-1' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });

    await lockCoupon(ctx, { code: codes[0] });
    const unlocked = await unlockCoupon(ctx, { code: codes[0], idempotencyKey: 'unlock-1' });
    expect(unlocked.state).toBe('ASSIGNED');
    await expect(unlockCoupon(ctx, { code: codes[0], idempotencyKey: 'unlock-1' })).resolves.toEqual(unlocked);
    await expect(unlockCoupon(ctx, { code: codes[0] })).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('a key is remembered for its lifetime, then starts a new request, and the sweep deletes it', async () => {
    const user = await createUser(db);
    const clock = createTestClock();
    const ctx = { ...contextFor(db, user, clock), idempotencyLifetimeMs: 2 * HOUR };
    const { bookId } = await createBook(db, 3);
    const first = await assignRandomCoupon(ctx, { bookId, idempotencyKey: 'k' });
    clock.advance(2 * HOUR - 1);
    await expect(assignRandomCoupon(ctx, { bookId, idempotencyKey: 'k' })).resolves.toEqual(first);
    await sweepIdempotencyRecords(ctx); // (other tests' keys may be older: only this user's are asserted)
    expect(await recordCount(user.userId)).toBe(1);

    clock.advance(1);
    // Expired: the same key now claims a second coupon.
    const second = await assignRandomCoupon(ctx, { bookId, idempotencyKey: 'k' });
    expect(second.code).not.toBe(first.code);
    // The taken-over record is young again: the sweep keeps it and deletes only what is expired.
    const other = await createUser(db);
    const otherCtx = { ...contextFor(db, other, clock), idempotencyLifetimeMs: 2 * HOUR };
    await assignRandomCoupon(otherCtx, { bookId, idempotencyKey: 'old' });
    clock.advance(2 * HOUR);
    expect(await sweepIdempotencyRecords(ctx)).toBeGreaterThanOrEqual(2);
    expect(await recordCount(user.userId)).toBe(0);
    expect(await recordCount(other.userId)).toBe(0);
  });

  it('defaults to a 24-hour lifetime', () => {
    expect(DEFAULT_IDEMPOTENCY_LIFETIME_MS).toBe(24 * HOUR);
  });
});
