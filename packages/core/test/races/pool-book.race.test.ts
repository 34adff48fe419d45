import { Prisma } from '@coupons/db';
import { holdLock, lockWaiters as waitForLockWaiters } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createUser, useServiceTest, type Answer, label, serviceAnswer, trackAnswer } from '../../testing/index.ts';
import { updateBook } from '../../src/books/book.service.ts';
import { assignCoupon, assignRandomCoupon, lockCoupon, type RedemptionRecord, redeemCoupon, reverseRedemption } from '../../src/coupons/index.ts';
import type { Caller } from '../../src/shared/context.ts';
import { distributeToPool, previewDistribution } from '../../src/pools/distribution.service.ts';
import { deletePool } from '../../src/pools/pool-change.service.ts';
import { addPoolMembers, removePoolMembers } from '../../src/pools/pool-member.service.ts';
import { createPool } from '../../src/pools/pool.service.ts';

// Pairs that no other race test forces: a distribution against what changes its pool, its
// members and its book; a preview's seed replayed while claims land; and a redeem for an order
// against a second redeem of that order, its reversal, a change of the book, and a retried
// idempotency key. Each forced test has a transaction of its own hold a row (or the audit log,
// which pauses a change at its audit entry with its rows written), starts the call under test,
// proves from pg_stat_activity that it waits, and then lets go. Each outcome must be one that a
// serial order of the requests gives; where a read ("probe") follows an answer, the order must
// also respect that: a change that has answered comes before the probe.

const t = useServiceTest({ poolSize: 20 });
const admin = () => contextFor(t.db, t.admin);

/** Waits until `n` backends wait for a lock, or `settled()` says to stop looking. */
const lockWaiters = (n: number, settled?: () => boolean) => waitForLockWaiters(t.db.pool, n, { settled });

/** A connection in an open transaction that ran `statements`; its locks last until `end`. */
async function hold(first: [string, unknown[]?], ...more: Array<[string, unknown[]?]>) {
  const holder = await holdLock(t.db.pool, first[0], first[1]);
  for (const [text, values] of more) await holder.client.query(text, values);
  return holder;
}

/** Holds the audit log: a change that audits stops at its audit entry, its own rows written and locked. */
const holdAuditLog = () => hold(['LOCK TABLE audit_log IN SHARE MODE']);

/** Starts `call` and tracks its answer (a service's own: a raw database error is no contract code). */
const track = <T>(call: Promise<T>) => trackAnswer(serviceAnswer(call));
const okValue = <T>(answer: Answer<T>): T => {
  if (!answer.ok) throw new Error(`expected ok, got ${answer.code}: ${answer.message}`);
  return answer.value;
};

/** Coupons of the book per holder. */
async function holdings(bookId: string): Promise<Map<string, number>> {
  const rows = await t.db.prisma.$queryRaw<Array<{ user_id: string; n: number }>>(Prisma.sql`
    SELECT assigned_user_id::text AS user_id, count(*)::int AS n FROM coupon
    WHERE book_id = ${bookId}::uuid AND assigned_user_id IS NOT NULL GROUP BY 1`);
  return new Map(rows.map((r) => [r.user_id, r.n]));
}

/** Coupons the admin's distributions handed each user (their ASSIGNED events). */
async function distributedTo(bookId: string): Promise<Map<string, number>> {
  const rows = await t.db.prisma.$queryRaw<Array<{ user_id: string; n: number }>>(Prisma.sql`
    SELECT user_id::text, count(*)::int AS n FROM coupon_event
    WHERE book_id = ${bookId}::uuid AND type = 'ASSIGNED' AND actor_id = ${t.admin.userId}::uuid GROUP BY 1`);
  return new Map(rows.map((r) => [r.user_id, r.n]));
}

/**
 * Nothing twice and the counters right: one ASSIGNED event per assigned coupon, and every
 * counter of the book equal to what its user holds.
 */
async function expectConsistent(bookId: string) {
  const [row] = await t.db.prisma.$queryRaw<Array<{ held: number; events: number; distinct: number; off: number }>>(Prisma.sql`
    SELECT (SELECT count(*)::int FROM coupon WHERE book_id = ${bookId}::uuid AND assigned_user_id IS NOT NULL) AS held,
           (SELECT count(*)::int FROM coupon_event WHERE book_id = ${bookId}::uuid AND type = 'ASSIGNED') AS events,
           (SELECT count(DISTINCT coupon_id)::int FROM coupon_event WHERE book_id = ${bookId}::uuid AND type = 'ASSIGNED') AS distinct,
           (SELECT count(*)::int FROM user_book_counter u WHERE u.book_id = ${bookId}::uuid AND u.assigned_count <>
              (SELECT count(*) FROM coupon c WHERE c.book_id = u.book_id AND c.assigned_user_id = u.user_id)) AS off`);
  expect({ events: row.events, distinct: row.distinct, off: row.off }).toEqual({ events: row.held, distinct: row.held, off: 0 });
}

/**
 * A book of `codes` codes (`maxPerUser` each, null = unlimited) and a pool of `members` users,
 * each with a counter row at 0 (so that a holder can lock one before the distribution does).
 */
async function setup(codes: number, members: number, maxPerUser: number | null = 1) {
  const book = await createBook(t.db, codes, { maxAssignmentsPerUser: maxPerUser });
  const users = await Promise.all(Array.from({ length: members }, () => createUser(t.db)));
  const pool = await createPool(admin(), { name: `Race pool ${book.bookId.slice(0, 8)}` });
  await addPoolMembers(admin(), { poolId: pool.id, userIds: users.map((u) => u.userId) });
  await t.db.pool.query(
    `INSERT INTO user_book_counter (user_id, book_id, assigned_count, redeemed_count, max_assignments)
     SELECT u, $2::uuid, 0, 0, $3::int FROM unnest($1::uuid[]) AS u`,
    [users.map((u) => u.userId), book.bookId, maxPerUser],
  );
  return { ...book, poolId: pool.id, users };
}

/** Holds every counter row of the book: a distribution that reached its counters waits there (its pool and book already held). */
const holdCounters = (bookId: string) => hold(['SELECT 1 FROM user_book_counter WHERE book_id = $1 FOR UPDATE', [bookId]]);

describe('distributeToPool and deletePool', () => {
  it('a distribution in flight: deletePool waits for it, then deletes; the coupons stay out and the audit counts them', async () => {
    const { bookId, poolId, users } = await setup(10, 10);
    const gate = await holdCounters(bookId);
    const distribution = track(distributeToPool(admin(), { poolId, bookId, mode: 'EQUAL', count: 10 }));
    await lockWaiters(1, distribution.settled);
    const deleted = track(deletePool(admin(), poolId));
    await lockWaiters(2, deleted.settled);
    // The distribution holds the pool FOR SHARE: the delete must not have answered yet.
    expect(deleted.settled()).toBe(false);
    await gate.end('ROLLBACK');

    // Serially: the distribution, then the delete.
    expect(okValue(await distribution.answer)).toMatchObject({ requested: 10, assigned: 10 });
    expect(label(await deleted.answer)).toBe('ok');
    const held = await holdings(bookId);
    expect(users.every((u) => held.get(u.userId) === 1)).toBe(true);
    await expectConsistent(bookId);
    const [audit] = await t.db.prisma.$queryRaw<Array<{ changes: { couponsDistributed: number; distributionCount: number; members: number } }>>(
      Prisma.sql`SELECT changes FROM audit_log WHERE action = 'POOL_DELETED' AND target_id = ${poolId}`,
    );
    expect(audit.changes).toMatchObject({ couponsDistributed: 10, distributionCount: 1, members: 10 });
  });

  it('a delete in flight: the distribution waits for it, then answers NOT_FOUND and hands out nothing', async () => {
    const { bookId, poolId } = await setup(10, 10);
    const auditLog = await holdAuditLog();
    const deleted = track(deletePool(admin(), poolId));
    await lockWaiters(1, deleted.settled); // the delete has locked and deleted the pool row, and waits at its audit entry
    const distribution = track(distributeToPool(admin(), { poolId, bookId, mode: 'EQUAL', count: 10 }));
    await lockWaiters(2, distribution.settled);
    await auditLog.end();

    // Serially: the delete, then the distribution (no such pool).
    expect(label(await deleted.answer)).toBe('ok');
    expect(label(await distribution.answer)).toBe('NOT_FOUND');
    expect((await holdings(bookId)).size).toBe(0);
    await expectConsistent(bookId);
    expect(await t.db.prisma.distribution.count({ where: { bookId } })).toBe(0);
  });
});

describe('distributeToPool and removePoolMembers', () => {
  // 10 members, 5 of whom leave; EQUAL over 10 of an unlimited book: 1 each before, 2 each after.
  it('a removal in flight: the distribution waits for it and serves the list as it is after', async () => {
    const { bookId, poolId, users } = await setup(20, 10, null);
    const [staying, leaving] = [users.slice(0, 5), users.slice(5)];
    // The removal locks the pool row, then waits to delete memberships a foreign-key check holds.
    const holder = await hold(['SELECT 1 FROM pool_member WHERE pool_id = $1 AND user_id = ANY($2::uuid[]) FOR KEY SHARE', [poolId, leaving.map((u) => u.userId)]]);
    const removal = track(removePoolMembers(admin(), { poolId, userIds: leaving.map((u) => u.userId) }));
    await lockWaiters(1, removal.settled);
    const distribution = track(distributeToPool(admin(), { poolId, bookId, mode: 'EQUAL', count: 10 }));
    await lockWaiters(2, distribution.settled);
    await holder.end();

    expect(label(await removal.answer)).toBe('ok');
    expect(okValue(await distribution.answer)).toMatchObject({ assigned: 10 });
    const held = await holdings(bookId);
    expect(staying.map((u) => held.get(u.userId) ?? 0)).toEqual([2, 2, 2, 2, 2]);
    expect(leaving.map((u) => held.get(u.userId) ?? 0)).toEqual([0, 0, 0, 0, 0]);
    await expectConsistent(bookId);
  });

  it('a distribution in flight: the removal waits for it, and the distribution serves the whole list', async () => {
    const { bookId, poolId, users } = await setup(20, 10, null);
    const gate = await holdCounters(bookId);
    const distribution = track(distributeToPool(admin(), { poolId, bookId, mode: 'EQUAL', count: 10 }));
    await lockWaiters(1, distribution.settled);
    const removal = track(removePoolMembers(admin(), { poolId, userIds: users.slice(5).map((u) => u.userId) }));
    await lockWaiters(2, removal.settled);
    expect(removal.settled()).toBe(false);
    await gate.end();

    expect(okValue(await distribution.answer)).toMatchObject({ assigned: 10 });
    expect(label(await removal.answer)).toBe('ok');
    const held = await holdings(bookId);
    expect(users.map((u) => held.get(u.userId) ?? 0)).toEqual(Array(10).fill(1));
    await expectConsistent(bookId);
  });
});

describe('previewDistribution, then distributeToPool with its seed while claims land', () => {
  it("a member's claim commits while the distribution waits for its counter: the plan says what was done, not what the preview said", async () => {
    const { bookId, codes, poolId, users } = await setup(10, 10);
    const preview = await previewDistribution(admin(), { poolId, bookId, mode: 'EQUAL', count: 10 });
    expect(preview).toMatchObject({ totalAssigned: 10, available: 10, skippedUsers: 0 });
    const claimant = users[4];
    // The member's claim has picked a code and holds its counter (the order every claim takes).
    const claim = await hold(
      ['SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [codes[0]]],
      ['SELECT 1 FROM user_book_counter WHERE user_id = $1 AND book_id = $2 FOR UPDATE', [claimant.userId, bookId]],
    );
    const distribution = track(distributeToPool(admin(), { poolId, bookId, mode: 'EQUAL', count: 10, seed: preview.seed }));
    await lockWaiters(1, distribution.settled);
    await claim.client.query(`UPDATE coupon SET state = 'ASSIGNED', assigned_user_id = $1, assigned_at = now() WHERE code = $2`, [claimant.userId, codes[0]]);
    await claim.client.query(
      `INSERT INTO coupon_event (coupon_id, book_id, type, from_state, to_state, actor_id, user_id, created_at)
       SELECT id, book_id, 'ASSIGNED', 'UNASSIGNED', 'ASSIGNED', $1, $1, now() FROM coupon WHERE code = $2`,
      [claimant.userId, codes[0]],
    );
    await claim.client.query('UPDATE user_book_counter SET assigned_count = 1 WHERE user_id = $1 AND book_id = $2', [claimant.userId, bookId]);
    await claim.end('COMMIT');

    // Serially: the claim, then the distribution, which finds the claimant at the limit.
    const done = okValue(await distribution.answer);
    expect(done).toMatchObject({ requested: 10, assigned: 9 });
    expect(done.plan).toMatchObject({ seed: preview.seed, available: 9, totalAssigned: 9, skippedUsers: 1 });
    expect(done.plan.perUser.find((e) => e.userId === claimant.userId)).toMatchObject({ count: 0, skippedReason: 'LIMIT_REACHED' });
    const given = await distributedTo(bookId);
    for (const entry of done.plan.perUser) expect(given.get(entry.userId) ?? 0, entry.userId).toBe(entry.count);
    const heldNow = await holdings(bookId);
    expect(users.every((u) => heldNow.get(u.userId) === 1)).toBe(true);
    await expectConsistent(bookId);
  });

  it('the preview seed replayed while members claim at once (8 rounds): every member one coupon, from exactly one side, and the plan says which', async () => {
    const problems: string[] = [];
    for (let round = 0; round < 8; round++) {
      const { bookId, poolId, users } = await setup(12, 6);
      const preview = await previewDistribution(admin(), { poolId, bookId, mode: 'EQUAL', count: 6 });
      const claimants = users.slice(0, 3);
      const [distributed, ...claims] = await Promise.all([
        track(distributeToPool(admin(), { poolId, bookId, mode: 'EQUAL', count: 6, seed: preview.seed })).answer,
        ...claimants.map((u) => track(assignRandomCoupon(contextFor(t.db, u), { bookId })).answer),
      ]);
      const done = okValue(distributed);
      const given = await distributedTo(bookId);
      const held = await holdings(bookId);
      await expectConsistent(bookId);
      for (const user of users) {
        const i = claimants.indexOf(user);
        const claimed = i >= 0 && claims[i].ok;
        const entry = done.plan.perUser.find((e) => e.userId === user.userId);
        // Serially a member's claim comes before the distribution (the claim ok, the plan skips
        // them for their limit) or after it (the claim LIMIT_REACHED), and either way they hold one.
        const claimAnswer = i >= 0 ? label(claims[i]) : 'none';
        const seen = `holds ${held.get(user.userId) ?? 0}, claim ${claimAnswer}, plan ${entry?.count}/${entry?.skippedReason}, given ${given.get(user.userId) ?? 0}`;
        const serial = claimed
          ? ['holds 1, claim ok, plan 0/LIMIT_REACHED, given 0']
          : [`holds 1, claim ${i >= 0 ? 'LIMIT_REACHED' : 'none'}, plan 1/null, given 1`];
        if (!serial.includes(seen)) problems.push(`round ${round}: ${seen}`);
      }
      if (done.assigned !== done.plan.totalAssigned || done.assigned !== [...given.values()].reduce((a, b) => a + b, 0)) {
        problems.push(`round ${round}: assigned ${done.assigned}, plan ${done.plan.totalAssigned}, events ${[...given.values()]}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('distributeToPool and updateBook', () => {
  const past = () => new Date(Date.now() - 60_000);
  const changes = [
    { name: 'maxAssignmentsPerUser lowered from 2 to 1', input: () => ({ maxAssignmentsPerUser: 1 }), after: { answer: 'ok', each: 1 } },
    { name: 'the validity window ended', input: () => ({ validFrom: new Date(Date.now() - 3_600_000), validUntil: past() }), after: { answer: 'BOOK_NOT_ACTIVE', each: 0 } },
    { name: 'a budget set', input: () => ({ maxTotalRedemptions: 5 }), after: { answer: 'ok', each: 2 } },
  ] as const;

  it.each(changes)('a distribution in flight, then $name: the update waits, the distribution used the rules before it', async ({ input }) => {
    const { bookId, poolId, users } = await setup(20, 10, 2);
    const gate = await holdCounters(bookId);
    const distribution = track(distributeToPool(admin(), { poolId, bookId, mode: 'EQUAL', count: 20 }));
    await lockWaiters(1, distribution.settled);
    const update = track(updateBook(admin(), bookId, input()));
    await lockWaiters(2, update.settled);
    expect(update.settled()).toBe(false);
    await gate.end();

    expect(okValue(await distribution.answer)).toMatchObject({ assigned: 20 });
    expect(label(await update.answer)).toBe('ok');
    const held = await holdings(bookId);
    expect(users.map((u) => held.get(u.userId) ?? 0)).toEqual(Array(10).fill(2));
    await expectConsistent(bookId);
  });

  it.each(changes)('$name in flight: the distribution waits for it and uses the rules after it', async ({ input, after }) => {
    const { bookId, poolId, users } = await setup(20, 10, 2);
    const auditLog = await holdAuditLog();
    const update = track(updateBook(admin(), bookId, input()));
    await lockWaiters(1, update.settled); // the book row written and locked, the audit entry to come
    const distribution = track(distributeToPool(admin(), { poolId, bookId, mode: 'EQUAL', count: 20 }));
    await lockWaiters(2, distribution.settled);
    await auditLog.end();

    expect(label(await update.answer)).toBe('ok');
    const answer = await distribution.answer;
    expect(label(answer)).toBe(after.answer);
    if (answer.ok) expect(answer.value.assigned).toBe(10 * after.each);
    const held = await holdings(bookId);
    expect(users.map((u) => held.get(u.userId) ?? 0)).toEqual(Array(10).fill(after.each));
    await expectConsistent(bookId);
  });
});

/** A shopper holding the book's code `code`, LOCKED. */
async function lockedBy(code: string): Promise<Caller> {
  const user = await createUser(t.db);
  await assignCoupon(contextFor(t.db, user), { code });
  await lockCoupon(contextFor(t.db, user), { code });
  return user;
}

/** The coupon row, its redemptions (standing and all) and its holder's counter. */
async function couponOf(code: string) {
  const [row] = await t.db.prisma.$queryRaw<Array<{ state: string; redemption_count: number; standing: number; all: number; redeemed: number; events: number }>>(Prisma.sql`
    SELECT c.state::text AS state, c.redemption_count,
           (SELECT count(*)::int FROM redemption r WHERE r.coupon_id = c.id AND r.reversed_at IS NULL) AS standing,
           (SELECT count(*)::int FROM redemption r WHERE r.coupon_id = c.id) AS all,
           (SELECT u.redeemed_count FROM user_book_counter u WHERE u.user_id = c.assigned_user_id AND u.book_id = c.book_id) AS redeemed,
           (SELECT count(*)::int FROM coupon_event e WHERE e.coupon_id = c.id AND e.type = 'REDEEMED') AS events
    FROM coupon c WHERE c.code = ${code}`);
  return row;
}

const order = (id: string, amount = '50.00') => ({ id, amount, currency: 'EUR' });
const holdCoupon = (code: string) => hold(['SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [code]]);
const holdCounterOf = (user: Caller, bookId: string) =>
  hold(['SELECT 1 FROM user_book_counter WHERE user_id = $1 AND book_id = $2 FOR UPDATE', [user.userId, bookId]]);

describe('two redeems of one coupon for one order', () => {
  it('both queued on the coupon: the same redemption twice, one row, one event, one count', async () => {
    const { codes } = await createBook(t.db, 1);
    const user = await lockedBy(codes[0]);
    const ctx = contextFor(t.db, user);
    const holder = await holdCoupon(codes[0]);
    const a = track(redeemCoupon(ctx, { code: codes[0], order: order('o-1') }));
    const b = track(redeemCoupon(ctx, { code: codes[0], order: order('o-1') }));
    await lockWaiters(2, () => a.settled() && b.settled());
    await holder.end();

    const [first, second] = [okValue(await a.answer), okValue(await b.answer)];
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({ orderId: 'o-1', reversedAt: null });
    expect(await couponOf(codes[0])).toEqual({ state: 'REDEEMED', redemption_count: 1, standing: 1, all: 1, redeemed: 1, events: 1 });
  });

  it('the same order id with two amounts, queued: one redeems, the other is BAD_USER_INPUT, and the row has the winner’s amount', async () => {
    const { codes } = await createBook(t.db, 1);
    const user = await lockedBy(codes[0]);
    const ctx = contextFor(t.db, user);
    const holder = await holdCoupon(codes[0]);
    const a = track(redeemCoupon(ctx, { code: codes[0], order: order('o-2', '50.00') }));
    const b = track(redeemCoupon(ctx, { code: codes[0], order: order('o-2', '60.00') }));
    await lockWaiters(2, () => a.settled() && b.settled());
    await holder.end();

    const answers = [await a.answer, await b.answer];
    expect(answers.map(label).sort()).toEqual(['BAD_USER_INPUT', 'ok']);
    const winner = answers.find((x) => x.ok) as { ok: true; value: RedemptionRecord };
    const [row] = await t.db.prisma.$queryRaw<Array<{ amount: string }>>(Prisma.sql`
      SELECT order_amount::numeric(12,2)::text AS amount FROM redemption WHERE id = ${winner.value.id}::uuid`);
    expect(row.amount).toBe(answers[0].ok ? '50.00' : '60.00');
    expect(await couponOf(codes[0])).toMatchObject({ state: 'REDEEMED', all: 1, redeemed: 1, events: 1 });
  });
});

describe('reverseRedemption by order and code, racing a redeem of that order', () => {
  /** A multi-use coupon of an unlimited book, redeemed once for `orderId`, and LOCKED again. */
  async function multiUse(orderId: string) {
    const { bookId, codes } = await createBook(t.db, 1, { allowMultipleRedemptions: true, maxRedemptionsPerUser: null });
    const user = await lockedBy(codes[0]);
    const ctx = contextFor(t.db, user);
    const first = await redeemCoupon(ctx, { code: codes[0], order: order(orderId) });
    await lockCoupon(ctx, { code: codes[0] });
    return { bookId, code: codes[0], user, ctx, first };
  }

  it('a reversal in flight: the redeem of the same order waits, then redeems anew (not a retry of the reversed one)', async () => {
    const { code, ctx, first } = await multiUse('r-1');
    const auditLog = await holdAuditLog();
    const reversal = track(reverseRedemption(admin(), { orderId: 'r-1', code, reason: 'refund' }));
    await lockWaiters(1, reversal.settled); // the redemption reversed and the coupon locked, the audit to come
    const redeem = track(redeemCoupon(ctx, { code, order: order('r-1') }));
    await lockWaiters(2, redeem.settled);
    await auditLog.end();

    // Serially: the reversal, then the redeem (the order has no standing redemption: a new one).
    expect(okValue(await reversal.answer)).toMatchObject({ id: first.id, reversedAt: expect.any(Date) });
    const again = okValue(await redeem.answer);
    expect(again.id).not.toBe(first.id);
    expect(again).toMatchObject({ orderId: 'r-1', reversedAt: null });
    expect(await couponOf(code)).toMatchObject({ state: 'ASSIGNED', redemption_count: 1, standing: 1, all: 2, redeemed: 1, events: 2 });
  });

  it('a redeem of the order in flight (waiting at its counter) after an earlier reversal: the reversal answers as before or after it', async () => {
    const { bookId, code, user, ctx, first } = await multiUse('r-2');
    await reverseRedemption(admin(), { orderId: 'r-2', code, reason: 'refund' });
    const other = await holdCounterOf(user, bookId);
    const redeem = track(redeemCoupon(ctx, { code, order: order('r-2') }));
    await lockWaiters(1, redeem.settled);
    const reversal = track(reverseRedemption(admin(), { orderId: 'r-2', code, reason: 'cancel' }));
    await lockWaiters(2, reversal.settled);
    await other.end();

    const again = okValue(await redeem.answer);
    expect(again.id).not.toBe(first.id);
    const reversed = await reversal.answer;
    const row = await couponOf(code);
    // Reversal first: only the reversed redemption exists (INVALID_STATE), the new one stands.
    // Redeem first: the reversal reverses the new one.
    const seen = `reversal ${reversed.ok ? (reversed.value.id === again.id ? 'ok (the new one)' : 'ok (another)') : reversed.code}, standing ${row.standing}, counter ${row.redeemed}`;
    expect(['reversal INVALID_STATE, standing 1, counter 1', 'reversal ok (the new one), standing 0, counter 0']).toContain(seen);
    expect(row.redemption_count).toBe(row.standing);
  });

  it('a single-use coupon: a reversal in flight, then a redeem of the same order: INVALID_STATE (unlocked, no longer a retry)', async () => {
    const { codes } = await createBook(t.db, 1);
    const user = await lockedBy(codes[0]);
    const ctx = contextFor(t.db, user);
    const first = await redeemCoupon(ctx, { code: codes[0], order: order('r-3') });
    const auditLog = await holdAuditLog();
    const reversal = track(reverseRedemption(admin(), { orderId: 'r-3', code: codes[0], reason: 'refund' }));
    await lockWaiters(1, reversal.settled);
    const redeem = track(redeemCoupon(ctx, { code: codes[0], order: order('r-3') }));
    await lockWaiters(2, redeem.settled);
    await auditLog.end();

    // Serially reversal → redeem: the coupon is ASSIGNED and not locked; the order's redemption is
    // reversed, so the redeem is no retry. (redeem → reversal would have answered the first one.)
    expect(okValue(await reversal.answer).id).toBe(first.id);
    expect(label(await redeem.answer)).toBe('INVALID_STATE');
    expect(await couponOf(codes[0])).toMatchObject({ state: 'ASSIGNED', redemption_count: 0, standing: 0, all: 1, redeemed: 0 });
  });
});

describe('one idempotency key sent twice at once', () => {
  async function keyRecords(user: Caller): Promise<number> {
    const [row] = await t.db.prisma.$queryRaw<Array<{ n: number }>>(Prisma.sql`
      SELECT count(*)::int AS n FROM idempotency_record WHERE user_id = ${user.userId}::uuid`);
    return row.n;
  }

  it('the first waits for its coupon, the second for the first’s key: one redemption, the same answer twice', async () => {
    const { codes } = await createBook(t.db, 1);
    const user = await lockedBy(codes[0]);
    const ctx = contextFor(t.db, user);
    const holder = await holdCoupon(codes[0]);
    const first = track(redeemCoupon(ctx, { code: codes[0], idempotencyKey: 'k-1', order: order('i-1') }));
    await lockWaiters(1, first.settled);
    const second = track(redeemCoupon(ctx, { code: codes[0], idempotencyKey: 'k-1', order: order('i-1') }));
    await lockWaiters(2, second.settled);
    await holder.end();

    const [a, b] = [okValue(await first.answer), okValue(await second.answer)];
    expect(b).toEqual(a);
    expect(await couponOf(codes[0])).toEqual({ state: 'REDEEMED', redemption_count: 1, standing: 1, all: 1, redeemed: 1, events: 1 });
    expect(await keyRecords(user)).toBe(1);
  });

  it('the first fails (its lock was released meanwhile): the retry runs afresh and fails the same way, nothing remembered', async () => {
    const { codes } = await createBook(t.db, 1);
    const user = await lockedBy(codes[0]);
    const ctx = contextFor(t.db, user);
    const holder = await holdCoupon(codes[0]);
    const first = track(redeemCoupon(ctx, { code: codes[0], idempotencyKey: 'k-2' }));
    await lockWaiters(1, first.settled);
    const second = track(redeemCoupon(ctx, { code: codes[0], idempotencyKey: 'k-2' }));
    await lockWaiters(2, second.settled);
    // The holder is an unlock by the owner.
    await holder.client.query(`UPDATE coupon SET state = 'ASSIGNED', locked_by_id = NULL, lock_expires_at = NULL WHERE code = $1`, [codes[0]]);
    await holder.end('COMMIT');

    // Serially: unlock → redeem → redeem: both refused alike.
    expect([label(await first.answer), label(await second.answer)]).toEqual(['INVALID_STATE', 'INVALID_STATE']);
    expect(await couponOf(codes[0])).toMatchObject({ state: 'ASSIGNED', all: 0, redeemed: 0 });
    expect(await keyRecords(user)).toBe(0);
  });

  it('the same key with other arguments, queued behind the first: BAD_USER_INPUT, the other coupon untouched', async () => {
    const { codes } = await createBook(t.db, 2, { maxAssignmentsPerUser: null });
    const user = await lockedBy(codes[0]);
    const ctx = contextFor(t.db, user);
    await assignCoupon(ctx, { code: codes[1] });
    await lockCoupon(ctx, { code: codes[1] });
    const holder = await holdCoupon(codes[0]);
    const first = track(redeemCoupon(ctx, { code: codes[0], idempotencyKey: 'k-3' }));
    await lockWaiters(1, first.settled);
    const second = track(redeemCoupon(ctx, { code: codes[1], idempotencyKey: 'k-3' }));
    await lockWaiters(2, second.settled);
    await holder.end();

    expect(label(await first.answer)).toBe('ok');
    expect(label(await second.answer)).toBe('BAD_USER_INPUT');
    expect(await couponOf(codes[0])).toMatchObject({ state: 'REDEEMED', all: 1 });
    expect(await couponOf(codes[1])).toMatchObject({ state: 'LOCKED', all: 0 });
  });
});
