import { Prisma } from '@coupons/db';
import { holdLock, lockWaiters } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createUser, label, serviceAnswer, trackAnswer, useServiceTest } from '../../testing/index.ts';
import { pauseBook } from '../../src/books/book-status.service.ts';
import type { BookRecord } from '../../src/books/book.model.ts';
import { updateBook } from '../../src/books/book.service.ts';
import { assignCoupon, lockCoupon, redeemCoupon, reverseRedemption } from '../../src/coupons/index.ts';
import { distributeToPool } from '../../src/pools/distribution.service.ts';
import { addPoolMembers } from '../../src/pools/pool-member.service.ts';
import { createPool } from '../../src/pools/pool.service.ts';

// On a book with a budget, the paths that write a user's counter and the book row used to take the
// two row locks in opposite orders:
// - a redeem by code (redeem.sql.ts lockForRedeem): coupon, the redeemer's COUNTER, then the BOOK;
// - a redeem for an order (readRedeemTarget, then the redeem statement): coupon, the BOOK, then the COUNTER;
// - a distribution: the BOOK (FOR SHARE), then its members' COUNTERS;
// - a reversal: the book FOR KEY SHARE, then (one statement) the book's totals and the counter.
// Each test queues two of them so that each held the row the other needed next: serially both
// succeed, but PostgreSQL's deadlock detector aborted one of them (40P01, no contract answer). Now
// every path takes the book before the counter. Last, a redeem whose first statement waited for a
// book's first budget used to end it holding no lock on the book.

const t = useServiceTest({ poolSize: 12 });
const admin = () => contextFor(t.db, t.admin);
const track = <T>(call: Promise<T>) => trackAnswer(serviceAnswer(call));
/** The redeem's second statement (pg_stat_activity keeps a statement's first 1 KB: matched by its opening). */
const STEP_2 = '%WITH target AS (%c.lock_expires_at%';
/** A redeem's first statement (it takes the redeemer's row first). */
const STEP_1 = '%holder AS (SELECT 1 FROM app_user%';
/** A pause's audit entry. */
const AUDIT = '%INSERT INTO audit_log%';
const ORDER = { id: 'order-audit-1', amount: '50.00', currency: 'EUR' };

/** A book of `n` codes with a budget of 100 redemptions (each redeem then writes the book row). */
async function budgetedBook(n: number) {
  const book = await createBook(t.db, n);
  await updateBook(admin(), book.bookId, { maxTotalRedemptions: 100 });
  return book;
}

/** One shopper holding `codes` of the book, each LOCKED and ready to redeem. */
async function shopperWith(codes: string[]) {
  const user = await createUser(t.db);
  const ctx = contextFor(t.db, user);
  for (const code of codes) {
    await assignCoupon(ctx, { code });
    await lockCoupon(ctx, { code });
  }
  return { user, ctx };
}

async function standing(bookId: string) {
  const { rows } = await t.db.pool.query<{ counted: number; standing: number }>(
    `SELECT b.redeemed_total AS counted,
            (SELECT count(*)::int FROM redemption r WHERE r.book_id = b.id AND r.reversed_at IS NULL) AS standing
     FROM book b WHERE b.id = $1`,
    [bookId],
  );
  return rows[0];
}

describe('a budgeted book: two redeems of one shopper (one for an order, one by code) queued on the book row', () => {
  it('both go through, as one after the other (no deadlock)', async () => {
    const { bookId, codes } = await budgetedBook(2);
    const s = await shopperWith([codes[0], codes[1]]);
    // Another budgeted redeem (or a pause) in flight holds the book row.
    const holder = await holdLock(t.db.pool, Prisma.sql`SELECT 1 FROM book WHERE id = ${bookId}::uuid FOR NO KEY UPDATE`);
    // The order's redeem: its coupon, then the book (waits).
    const byOrder = track(redeemCoupon(s.ctx, { code: codes[0], order: ORDER }));
    await lockWaiters(t.db.pool, 1, { settled: byOrder.settled });
    // The redeem by code: its coupon, the shopper's counter, then the book (waits behind the first).
    const byCode = track(redeemCoupon(s.ctx, { code: codes[1] }));
    await lockWaiters(t.db.pool, 2, { settled: byCode.settled });
    await holder.end('COMMIT');

    const answers = { byOrder: label(await byOrder.answer), byCode: label(await byCode.answer) };
    expect(answers).toEqual({ byOrder: 'ok', byCode: 'ok' });
    expect(await standing(bookId)).toEqual({ counted: 2, standing: 2 });
  });
});

describe('a budgeted book: a distribution to a pool while a member redeems by code', () => {
  it('the distribution holds the book when the redeem comes: both go through (no deadlock)', async () => {
    const { bookId, codes } = await budgetedBook(5);
    const s = await shopperWith([codes[0]]);
    const pool = await createPool(admin(), { name: `Audit pool ${bookId.slice(0, 8)}` });
    await addPoolMembers(admin(), { poolId: pool.id, userIds: [s.user.userId] });
    // The member's user row is held: the distribution, holding the pool and the book FOR SHARE,
    // stops where it reads its members (FOR KEY SHARE), before it locks their counters.
    const holder = await holdLock(t.db.pool, Prisma.sql`SELECT 1 FROM app_user WHERE id = ${s.user.userId}::uuid FOR UPDATE`);
    const distribution = track(distributeToPool(admin(), { poolId: pool.id, bookId, mode: 'RANDOM', count: 2 }));
    await lockWaiters(t.db.pool, 1, { settled: distribution.settled });
    // The member's redeem: coupon, counter, then the book, which the distribution holds FOR SHARE.
    const redeem = track(redeemCoupon(s.ctx, { code: codes[0] }));
    await lockWaiters(t.db.pool, 2, { settled: redeem.settled });
    await holder.end('ROLLBACK');

    const answers = { distribution: label(await distribution.answer), redeem: label(await redeem.answer) };
    expect(answers).toEqual({ distribution: 'ok', redeem: 'ok' });
    expect(await standing(bookId)).toEqual({ counted: 1, standing: 1 });
  });
});

describe("a budgeted book: an admin's reversal of a shopper's redemption while the shopper redeems another coupon by code", () => {
  it('both go through (no deadlock)', async () => {
    const { bookId, codes } = await budgetedBook(2);
    const s = await shopperWith([codes[0], codes[1]]);
    const first = await redeemCoupon(s.ctx, { code: codes[0] });
    const holder = await holdLock(t.db.pool, Prisma.sql`SELECT 1 FROM book WHERE id = ${bookId}::uuid FOR NO KEY UPDATE`);
    // The reversal: its redemption and coupon, the book FOR KEY SHARE; then its statement writes
    // the book's totals (waits for the holder) and the counter.
    const reversal = track(reverseRedemption(admin(), { redemptionId: first.id, reason: 'refund' }));
    await lockWaiters(t.db.pool, 1, { settled: reversal.settled });
    const byCode = track(redeemCoupon(s.ctx, { code: codes[1] }));
    await lockWaiters(t.db.pool, 2, { settled: byCode.settled });
    await holder.end('COMMIT');

    const answers = { reversal: label(await reversal.answer), byCode: label(await byCode.answer) };
    expect(answers).toEqual({ reversal: 'ok', byCode: 'ok' });
    expect(await standing(bookId)).toEqual({ counted: 1, standing: 1 });
  });
});

describe("a redeem that waits in its first statement for the book's first budget, racing a pause", () => {
  // redeem.sql.ts lockBookForRedeem: step 1 locks the book FOR KEY SHARE when it has no budget
  // (in the statement's snapshot) and FOR NO KEY UPDATE when it has one. When the first budget
  // committed while step 1 waited, the re-check dropped the row from the first CTE and the second
  // never saw it budgeted: step 1 ended holding no lock on the book, and step 2 read the book ACTIVE
  // and met the pause only at its budget write, after the read that decided it.
  it('the pause commits while the redeem waits at its budget write: a serial answer (refused, or counted by the pause)', async () => {
    const { bookId, codes } = await createBook(t.db, 1);
    const s = await shopperWith([codes[0]]);
    // The pause will stop at its audit entry, its book row written PAUSED and locked.
    const auditLog = await holdLock(t.db.pool, 'LOCK TABLE audit_log IN SHARE MODE');
    // The first budget being set, as updateBook does it (the book FOR UPDATE, the budget and its count written).
    const budget = await holdLock(t.db.pool, Prisma.sql`SELECT 1 FROM book WHERE id = ${bookId}::uuid FOR UPDATE`);
    await budget.client.query('UPDATE book SET max_total_redemptions = 10, redeemed_total = 0 WHERE id = $1', [bookId]);
    // The redemption table is held: the redeem's second statement will wait before it starts (and takes its snapshot).
    const gate = await holdLock(t.db.pool, 'LOCK TABLE redemption IN ACCESS EXCLUSIVE MODE');
    const redeem = track(redeemCoupon(s.ctx, { code: codes[0] }));
    await lockWaiters(t.db.pool, 1, { settled: redeem.settled });
    const pause = track(pauseBook(admin(), bookId));
    await lockWaiters(t.db.pool, 2, { settled: pause.settled });
    await budget.end('COMMIT');
    try {
      // Either the redeem's first statement took the book (its second then waits at the gate, and
      // the pause for the book), or the pause did (PAUSED, not committed; it waits at its audit
      // entry). The old code always came to the second: the redeem's first statement ended with no
      // lock on the book, its second waited at the gate.
      await lockWaiters(t.db.pool, 1, { like: [STEP_2, AUDIT] });
      const { rows: pausing } = await t.db.pool.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND query ILIKE $1`,
        [AUDIT],
      );
      await gate.end();
      if (pausing[0]) {
        // Old: the second statement read the book ACTIVE (the pause had not committed), then waited
        // for the pause's row lock at its budget write. Now the first statement waits for the pause.
        await lockWaiters(t.db.pool, 1, { like: [STEP_2, STEP_1], blockedBy: pausing[0].pid, settled: redeem.settled });
      } else {
        // The redeem held the book: it commits, and the pause comes after it.
        await redeem.answer;
      }
    } finally {
      await gate.end();
      await auditLog.end();
    }

    const [paused, redeemed] = [await pause.answer, await redeem.answer];
    expect(paused.ok).toBe(true);
    const counted = paused.ok ? (paused.value as BookRecord).redeemedTotal : null;
    const serial = ['redeem ok, pause reports 1', 'redeem BOOK_NOT_ACTIVE, pause reports 0'];
    expect(serial).toContain(`redeem ${label(redeemed)}, pause reports ${counted}`);
    expect(await standing(bookId)).toEqual({ counted: redeemed.ok ? 1 : 0, standing: redeemed.ok ? 1 : 0 });
  });
});
