import { Prisma } from '@coupons/db';
import { holdLock, lockWaiters } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createUser, useServiceTest } from '../../testing/index.ts';
import { assignCoupon, lockCoupon, redeemCoupon, reverseRedemption } from '../coupons/index.ts';
import { updateBook } from './book.service.ts';

// Setting a book's first budget counts the redemptions that stand; from then on each redeem and
// reversal moves the counters. A redeem or reversal that overlaps the count must land on one side
// of it, as if the two ran one after the other: the book's redeemed_total then always equals its
// redemptions that stand. Each test forces the one interleaving that could split them, with a
// transaction that holds a row both wait for.

const t = useServiceTest({ poolSize: 8 });

/** A book's budget counter against the redemptions that stand. */
async function budgetOf(bookId: string): Promise<{ counted: number; standing: number }> {
  const [row] = await t.db.prisma.$queryRaw<Array<{ counted: number; standing: number }>>(Prisma.sql`
    SELECT b.redeemed_total AS counted,
           (SELECT count(*)::int FROM redemption r WHERE r.book_id = b.id AND r.reversed_at IS NULL) AS standing
    FROM book b WHERE b.id = ${bookId}::uuid`);
  return row;
}

/** A shopper holding a coupon of the book, locked and ready to redeem. */
async function lockedShopper(codes: string[], index: number) {
  const ctx = contextFor(t.db, await createUser(t.db));
  await assignCoupon(ctx, { code: codes[index] });
  await lockCoupon(ctx, { code: codes[index] });
  return { ctx, code: codes[index] };
}

/** Holds a row lock in a transaction of its own until `end()`. */
async function holdRow(sql: Prisma.Sql) {
  const holder = await holdLock(t.db.pool, sql);
  expect(holder.result.rowCount).toBe(1);
  return holder;
}

describe('a first budget racing redemptions', () => {
  it.each([
    ['a redeem', {}],
    ["an order's redeem", { order: { id: 'order-1', amount: '50.00', currency: 'EUR' } }],
  ])('%s that comes while the budget is being set waits, then is counted', async (_, extra) => {
    const { bookId, codes } = await createBook(t.db, 3);
    const admin = contextFor(t.db, t.admin);
    const before = await lockedShopper(codes, 0);
    await redeemCoupon(before.ctx, { code: before.code });
    const shopper = await lockedShopper(codes, 1);

    // The book row is held; updateBook queues for it first, then the redeem.
    const holder = await holdRow(Prisma.sql`SELECT 1 FROM book WHERE id = ${bookId}::uuid FOR UPDATE`);
    const budget = updateBook(admin, bookId, { maxTotalRedemptions: 10 });
    await lockWaiters(t.db.pool, 1);
    const redeem = redeemCoupon(shopper.ctx, { code: shopper.code, ...extra });
    await lockWaiters(t.db.pool, 2);
    await holder.end('COMMIT');

    expect((await budget).maxTotalRedemptions).toBe(10);
    expect((await redeem).couponId).toBeTruthy();
    expect(await budgetOf(bookId)).toEqual({ counted: 2, standing: 2 });
  });

  it('a reversal in flight while the budget is set makes it wait, and the count leaves it out', async () => {
    const { bookId, codes } = await createBook(t.db, 3);
    const admin = contextFor(t.db, t.admin);
    const kept = await lockedShopper(codes, 0);
    await redeemCoupon(kept.ctx, { code: kept.code });
    const refunded = await lockedShopper(codes, 1);
    const redemption = await redeemCoupon(refunded.ctx, { code: refunded.code });

    // The refunded shopper's counter row is held: the reversal stops in its second statement,
    // after it has read the book (no budget yet).
    const holder = await holdRow(Prisma.sql`
      SELECT 1 FROM user_book_counter WHERE user_id = ${refunded.ctx.caller?.userId}::uuid AND book_id = ${bookId}::uuid FOR UPDATE`);
    const reversal = reverseRedemption(admin, { redemptionId: redemption.id, reason: 'refund' });
    await lockWaiters(t.db.pool, 1);
    let budgetSettled = false;
    const budget = updateBook(admin, bookId, { maxTotalRedemptions: 10 }).finally(() => {
      budgetSettled = true;
    });
    // Either updateBook waits for the reversal (as it must), or it got through: the test then fails below.
    await lockWaiters(t.db.pool, 2, { settled: () => budgetSettled });
    await holder.end('COMMIT');

    expect((await reversal).reversedAt).toBeTruthy();
    expect((await budget).maxTotalRedemptions).toBe(10);
    expect(await budgetOf(bookId)).toEqual({ counted: 1, standing: 1 });
  });
});
