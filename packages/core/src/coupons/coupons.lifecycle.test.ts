import { createDatabase, type Database, Prisma } from '@coupons/db';
import { createTestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, createBook, createUser, createTestClock } from '../../testing/index.ts';
import {
  assignCoupon,
  assignRandomCoupon,
  getCouponByCode,
  listMyCoupons,
  lockCoupon,
  redeemCoupon,
  reverseRedemption,
  sweepExpiredLocks,
  unlockCoupon,
} from './index.ts';

let db: Database;
let url: string;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ db, url, drop } = await createTestDatabase());
});
afterAll(async () => {
  await drop();
});

async function events(couponId: string): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<Array<{ type: string }>>(
    Prisma.sql`SELECT type::text FROM coupon_event WHERE coupon_id = ${BigInt(couponId)} ORDER BY id`,
  );
  return rows.map((r) => r.type);
}

describe('coupon lifecycle', () => {
  it('assigns, locks, unlocks, locks again and redeems, recording every transition', async () => {
    const user = await createUser(db);
    const { bookId } = await createBook(db, 5);
    const ctx = contextFor(db, user);
    const assigned = await assignRandomCoupon(ctx, { bookId });
    expect(assigned).toMatchObject({ state: 'ASSIGNED', assignedUserId: user.userId, bookId });
    const locked = await lockCoupon(ctx, { code: assigned.code.toLowerCase() });
    expect(locked.state).toBe('LOCKED');
    expect(locked.lockExpiresAt!.getTime() - ctx.clock.now().getTime()).toBe(300_000);
    expect((await unlockCoupon(ctx, { code: assigned.code })).state).toBe('ASSIGNED');
    await lockCoupon(ctx, { code: assigned.code });
    const redemption = await redeemCoupon(ctx, { code: assigned.code, metadata: { orderId: 'A-1' } });
    expect(redemption).toMatchObject({ couponId: assigned.id, userId: user.userId, metadata: { orderId: 'A-1' } });
    expect((await getCouponByCode(ctx, assigned.code))?.state).toBe('REDEEMED');
    expect(await events(assigned.id)).toEqual(['ASSIGNED', 'LOCKED', 'UNLOCKED', 'LOCKED', 'REDEEMED']);
  });

  it('names each refused transition with its contract code', async () => {
    const [owner, other] = [await createUser(db), await createUser(db)];
    const { bookId, codes } = await createBook(db, 3, { maxAssignmentsPerUser: 1 });
    const ctx = contextFor(db, owner);
    const mine = await assignCoupon(ctx, { code: codes[0] });
    await expect(assignCoupon(ctx, { code: codes[0] })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(assignCoupon(ctx, { code: codes[1] })).rejects.toMatchObject({ code: 'LIMIT_REACHED' });
    await expect(assignCoupon(ctx, { code: 'NO-SUCH-CODE' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(assignCoupon(ctx, { code: 'bad code!' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    // Codes cannot be probed: someone else's code and a free one read like no code at all.
    const noSuchCoupon = { code: 'NOT_FOUND', message: 'Coupon not found' };
    await expect(lockCoupon(contextFor(db, other), { code: mine.code })).rejects.toMatchObject(noSuchCoupon);
    await expect(lockCoupon(ctx, { code: codes[1] })).rejects.toMatchObject(noSuchCoupon);
    await expect(lockCoupon(ctx, { code: 'NO-SUCH-CODE' })).rejects.toMatchObject(noSuchCoupon);
    await expect(unlockCoupon(contextFor(db, other), { code: mine.code })).rejects.toMatchObject(noSuchCoupon);
    // An admin, who may read every coupon, hears the precise reason.
    const admin = contextFor(db, await createUser(db, 'ADMIN'));
    await expect(lockCoupon(admin, { code: mine.code })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(lockCoupon(admin, { code: codes[2] })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(assignCoupon(contextFor(db, other), { code: mine.code })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `Coupon "${mine.code}" not found`,
    });
    await expect(redeemCoupon(ctx, { code: mine.code })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(unlockCoupon(ctx, { code: mine.code })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await lockCoupon(ctx, { code: mine.code });
    await expect(lockCoupon(ctx, { code: mine.code })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(redeemCoupon(contextFor(db, other), { code: mine.code })).rejects.toMatchObject(noSuchCoupon);
    await expect(assignRandomCoupon(ctx, { bookId: '00000000-0000-0000-0000-000000000000' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(assignRandomCoupon(contextFor(db, other), { bookId, userId: owner.userId })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('says SOLD_OUT when the book is empty and BOOK_NOT_ACTIVE outside its window', async () => {
    const user = await createUser(db);
    const ctx = contextFor(db, user);
    const empty = await createBook(db, 0);
    await expect(assignRandomCoupon(ctx, { bookId: empty.bookId })).rejects.toMatchObject({ code: 'SOLD_OUT' });
    const future = await createBook(db, 2, { validFrom: new Date(Date.now() + 86_400_000) });
    await expect(assignRandomCoupon(ctx, { bookId: future.bookId })).rejects.toMatchObject({ code: 'BOOK_NOT_ACTIVE' });
    await expect(assignCoupon(ctx, { code: future.codes[0] })).rejects.toMatchObject({ code: 'BOOK_NOT_ACTIVE' });
  });

  it('lets an admin assign to a user, and the user sees it in myCoupons', async () => {
    const [admin, user] = [await createUser(db, 'ADMIN'), await createUser(db)];
    const { bookId } = await createBook(db, 2);
    const coupon = await assignRandomCoupon(contextFor(db, admin), { bookId, userId: user.userId });
    expect(coupon.assignedUserId).toBe(user.userId);
    const page = await listMyCoupons(contextFor(db, user), {});
    expect(page.items.map((c) => c.code)).toEqual([coupon.code]);
    expect(page.totalCount).toBe(1);
    expect(await getCouponByCode(contextFor(db, await createUser(db)), coupon.code)).toBeNull();
  });
});

describe('lock expiry (injected clock, no sleeping)', () => {
  it('an expired lock reads as ASSIGNED, refuses redeem with LOCK_EXPIRED, and can be locked again', async () => {
    const user = await createUser(db);
    const clock = createTestClock();
    const ctx = contextFor(db, user, clock);
    const { bookId } = await createBook(db, 1, { lockTtlSeconds: 60 });
    const coupon = await assignRandomCoupon(ctx, { bookId });
    await lockCoupon(ctx, { code: coupon.code });
    clock.advance(61_000);
    expect(await getCouponByCode(ctx, coupon.code)).toMatchObject({ state: 'ASSIGNED', lockExpiresAt: null });
    expect((await listMyCoupons(ctx, { state: 'ASSIGNED' })).items.map((c) => c.code)).toContain(coupon.code);
    await expect(redeemCoupon(ctx, { code: coupon.code })).rejects.toMatchObject({ code: 'LOCK_EXPIRED' });
    const relocked = await lockCoupon(ctx, { code: coupon.code });
    expect(relocked.state).toBe('LOCKED');
    await redeemCoupon(ctx, { code: coupon.code });
    expect(await events(coupon.id)).toEqual(['ASSIGNED', 'LOCKED', 'LOCK_EXPIRED', 'LOCKED', 'REDEEMED']);
  });

  it('two sweepers racing expire each lock exactly once', async () => {
    const clock = createTestClock();
    const { bookId } = await createBook(db, 40, { lockTtlSeconds: 30 });
    const users = await Promise.all(Array.from({ length: 40 }, () => createUser(db)));
    const coupons = await Promise.all(
      users.map(async (u) => {
        const ctx = contextFor(db, u, clock);
        const c = await assignRandomCoupon(ctx, { bookId });
        await lockCoupon(ctx, { code: c.code });
        return c;
      }),
    );
    clock.advance(31_000);
    // A second pool on the same database stands in for a second API process.
    const second = createDatabase({ url, poolSize: 2 });
    const sweeperCtx = contextFor(db, null, clock);
    const otherCtx = contextFor(second, null, clock);
    const [a, b] = await Promise.all([sweepExpiredLocks(sweeperCtx), sweepExpiredLocks(otherCtx)]);
    await second.close();
    expect(a + b).toBe(40);
    for (const c of coupons) expect(await events(c.id)).toEqual(['ASSIGNED', 'LOCKED', 'LOCK_EXPIRED']);
    expect(await sweepExpiredLocks(sweeperCtx)).toBe(0);
  });

  // What a transaction-mode PgBouncer does to a connection's prepared statements, done on one
  // real session: DEALLOCATE ALL behind the driver's back. The sweep that meets the lost
  // statement is rolled back and run again unnamed; it is not reported as a failure.
  it('a sweep that meets a lost prepared statement runs again and expires the locks', async () => {
    const clock = createTestClock();
    const lost: string[] = [];
    const single = createDatabase({ url, poolSize: 1, onNamedStatementsLost: (error) => lost.push(String((error as { code?: string }).code)) });
    try {
      const sweeperCtx = contextFor(single, null, clock);
      await sweepExpiredLocks(sweeperCtx); // prepares the sweep's first statement on the one connection
      await single.pool.query('DEALLOCATE ALL');
      const { bookId } = await createBook(db, 3, { lockTtlSeconds: 30 });
      const coupons = await Promise.all(
        [0, 1, 2].map(async () => {
          const ctx = contextFor(db, await createUser(db), clock);
          const c = await assignRandomCoupon(ctx, { bookId });
          await lockCoupon(ctx, { code: c.code });
          return c;
        }),
      );
      clock.advance(31_000);
      expect(await sweepExpiredLocks(sweeperCtx)).toBe(3);
      expect(lost, 'the lost statement was met, and names turned off').toEqual(['26000']);
      for (const c of coupons) expect(await events(c.id)).toEqual(['ASSIGNED', 'LOCKED', 'LOCK_EXPIRED']);
    } finally {
      await single.close();
    }
  });
});

describe('multi-redemption books and reversal', () => {
  it('returns the coupon to ASSIGNED until maxRedemptionsPerUser, then REDEEMED', async () => {
    const user = await createUser(db);
    const ctx = contextFor(db, user);
    const { bookId } = await createBook(db, 1, { allowMultipleRedemptions: true, maxRedemptionsPerUser: 3 });
    const coupon = await assignRandomCoupon(ctx, { bookId });
    for (let i = 1; i <= 3; i++) {
      await lockCoupon(ctx, { code: coupon.code });
      await redeemCoupon(ctx, { code: coupon.code });
      expect((await getCouponByCode(ctx, coupon.code))?.state).toBe(i < 3 ? 'ASSIGNED' : 'REDEEMED');
    }
    await expect(lockCoupon(ctx, { code: coupon.code })).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('reversal keeps the history, gives the use back and refuses a second reversal', async () => {
    const [admin, user] = [await createUser(db, 'ADMIN'), await createUser(db)];
    const ctx = contextFor(db, user);
    const { bookId } = await createBook(db, 1);
    const coupon = await assignRandomCoupon(ctx, { bookId });
    await lockCoupon(ctx, { code: coupon.code });
    const redemption = await redeemCoupon(ctx, { code: coupon.code });
    const reversed = await reverseRedemption(contextFor(db, admin), { redemptionId: redemption.id, reason: 'refund' });
    expect(reversed).toMatchObject({ id: redemption.id, reversalReason: 'refund', reversedById: admin.userId });
    expect(await getCouponByCode(ctx, coupon.code)).toMatchObject({ state: 'ASSIGNED', redemptionCount: 0 });
    await expect(
      reverseRedemption(contextFor(db, admin), { redemptionId: redemption.id, reason: 'again' }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(reverseRedemption(ctx, { redemptionId: redemption.id, reason: 'x' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await lockCoupon(ctx, { code: coupon.code });
    await redeemCoupon(ctx, { code: coupon.code });
    expect(await events(coupon.id)).toEqual(['ASSIGNED', 'LOCKED', 'REDEEMED', 'REVERSED', 'LOCKED', 'REDEEMED']);
  });
});

describe('idempotency keys', () => {
  it('a key retried 20 times at once has one effect and 20 equal answers', async () => {
    const user = await createUser(db);
    const ctx = contextFor(db, user);
    const { bookId } = await createBook(db, 10);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => assignRandomCoupon(ctx, { bookId, idempotencyKey: 'checkout-42' })),
    );
    for (const result of results) expect(result).toEqual(results[0]);
    expect((await listMyCoupons(ctx, {})).totalCount).toBe(1);
    await lockCoupon(ctx, { code: results[0].code });
    const redemptions = await Promise.all(
      Array.from({ length: 20 }, () => redeemCoupon(ctx, { code: results[0].code, idempotencyKey: 'pay-42' })),
    );
    expect(new Set(redemptions.map((r) => r.id)).size).toBe(1);
    await expect(assignRandomCoupon(ctx, { bookId: (await createBook(db, 1)).bookId, idempotencyKey: 'checkout-42' }))
      .rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
