import { setTimeout as sleep } from 'node:timers/promises';
import { holdLock, lockWaiters } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createTestClock, createUser, label, serviceAnswer, useServiceTest } from '../../testing/index.ts';
import { deleteBook } from '../../src/books/index.ts';
import { assignCoupon, lockCoupon, sweepExpiredLocks } from '../../src/coupons/index.ts';
import type { ServiceContext } from '../../src/shared/context.ts';
import { eraseUser } from '../../src/users/user-admin.service.ts';

// The lock sweeper racing the statements that lock several coupons FOR UPDATE: deleteBook (every
// code of the book) and eraseUser (the user's ASSIGNED/LOCKED coupons). The sweeper picks its
// batch by expiry and used to lock it in that order, holding each row while it waited for the
// next; deleteBook locked in its index scan's order. When a coupon earlier by id expired later,
// the orders disagreed and PostgreSQL broke the cycle (40P01): a sweep rolled back (LOCK_EXPIRED a
// sweep late), an erase re-run after ~1 s, deleteBook answered INTERNAL_SERVER_ERROR. All three
// now lock in id order (lock-sweeper.ts), so each pair takes turns and answers serially.
//
// Tests 1 and 3: the test holds B (the first coupon by expiry); the sweeper waits on a coupon; the
// other side waits too; the test lets go. Test 2: deleteBook starts first and stops at a coupon
// the test holds, between the two expired ones by id, and the sweeper comes after.

const t = useServiceTest({ poolSize: 20 });

/** Two coupons of one user, both LOCKED and expired, A (lower id) expiring after B. */
async function twoExpiredLocks() {
  const start = Date.now();
  const { bookId, codes } = await createBook(t.db, 2, { lockTtlSeconds: 60 });
  const [a, b] = codes as [string, string];
  const user = await createUser(t.db);
  const later = contextFor(t.db, user, createTestClock(start + 10_000));
  const earlier = contextFor(t.db, user, createTestClock(start));
  await assignCoupon(earlier, { code: a });
  await assignCoupon(earlier, { code: b });
  await lockCoupon(later, { code: a }); // expires at start + 70 s
  await lockCoupon(earlier, { code: b }); // expires at start + 60 s: the sweeper takes B first
  const sweeper = contextFor(t.db, null, createTestClock(start + 120_000));
  return { bookId, a, b, user, sweeper };
}

/**
 * The test holds coupon `held`; the sweeper starts and waits on a coupon; `other` starts and waits
 * too; the test lets go. The two answers, the sweep's first.
 */
async function sweepThen(held: string, sweeper: ServiceContext, other: () => Promise<unknown>): Promise<[string, string]> {
  const holder = await holdLock(t.db.pool, 'SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [held]);
  try {
    const swept = serviceAnswer(sweepExpiredLocks(sweeper));
    await lockWaiters(t.db.pool, 1, { like: '%lock_expires_at%FOR UPDATE%' });
    const second = serviceAnswer(other());
    await lockWaiters(t.db.pool, 2);
    await holder.end('ROLLBACK');
    const [s, o] = await Promise.all([swept, second]);
    return [label(s), label(o)];
  } finally {
    await holder.end('ROLLBACK');
  }
}

describe('the lock sweeper racing statements that lock several coupons', () => {
  it('deleteBook of a book with two expired locks, racing the sweeper: INVALID_STATE (serially), never a 40P01', async () => {
    const { bookId, b, sweeper } = await twoExpiredLocks();
    const admin = contextFor(t.db, t.admin);
    const answers = await sweepThen(b, sweeper, () => deleteBook(admin, bookId));
    // Serially, in either order: the sweep expires both locks, the delete refuses (codes were out).
    expect(answers).toEqual(['ok', 'INVALID_STATE']);
  }, 30_000);

  it('deleteBook stopped between two expired locks, the sweeper behind it: INVALID_STATE and a sweep, no 40P01', async () => {
    // A (id 0) and B (id 2) locked and expired, B first in the sweeper's order; M (id 1) between
    // them in deleteBook's order, held by the test, so deleteBook locks A and stops before B.
    const start = Date.now();
    const { bookId, codes } = await createBook(t.db, 3, { lockTtlSeconds: 60 });
    const [a, m, b] = codes as [string, string, string];
    const user = await createUser(t.db);
    const later = contextFor(t.db, user, createTestClock(start + 10_000));
    const earlier = contextFor(t.db, user, createTestClock(start));
    for (const code of [a, m, b]) await assignCoupon(earlier, { code });
    // M's lock is still running at the sweep, so the sweeper never touches it.
    await lockCoupon(later, { code: a });
    await lockCoupon(contextFor(t.db, user, createTestClock(start + 200_000)), { code: m });
    await lockCoupon(earlier, { code: b });
    const { rows: order } = await t.db.pool.query<{ code: string }>('SELECT code FROM coupon WHERE book_id = $1', [bookId]);
    expect(order.map((r) => r.code)).toEqual([a, m, b]);
    const sweeper = contextFor(t.db, null, createTestClock(start + 120_000));
    const admin = contextFor(t.db, t.admin);

    const holder = await holdLock(t.db.pool, 'SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [m]);
    let answers: [string, string];
    try {
      const deleted = serviceAnswer(deleteBook(admin, bookId));
      await lockWaiters(t.db.pool, 1, { like: '%FROM coupon WHERE book_id%FOR UPDATE%' }); // holds A, waits for M
      const swept = serviceAnswer(sweepExpiredLocks(sweeper));
      await lockWaiters(t.db.pool, 2); // the sweeper waits for A (in expiry order it held B, and deleteBook would wait for it)
      await sleep(1_500); // past deadlock_timeout: each waiter's deadlock check has run
      await holder.end('ROLLBACK'); // deleteBook takes M and B, refuses (codes were out); then the sweep
      const [d, s] = await Promise.all([deleted, swept]);
      answers = [label(d), label(s)];
    } finally {
      await holder.end('ROLLBACK');
    }
    expect(answers).toEqual(['INVALID_STATE', 'ok']);
  }, 30_000);

  it('eraseUser of the holder of two expired locks, racing the sweeper: no 40P01 for either', async () => {
    const { b, user, sweeper } = await twoExpiredLocks();
    const admin = contextFor(t.db, t.admin);
    const answers = await sweepThen(b, sweeper, () => eraseUser(admin, user.userId));
    expect(answers).toEqual(['ok', 'ok']);
  }, 30_000);
});
