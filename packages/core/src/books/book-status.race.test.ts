import { Prisma } from '@coupons/db';
import { holdLock, lockWaiters } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createUser, useServiceTest, label, serviceAnswer, trackAnswer } from '../../testing/index.ts';
import type { ServiceContext } from '../shared/context.ts';
import { assignCoupon, lockCoupon, redeemCoupon } from '../coupons/index.ts';
import type { BookRecord } from './book.model.ts';
import { updateBook } from './book.service.ts';
import { pinBook } from './book.pins.ts';
import { archiveBook, deleteBook, pauseBook, resumeBook } from './book-status.service.ts';

// A book's status racing the lock and redeem of its coupons. Transitions read the status in the
// statement that holds the coupon's row lock, so a lock or redeem that waits for its coupon while
// the status changes answers as if it ran after the change; one that read the status before the
// change answers as if it ran before it, and then nothing the change answers may contradict it
// (a budgeted book's pause reports the redemptions it counted). Each forced test holds a row in a
// transaction of its own so that the call under test provably waits (pg_stat_activity), changes
// the status meanwhile, and then lets go.

const t = useServiceTest({ poolSize: 8 });

/** Starts `call` and tracks its answer (a service's own: a raw database error is no contract code). */
const track = <T>(call: Promise<T>) => trackAnswer(serviceAnswer(call));

/** A shopper holding `code` of a book, ASSIGNED, or LOCKED with `locked`. */
async function shopper(code: string, locked: boolean): Promise<{ ctx: ServiceContext; userId: string; code: string }> {
  const user = await createUser(t.db);
  const ctx = contextFor(t.db, user);
  await assignCoupon(ctx, { code });
  if (locked) await lockCoupon(ctx, { code });
  return { ctx, userId: user.userId, code };
}

/** The coupon row, its redemptions and its holder's counter, as they stand. */
async function couponOf(code: string) {
  const [row] = await t.db.prisma.$queryRaw<
    Array<{ state: string; owner: string | null; locked_by: string | null; redemption_count: number; redemptions: number; redeemed: number | null }>
  >(Prisma.sql`
    SELECT c.state::text AS state, c.assigned_user_id::text AS owner, c.locked_by_id::text AS locked_by, c.redemption_count,
           (SELECT count(*)::int FROM redemption r WHERE r.coupon_id = c.id) AS redemptions,
           (SELECT u.redeemed_count FROM user_book_counter u WHERE u.user_id = c.assigned_user_id AND u.book_id = c.book_id) AS redeemed
    FROM coupon c WHERE c.code = ${code}`);
  return row;
}

/** The book's status and budget counter against the redemptions that stand. */
async function bookOf(bookId: string) {
  const [row] = await t.db.prisma.$queryRaw<Array<{ status: string; counted: number; standing: number }>>(Prisma.sql`
    SELECT b.status::text AS status, b.redeemed_total AS counted,
           (SELECT count(*)::int FROM redemption r WHERE r.book_id = b.id AND r.reversed_at IS NULL) AS standing
    FROM book b WHERE b.id = ${bookId}::uuid`);
  return row;
}

const holdCoupon = (code: string) => holdLock(t.db.pool, Prisma.sql`SELECT 1 FROM coupon WHERE code = ${code} FOR UPDATE`);

const STOPS = [
  ['pauseBook', 'PAUSED', pauseBook],
  ['archiveBook', 'ARCHIVED', archiveBook],
] as const;

describe('a lock or redeem waiting for its coupon while the book stops: it runs after the change', () => {
  it.each(STOPS)('a lock queued on its coupon while %s commits: BOOK_NOT_ACTIVE (%s), the coupon stays ASSIGNED', async (_, status, stop) => {
    const { bookId, codes } = await createBook(t.db, 1);
    const s = await shopper(codes[0], false);
    const holder = await holdCoupon(s.code);
    const lock = track(lockCoupon(s.ctx, { code: s.code }));
    await lockWaiters(t.db.pool, 1, { settled: lock.settled });
    expect((await stop(contextFor(t.db, t.admin), bookId)).status).toBe(status);
    await holder.end('COMMIT');

    expect(await lock.answer).toMatchObject({ ok: false, code: 'BOOK_NOT_ACTIVE', details: { reason: status } });
    expect(await couponOf(s.code)).toMatchObject({ state: 'ASSIGNED', owner: s.userId, locked_by: null });
  });

  it.each(STOPS)('a redeem queued on its coupon while %s commits: BOOK_NOT_ACTIVE (%s), nothing redeemed', async (_, status, stop) => {
    const { bookId, codes } = await createBook(t.db, 1);
    const s = await shopper(codes[0], true);
    const holder = await holdCoupon(s.code);
    const redeem = track(redeemCoupon(s.ctx, { code: s.code }));
    await lockWaiters(t.db.pool, 1, { settled: redeem.settled });
    expect((await stop(contextFor(t.db, t.admin), bookId)).status).toBe(status);
    await holder.end('COMMIT');

    expect(await redeem.answer).toMatchObject({ ok: false, code: 'BOOK_NOT_ACTIVE', details: { reason: status } });
    expect(await couponOf(s.code)).toEqual({ state: 'LOCKED', owner: s.userId, locked_by: s.userId, redemption_count: 0, redemptions: 0, redeemed: 0 });
    expect(await bookOf(bookId)).toEqual({ status, counted: 0, standing: 0 });
  });

  it.each(STOPS)('a lock and a redeem queued while %s and then resumeBook commit: both go through', async (_, _status, stop) => {
    const { bookId, codes } = await createBook(t.db, 2);
    const admin = contextFor(t.db, t.admin);
    const toLock = await shopper(codes[0], false);
    const toRedeem = await shopper(codes[1], true);
    await stop(admin, bookId);
    const holder = await holdLock(t.db.pool, Prisma.sql`SELECT 1 FROM coupon WHERE book_id = ${bookId}::uuid FOR UPDATE`);
    const lock = track(lockCoupon(toLock.ctx, { code: toLock.code }));
    const redeem = track(redeemCoupon(toRedeem.ctx, { code: toRedeem.code }));
    await lockWaiters(t.db.pool, 2, { settled: () => lock.settled() && redeem.settled() });
    expect((await resumeBook(admin, bookId)).status).toBe('ACTIVE');
    await holder.end('COMMIT');

    expect(label(await lock.answer)).toBe('ok');
    expect(label(await redeem.answer)).toBe('ok');
    expect(await couponOf(toLock.code)).toMatchObject({ state: 'LOCKED', locked_by: toLock.userId });
    expect(await couponOf(toRedeem.code)).toMatchObject({ state: 'REDEEMED', redemptions: 1, redeemed: 1 });
  });
});

describe('a budgeted book: a redeem and a pause that both write the book row', () => {
  /** A book of `n` codes with a budget of 10 redemptions, so that each redeem counts on the book row. */
  async function budgetedBook(n: number) {
    const book = await createBook(t.db, n);
    await updateBook(contextFor(t.db, t.admin), book.bookId, { maxTotalRedemptions: 10 });
    return book;
  }

  it('a redeem in flight holds the book row: the pause waits, then reports the redemption', async () => {
    const { bookId, codes } = await budgetedBook(1);
    const s = await shopper(codes[0], true);
    // The redemption table is held: the redeem stops before its second statement, its first having
    // taken the book row (with its user, coupon and counter rows).
    const holder = await holdLock(t.db.pool, Prisma.sql`LOCK TABLE redemption IN ACCESS EXCLUSIVE MODE`);
    const redeem = track(redeemCoupon(s.ctx, { code: s.code }));
    await lockWaiters(t.db.pool, 1, { settled: redeem.settled });
    const pause = track(pauseBook(contextFor(t.db, t.admin), bookId));
    await lockWaiters(t.db.pool, 2, { settled: pause.settled });
    await holder.end();

    const [redeemed, paused] = [await redeem.answer, await pause.answer];
    expect(label(redeemed)).toBe('ok');
    expect(paused).toMatchObject({ ok: true, value: { status: 'PAUSED', redeemedTotal: 1, redemptionsLeft: 9 } });
    expect(await bookOf(bookId)).toEqual({ status: 'PAUSED', counted: 1, standing: 1 });
  });

  it.each([
    ['by code', undefined],
    ['that pays for an order (it reads the book to price the order)', { id: 'order-1', amount: '50.00', currency: 'EUR' }],
  ])('a pause in flight holds the book row: a redeem %s that comes meanwhile is refused, or counted by the pause', async (_, order) => {
    const { bookId, codes } = await budgetedBook(1);
    const s = await shopper(codes[0], true);
    // The audit log is held: the pause stops at its audit entry, the book row already PAUSED in
    // its transaction (and locked by it). The redeem then reads the book as ACTIVE (the pause has
    // not committed) and, as its budget write needs the book row, waits for the pause.
    const holder = await holdLock(t.db.pool, Prisma.sql`LOCK TABLE audit_log IN SHARE MODE`);
    const pause = track(pauseBook(contextFor(t.db, t.admin), bookId));
    await lockWaiters(t.db.pool, 1, { settled: pause.settled });
    const redeem = track(redeemCoupon(s.ctx, { code: s.code, ...(order ? { order } : {}) }));
    // The redeem either waits for the pause (for the book row) or gets through before it commits.
    await lockWaiters(t.db.pool, 2, { settled: redeem.settled });
    await holder.end();

    const [paused, redeemed] = [await pause.answer, await redeem.answer];
    expect(paused.ok).toBe(true);
    const counted = paused.ok ? (paused.value as BookRecord).redeemedTotal : null;
    // Serially: the redeem before the pause (ok, and the pause reports it), or after (refused).
    const serial = ['redeem ok, pause reports 1 redemption', 'redeem BOOK_NOT_ACTIVE, pause reports 0 redemptions'];
    const seen = `redeem ${label(redeemed)}, pause reports ${counted} redemption${counted === 1 ? '' : 's'}`;
    expect(serial, `the redeem answered ${label(redeemed)} after the pause had answered ${JSON.stringify(paused.ok && { status: (paused.value as BookRecord).status, redeemedTotal: counted })}`).toContain(seen);
    expect(await bookOf(bookId)).toEqual({ status: 'PAUSED', counted: redeemed.ok ? 1 : 0, standing: redeemed.ok ? 1 : 0 });
  });
});

describe('plain races (rounds of Promise.all): every answer is one a serial order gives', () => {
  /**
   * `rounds` rounds of a lock, a redeem and a pause or archive at once, each on a fresh book
   * (`budgeted`: with a budget of 10 redemptions). Returns the answers seen that no serial order
   * gives, and every answer seen by how often.
   */
  async function raceRounds(rounds: number, budgeted: boolean) {
    const admin = contextFor(t.db, t.admin);
    const seen: Record<string, number> = {};
    const wrong: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const { bookId, codes } = await createBook(t.db, 2);
      if (budgeted) await updateBook(admin, bookId, { maxTotalRedemptions: 10 });
      const [toLock, toRedeem] = await Promise.all([shopper(codes[0], false), shopper(codes[1], true)]);
      const [stopName, status, stop] = STOPS[round % 2];
      const [lock, redeem, stopped] = await Promise.all([
        track(lockCoupon(toLock.ctx, { code: toLock.code })).answer,
        track(redeemCoupon(toRedeem.ctx, { code: toRedeem.code })).answer,
        track(stop(admin, bookId)).answer,
      ]);
      const counted = stopped.ok ? ` counting ${(stopped.value as BookRecord).redeemedTotal}` : '';
      const key = `lock ${label(lock)}, redeem ${label(redeem)}, ${stopName} ${label(stopped)}${budgeted ? counted : ''}`;
      seen[key] = (seen[key] ?? 0) + 1;
      // Lock and redeem each ran wholly before the status change (ok) or after it (refused); on a
      // budgeted book the change counts the redemption exactly when the redeem came first.
      const serial = ['ok', 'BOOK_NOT_ACTIVE'].flatMap((l) =>
        ['ok', 'BOOK_NOT_ACTIVE'].map((r) => `lock ${l}, redeem ${r}, ${stopName} ok${budgeted ? ` counting ${r === 'ok' ? 1 : 0}` : ''}`),
      );
      if (!serial.includes(key)) wrong.push(`round ${round}: ${key}`);
      // The data agrees with the answers.
      expect(await couponOf(toLock.code)).toMatchObject({ state: lock.ok ? 'LOCKED' : 'ASSIGNED' });
      expect(await couponOf(toRedeem.code)).toMatchObject({
        state: redeem.ok ? 'REDEEMED' : 'LOCKED',
        redemptions: redeem.ok ? 1 : 0,
        redeemed: redeem.ok ? 1 : 0,
      });
      expect(await bookOf(bookId)).toEqual({ status, counted: budgeted && redeem.ok ? 1 : 0, standing: redeem.ok ? 1 : 0 });
    }
    return { wrong, seen };
  }

  it('a lock, a redeem and a pause or archive at once (20 rounds)', async () => {
    const { wrong, seen } = await raceRounds(20, false);
    expect(wrong, JSON.stringify(seen)).toEqual([]);
  });

  it('the same on a budgeted book, whose redeems write the book row (20 rounds)', async () => {
    const { wrong, seen } = await raceRounds(20, true);
    expect(wrong, JSON.stringify(seen)).toEqual([]);
  });
});

describe('deleteBook while claims in flight hold its codes', () => {
  /** Holds every code of the book locked, as claimers in flight do, until `end`. */
  const holdCodes = (bookId: string) => holdLock(t.db.pool, 'SELECT 1 FROM coupon WHERE book_id = $1 FOR UPDATE', [bookId]);

  // deleteBook racing a claim in flight answers as the claim's outcome says: the claim first and
  // then the delete (refused once a coupon went out), or the delete alone when the claim failed.
  it('deleteBook while a claim holds a code that it then lets go: the book is deleted', async () => {
    const { bookId } = await createBook(t.db, 3);
    const holder = await holdCodes(bookId);
    const deleted = deleteBook(contextFor(t.db, t.admin), bookId);
    await lockWaiters(t.db.pool, 1);
    await holder.end('ROLLBACK');
    expect(await deleted).toBe(true);
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM book WHERE id = $1', [bookId]);
    expect(rows[0].n).toBe(0);
  });

  it('deleteBook while a claim holds a code that it takes: refused, the coupon went out', async () => {
    const { bookId, codes } = await createBook(t.db, 3);
    const user = await createUser(t.db);
    const holder = await holdCodes(bookId);
    const deleted = deleteBook(contextFor(t.db, t.admin), bookId);
    await lockWaiters(t.db.pool, 1);
    await holder.client.query(`UPDATE coupon SET state = 'ASSIGNED', assigned_user_id = $1, assigned_at = now() WHERE code = $2`, [user.userId, codes[0]]);
    await holder.end('COMMIT');
    await expect(deleted).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/were given out/) });
  });

  it('deleteBook while a code stays held for over 5 s: INVALID_STATE, try again, and nothing is deleted', async () => {
    const { bookId } = await createBook(t.db, 3);
    const holder = await holdCodes(bookId);
    try {
      const deleted = deleteBook(contextFor(t.db, t.admin), bookId);
      await expect(deleted).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/held by other requests for over 5s.*try again/) });
    } finally {
      await holder.end('ROLLBACK');
    }
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM coupon WHERE book_id = $1', [bookId]);
    expect(rows[0].n).toBe(3);
  });

  it('deleteBook while a row its delete cascades to stays held for over 5 s (a fan-out holding the book’s webhook endpoint): INVALID_STATE, nothing deleted', async () => {
    const { bookId } = await createBook(t.db, 3);
    const { rows: endpoints } = await t.db.pool.query<{ id: string }>(
      `INSERT INTO webhook_endpoint (id, url, events, book_id, secret, start_after_event_id)
       VALUES (gen_random_uuid(), 'https://hooks.example/coupons', '{ASSIGNED}', $1::uuid, 'whsec_test', 0) RETURNING id::text AS id`,
      [bookId],
    );
    const fanOut = await holdLock(t.db.pool, 'SELECT 1 FROM webhook_endpoint WHERE id = $1 FOR KEY SHARE', [endpoints[0].id]);
    try {
      await expect(deleteBook(contextFor(t.db, t.admin), bookId)).rejects.toMatchObject({
        code: 'INVALID_STATE',
        message: expect.stringMatching(/held by other requests for over 5s.*try again/),
      });
    } finally {
      await fanOut.end();
    }
    const { rows } = await t.db.pool.query('SELECT (SELECT count(*)::int FROM coupon WHERE book_id = $1) AS codes, (SELECT count(*)::int FROM book WHERE id = $1) AS books', [bookId]);
    expect(rows[0]).toEqual({ codes: 3, books: 1 });
  });
});

describe('pinBook racing deleteBook', () => {
  it('a pin that reaches the book while deleteBook is committing waits, then answers NOT_FOUND for the book (not a foreign-key failure); nothing is pinned', async () => {
    const { bookId } = await createBook(t.db, 1);
    const admin = contextFor(t.db, t.admin);
    // The delete runs up to its audit entry (its DELETE done, not committed) and waits there.
    const auditLog = await holdLock(t.db.pool, 'LOCK TABLE audit_log IN SHARE MODE');
    const deleted = track(deleteBook(admin, bookId));
    await lockWaiters(t.db.pool, 1);
    const pinned = track(pinBook(admin, bookId));
    await lockWaiters(t.db.pool, 2, { settled: pinned.settled });
    await auditLog.end('COMMIT');
    // Serially: the delete, then the pin, which finds no book.
    expect(await deleted.answer).toEqual({ ok: true, value: true });
    expect(await pinned.answer).toMatchObject({ ok: false, code: 'NOT_FOUND', message: expect.stringContaining(bookId) });
    const { rows } = await t.db.pool.query('SELECT count(*)::int AS n FROM admin_pin WHERE book_id = $1', [bookId]);
    expect(rows[0].n).toBe(0);
  });
});
