import { holdLock, lockWaiters } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createUser, label, serviceAnswer, trackAnswer, useServiceTest } from '../../testing/index.ts';
import { archiveBook, pauseBook } from '../books/book-status.service.ts';
import { distributeToPool } from './distribution.service.ts';
import { addPoolMembers } from './pool-member.service.ts';
import { createPool } from './pool.service.ts';

// A distribution racing single claims of the same book, and a pause or archive of it, with the
// interleavings forced: other transactions hold rows the distribution needs, and the test lets
// them go when the distribution is known to wait (pg_stat_activity). The answer must be one a
// serial order gives.

const t = useServiceTest({ poolSize: 20 });

async function unassigned(bookId: string): Promise<number> {
  const { rows } = await t.db.pool.query(`SELECT count(*)::int AS n FROM coupon WHERE book_id = $1 AND state = 'UNASSIGNED'`, [bookId]);
  return rows[0].n;
}

/** A book of `codes` codes (one per user at most) and a pool of `members` users, each with a counter row at 0. */
async function setup(codes: number, members: number) {
  const book = await createBook(t.db, codes, { maxAssignmentsPerUser: 1 });
  const users = await Promise.all(Array.from({ length: members }, () => createUser(t.db)));
  const pool = await createPool(contextFor(t.db, t.admin), { name: `Race pool ${book.bookId.slice(0, 8)}` });
  await addPoolMembers(contextFor(t.db, t.admin), { poolId: pool.id, userIds: users.map((u) => u.userId) });
  await t.db.pool.query(
    `INSERT INTO user_book_counter (user_id, book_id, assigned_count, redeemed_count, max_assignments)
     SELECT u, $2::uuid, 0, 0, 1 FROM unnest($1::uuid[]) AS u`,
    [users.map((u) => u.userId), book.bookId],
  );
  // The member the distribution locks first (counters are locked in user_id order).
  const first = users.map((u) => u.userId).sort()[0];
  return { ...book, poolId: pool.id, users, first };
}

describe('distributeToPool racing claims in flight', () => {
  it("a member's claim holding a code, waiting for its counter, then refused by its limit: the distribution hands out every code", async () => {
    const { bookId, codes, poolId, first } = await setup(10, 10);
    // A gate holds every counter so that the distribution is first in line for them.
    const gate = await holdLock(t.db.pool, 'SELECT 1 FROM user_book_counter WHERE book_id = $1 FOR UPDATE', [bookId]);
    // The member's claim has picked a code (its row lock) ...
    const claim = await holdLock(t.db.pool, 'SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [codes[0]]);
    const distribution = distributeToPool(contextFor(t.db, t.admin), { poolId, bookId, mode: 'EQUAL', count: 10 });
    await lockWaiters(t.db.pool, 1);
    // ... and goes for its counter, behind the distribution; once it has it, its limit refuses it
    // (the distribution gave the member a coupon) and it rolls back, letting its code go.
    const counter = claim.client.query('SELECT 1 FROM user_book_counter WHERE user_id = $1 AND book_id = $2 FOR UPDATE', [first, bookId]);
    const refused = claim.end('ROLLBACK');
    await lockWaiters(t.db.pool, 2);
    await gate.end('COMMIT');

    // As the distribution first, then the claim: every member gets one, nothing is left.
    const done = await distribution;
    await Promise.all([counter, refused]);
    expect(done.assigned).toBe(10);
    expect(await unassigned(bookId)).toBe(0);
  });

  it('a claim holding a code for longer than the retries last: the distribution hands out the rest and says so', async () => {
    const { bookId, codes, poolId } = await setup(10, 10);
    const claim = await holdLock(t.db.pool, 'SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [codes[0]]);
    try {
      const done = await distributeToPool(contextFor(t.db, t.admin), { poolId, bookId, mode: 'EQUAL', count: 10 });
      expect(done).toMatchObject({ requested: 10, assigned: 9 });
    } finally {
      await claim.end('ROLLBACK');
    }
    expect(await unassigned(bookId)).toBe(1);
  });
});

describe('distributeToPool racing a pause or archive of its book', () => {
  const STOPS = [
    ['pauseBook', 'PAUSED', pauseBook],
    ['archiveBook', 'ARCHIVED', archiveBook],
  ] as const;
  const admin = () => contextFor(t.db, t.admin);
  const track = <T>(call: Promise<T>) => trackAnswer(serviceAnswer(call));

  it.each(STOPS)('a distribution in flight: %s waits for it, and the distribution hands out every coupon first', async (_, status, stop) => {
    const { bookId, poolId } = await setup(10, 10);
    // The distribution holds the pool and the book FOR SHARE, and waits here for its counters.
    const gate = await holdLock(t.db.pool, 'SELECT 1 FROM user_book_counter WHERE book_id = $1 FOR UPDATE', [bookId]);
    const distribution = track(distributeToPool(admin(), { poolId, bookId, mode: 'EQUAL', count: 10 }));
    await lockWaiters(t.db.pool, 1, { settled: distribution.settled });
    const stopped = track(stop(admin(), bookId));
    await lockWaiters(t.db.pool, 2, { settled: stopped.settled });
    expect(stopped.settled()).toBe(false);
    await gate.end('COMMIT');

    // Serially: the distribution, then the stop.
    const done = await distribution.answer;
    expect(done.ok && done.value.assigned).toBe(10);
    const after = await stopped.answer;
    expect(after.ok && after.value.status).toBe(status);
    expect(await unassigned(bookId)).toBe(0);
  });

  it.each(STOPS)('%s in flight: the distribution waits for it, then answers BOOK_NOT_ACTIVE (%s) and hands out nothing', async (_, status, stop) => {
    const { bookId, poolId } = await setup(10, 10);
    // The stop has written the book's status (its row lock held) and waits at its audit entry.
    const auditLog = await holdLock(t.db.pool, 'LOCK TABLE audit_log IN SHARE MODE');
    const stopped = track(stop(admin(), bookId));
    await lockWaiters(t.db.pool, 1, { settled: stopped.settled });
    const distribution = track(distributeToPool(admin(), { poolId, bookId, mode: 'EQUAL', count: 10 }));
    await lockWaiters(t.db.pool, 2, { settled: distribution.settled });
    expect(distribution.settled()).toBe(false);
    await auditLog.end('COMMIT');

    // Serially: the stop, then the distribution, refused as a claim would be.
    expect(label(await stopped.answer)).toBe('ok');
    expect(await distribution.answer).toMatchObject({ ok: false, code: 'BOOK_NOT_ACTIVE', details: { reason: status } });
    expect(await unassigned(bookId)).toBe(10);
  });

  it('pauseBook and distributeToPool at once (10 rounds): the distribution hands out all or nothing, as one serial order does', async () => {
    for (let round = 0; round < 10; round++) {
      const { bookId, poolId } = await setup(10, 10);
      const [distribution, paused] = await Promise.all([
        serviceAnswer(distributeToPool(admin(), { poolId, bookId, mode: 'EQUAL', count: 10 })),
        serviceAnswer(pauseBook(admin(), bookId)),
      ]);
      expect(label(paused)).toBe('ok');
      const left = await unassigned(bookId);
      if (distribution.ok) {
        expect({ assigned: distribution.value.assigned, left }).toEqual({ assigned: 10, left: 0 });
      } else {
        expect({ answer: distribution, left }).toMatchObject({ answer: { code: 'BOOK_NOT_ACTIVE', details: { reason: 'PAUSED' } }, left: 10 });
      }
    }
  });
});
