import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { assignRandomCoupon } from '../coupons/index.ts';
import type { Caller } from '../shared/context.ts';
import { type BookOverrides, contextFor, createBook, createUser, createTestClock, useServiceTest } from '../../testing/index.ts';
import { distributeToPool, previewDistribution } from './distribution.service.ts';
import { addPoolMembers } from './pool-member.service.ts';
import { createPool } from './pool.service.ts';

const t = useServiceTest({ poolSize: 20 });

const codeOf = (p: Promise<unknown>) => p.then(() => 'OK', (e) => e.code);

async function poolOf(n: number): Promise<{ poolId: string; users: Caller[] }> {
  const users = await Promise.all(Array.from({ length: n }, () => createUser(t.db)));
  const pool = await createPool(contextFor(t.db, t.admin), { name: `Pool of ${n}` });
  if (n > 0) await addPoolMembers(contextFor(t.db, t.admin), { poolId: pool.id, userIds: users.map((u) => u.userId) });
  return { poolId: pool.id, users };
}

/** Coupons of the book per assigned user, straight from the table. */
async function holdings(bookId: string): Promise<Map<string, number>> {
  const rows = await t.db.prisma.$queryRaw<Array<{ user_id: string; n: number }>>(Prisma.sql`
    SELECT assigned_user_id::text AS user_id, count(*)::int AS n FROM coupon
    WHERE book_id = ${bookId}::uuid AND assigned_user_id IS NOT NULL GROUP BY 1`);
  return new Map(rows.map((r) => [r.user_id, r.n]));
}

async function setup(couponCount: number, members: number, overrides: BookOverrides = {}) {
  const { bookId } = await createBook(t.db, couponCount, overrides);
  const { poolId, users } = await poolOf(members);
  return { bookId, poolId, users };
}

describe('previewDistribution / distributeToPool', () => {
  it('never hands out a code past its own expiry (a single claim skips it too): the preview does not count it', async () => {
    const { bookId, poolId } = await setup(10, 3);
    await t.db.prisma.$executeRaw(Prisma.sql`
      UPDATE coupon SET expires_at = now() - interval '1 minute'
      WHERE id IN (SELECT id FROM coupon WHERE book_id = ${bookId}::uuid ORDER BY id LIMIT 4)`);
    const ctx = contextFor(t.db, t.admin);
    const preview = await previewDistribution(ctx, { poolId, bookId, mode: 'EQUAL', count: 9 });
    expect(preview).toMatchObject({ available: 6, totalAssigned: 6 });
    const done = await distributeToPool(ctx, { poolId, bookId, mode: 'EQUAL', count: 9, seed: preview.seed });
    expect(done.assigned).toBe(6);
    const handedOut = await t.db.prisma.coupon.findMany({ where: { bookId, state: 'ASSIGNED' }, select: { expiresAt: true } });
    expect(handedOut).toHaveLength(6);
    expect(handedOut.every((c) => c.expiresAt === null)).toBe(true);
  });

  // count is the TOTAL in EQUAL too (issue 16; it used to mean "per member"): 12 over 4 members is 3 each.
  it('EQUAL: every member gets ⌊count / members⌋; the preview changed nothing and the result matches it', async () => {
    const { bookId, poolId, users } = await setup(20, 4);
    const ctx = contextFor(t.db, t.admin);
    const preview = await previewDistribution(ctx, { poolId, bookId, mode: 'EQUAL', count: 12 });
    expect(preview).toMatchObject({ requested: 12, available: 20, totalAssigned: 12, shortfall: 0, skippedUsers: 0 });
    expect((await holdings(bookId)).size).toBe(0);
    const announced: string[] = [];
    const done = await distributeToPool(
      { ...ctx, events: { announce: (ids) => announced.push(...ids) } },
      { poolId, bookId, mode: 'EQUAL', count: 12, seed: preview.seed },
    );
    expect(done).toMatchObject({ poolId, bookId, mode: 'EQUAL', requested: 12, assigned: 12, remainder: 'LEAVE_IN_BOOK', createdById: t.admin.userId });
    expect(done.plan.perUser).toEqual(preview.perUser);
    const held = await holdings(bookId);
    for (const u of users) expect(held.get(u.userId)).toBe(3);
    const counters = await t.db.prisma.userBookCounter.findMany({ where: { bookId } });
    expect(counters.map((c) => c.assignedCount)).toEqual([3, 3, 3, 3]);
    const events = await t.db.prisma.couponEvent.findMany({ where: { bookId, type: 'ASSIGNED' } });
    expect(events).toHaveLength(12);
    expect(events.every((e) => e.actorId === t.admin.userId && e.fromState === 'UNASSIGNED' && e.toState === 'ASSIGNED')).toBe(true);
    expect(new Set(events.map((e) => e.userId))).toEqual(new Set(users.map((u) => u.userId)));
    expect(await t.db.prisma.distribution.count({ where: { id: done.id } })).toBe(1);
    // After commit, the newest event id is announced (listeners read the outbox from their cursor).
    // biome-ignore lint/complexity/useMathMinMax: the ids are bigints, which Math.max does not take
    expect(announced).toEqual([String(events.map((e) => e.id).reduce((a, b) => (a > b ? a : b)))]);
  });

  it('RANDOM with the preview seed does exactly what the preview showed, within limits', async () => {
    const { bookId, poolId, users } = await setup(50, 5, { maxAssignmentsPerUser: 3 });
    const ctx = contextFor(t.db, t.admin);
    // One member already holds 3 (at the limit) through a normal assignment path.
    for (let i = 0; i < 3; i++) await assignRandomCoupon(contextFor(t.db, users[0]), { bookId });
    const preview = await previewDistribution(ctx, { poolId, bookId, mode: 'RANDOM', count: 10 });
    expect(preview.perUser.find((e) => e.userId === users[0].userId)).toMatchObject({ count: 0, skippedReason: 'LIMIT_REACHED' });
    expect(preview.totalAssigned).toBe(10);
    const done = await distributeToPool(ctx, { poolId, bookId, mode: 'RANDOM', count: 10, seed: preview.seed });
    expect(done.plan).toEqual({ ...preview, available: preview.available });
    const held = await holdings(bookId);
    for (const entry of preview.perUser) {
      const before = entry.userId === users[0].userId ? 3 : 0;
      expect(held.get(entry.userId) ?? 0).toBe(before + entry.count);
      expect(held.get(entry.userId) ?? 0).toBeLessThanOrEqual(3);
    }
  });

  it('EQUAL with too few coupons: a partial, fair fill, requested vs assigned recorded', async () => {
    const { bookId, poolId } = await setup(7, 3);
    const done = await distributeToPool(contextFor(t.db, t.admin), { poolId, bookId, mode: 'EQUAL', count: 9 });
    expect(done).toMatchObject({ requested: 9, assigned: 7 });
    expect([...(await holdings(bookId)).values()].sort()).toEqual([2, 2, 3]);
  });

  it('EQUAL remainder: LEAVE_IN_BOOK by default, RANDOM_MEMBERS on request, stored on the distribution and audited', async () => {
    const { bookId, poolId } = await setup(30, 3);
    const ctx = contextFor(t.db, t.admin);
    const left = await distributeToPool(ctx, { poolId, bookId, mode: 'EQUAL', count: 5 });
    expect(left).toMatchObject({ requested: 5, assigned: 3, remainder: 'LEAVE_IN_BOOK' });
    expect(left.plan).toMatchObject({ perMember: 1, leftInBook: 2, shortfall: 0 });
    const spread = await distributeToPool(ctx, { poolId, bookId, mode: 'EQUAL', count: 5, remainder: 'RANDOM_MEMBERS' });
    expect(spread).toMatchObject({ requested: 5, assigned: 5, remainder: 'RANDOM_MEMBERS' });
    expect([...(await holdings(bookId)).values()].sort()).toEqual([2, 3, 3]);
    const rows = await t.db.prisma.distribution.findMany({ where: { poolId }, orderBy: { createdAt: 'asc' }, select: { remainder: true } });
    expect(rows.map((r) => r.remainder)).toEqual(['LEAVE_IN_BOOK', 'RANDOM_MEMBERS']);
    const audit = await t.db.prisma.$queryRaw<Array<{ changes: Record<string, unknown> }>>(Prisma.sql`
      SELECT changes FROM audit_log WHERE action = 'DISTRIBUTED' AND target_id = ${spread.id}`);
    expect(audit[0].changes).toEqual({ poolId, bookId, mode: 'EQUAL', count: 5, remainder: 'RANDOM_MEMBERS', assigned: 5 });
    expect(await codeOf(distributeToPool(ctx, { poolId, bookId, mode: 'RANDOM', count: 5, remainder: 'LEAVE_IN_BOOK' }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(distributeToPool(ctx, { poolId, bookId, mode: 'EQUAL', count: 2 }))).toBe('BAD_USER_INPUT'); // 2 over 3: 0 each
  });

  it('errors: SOLD_OUT, LIMIT_REACHED, empty pool, BOOK_NOT_ACTIVE, NOT_FOUND, FORBIDDEN', async () => {
    const ctx = contextFor(t.db, t.admin);
    const soldOut = await setup(0, 2);
    expect(await codeOf(distributeToPool(ctx, { ...soldOut, mode: 'RANDOM', count: 1 }))).toBe('SOLD_OUT');
    const limited = await setup(10, 1, { maxAssignmentsPerUser: 1 });
    await assignRandomCoupon(contextFor(t.db, limited.users[0]), { bookId: limited.bookId });
    expect(await codeOf(distributeToPool(ctx, { ...limited, mode: 'EQUAL', count: 1 }))).toBe('LIMIT_REACHED');
    const empty = await setup(5, 0);
    const error = await distributeToPool(ctx, { ...empty, mode: 'EQUAL', count: 1 }).catch((e) => e);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'poolId' } });
    // The preview says what the distribution would: not an empty plan that Confirm then refuses.
    const previewed = await previewDistribution(ctx, { ...empty, mode: 'EQUAL', count: 1 }).catch((e) => e);
    expect(previewed).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'poolId' }, message: error.message });
    const clock = createTestClock(new Date('2030-01-01T00:00:00Z'));
    const future = await setup(5, 1, { validFrom: new Date('2030-02-01T00:00:00Z') });
    const expired = await setup(5, 1, { validUntil: new Date('2029-12-31T00:00:00Z') });
    for (const target of [future, expired]) {
      expect(await codeOf(previewDistribution(contextFor(t.db, t.admin, clock), { ...target, mode: 'EQUAL', count: 1 }))).toBe('BOOK_NOT_ACTIVE');
      expect(await codeOf(distributeToPool(contextFor(t.db, t.admin, clock), { ...target, mode: 'EQUAL', count: 1 }))).toBe('BOOK_NOT_ACTIVE');
    }
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(await codeOf(distributeToPool(ctx, { poolId: unknown, bookId: future.bookId, mode: 'EQUAL', count: 1 }))).toBe('NOT_FOUND');
    expect(await codeOf(distributeToPool(ctx, { poolId: future.poolId, bookId: unknown, mode: 'EQUAL', count: 1 }))).toBe('NOT_FOUND');
    expect(await codeOf(distributeToPool(ctx, { ...future, mode: 'EQUAL', count: 0 }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(distributeToPool(contextFor(t.db, future.users[0]), { ...future, mode: 'EQUAL', count: 1 }))).toBe('FORBIDDEN');
    expect(await codeOf(previewDistribution(contextFor(t.db, future.users[0]), { ...future, mode: 'EQUAL', count: 1 }))).toBe('FORBIDDEN');
  });
});

describe('races', () => {
  it('distributeToPool during 200 concurrent assignRandomCoupon: no coupon twice, no limit exceeded', async () => {
    const { bookId, poolId, users: members } = await setup(300, 20, { maxAssignmentsPerUser: 5 });
    const shoppers = await Promise.all(Array.from({ length: 50 }, () => createUser(t.db)));
    const everyone = [...members, ...shoppers];
    const assigns = Array.from({ length: 200 }, (_, i) =>
      assignRandomCoupon(contextFor(t.db, everyone[i % everyone.length]), { bookId }).then(() => 'OK', (e) => e.code),
    );
    const distribution = distributeToPool(contextFor(t.db, t.admin), { poolId, bookId, mode: 'EQUAL', count: 80 });
    const [outcomes, done] = await Promise.all([Promise.all(assigns), distribution]);
    expect(outcomes.every((o) => o === 'OK' || o === 'LIMIT_REACHED' || o === 'SOLD_OUT')).toBe(true);
    const [{ assigned, distinct, events, eventsDistinct }] = await t.db.prisma.$queryRaw<
      Array<{ assigned: number; distinct: number; events: number; eventsDistinct: number }>
    >(Prisma.sql`
      SELECT (SELECT count(*)::int FROM coupon WHERE book_id = ${bookId}::uuid AND state = 'ASSIGNED') AS assigned,
             (SELECT count(DISTINCT id)::int FROM coupon WHERE book_id = ${bookId}::uuid AND state = 'ASSIGNED') AS distinct,
             (SELECT count(*)::int FROM coupon_event WHERE book_id = ${bookId}::uuid AND type = 'ASSIGNED') AS events,
             (SELECT count(DISTINCT coupon_id)::int FROM coupon_event WHERE book_id = ${bookId}::uuid AND type = 'ASSIGNED') AS "eventsDistinct"`);
    const okAssigns = outcomes.filter((o) => o === 'OK').length;
    expect(assigned).toBe(okAssigns + done.assigned);
    expect(distinct).toBe(assigned);
    expect(events).toBe(assigned); // one ASSIGNED event per coupon: none assigned twice
    expect(eventsDistinct).toBe(assigned);
    const held = await holdings(bookId);
    for (const [, n] of held) expect(n).toBeLessThanOrEqual(5);
    const counters = await t.db.prisma.userBookCounter.findMany({ where: { bookId } });
    for (const c of counters) expect(c.assignedCount).toBe(held.get(c.userId) ?? 0);
  });

  it('two concurrent distributions over overlapping pools neither deadlock nor overspend', async () => {
    const { bookId, poolId, users } = await setup(100, 10, { maxAssignmentsPerUser: 3 });
    const other = await createPool(contextFor(t.db, t.admin), { name: 'overlap' });
    await addPoolMembers(contextFor(t.db, t.admin), { poolId: other.id, userIds: users.slice(5).map((u) => u.userId) });
    const results = await Promise.allSettled([
      distributeToPool(contextFor(t.db, t.admin), { poolId, bookId, mode: 'EQUAL', count: 20 }),
      distributeToPool(contextFor(t.db, t.admin), { poolId: other.id, bookId, mode: 'EQUAL', count: 10 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    const held = await holdings(bookId);
    for (const u of users) expect(held.get(u.userId)).toBe(u === users[0] || users.indexOf(u) < 5 ? 2 : 3);
  });
});
