import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { contextFor, createTestClock, useServiceTest } from '../../testing/index.ts';
import { bookCountColumns, loadBookCounts } from '../books/book.counts.ts';
import { createBook } from '../books/book.service.ts';
import { checkInvariants } from './invariants.ts';

// book_state_count against what it stands for: counting the coupons (and the invariant checker's
// rule that compares the two, which every race test runs).

const t = useServiceTest();

const base = { name: 'Counted', discountType: 'PERCENTAGE' as const, discountValue: 15 };

describe('book state counts (book_state_count, kept by triggers)', () => {
  it('equal counting the coupons after racing writes on many connections, bulk updates, deletes and a deleted book', async () => {
    const clock = createTestClock(new Date('2030-06-01T12:00:00Z'));
    const ctx = contextFor(t.db, t.admin, clock);
    const [a, b, gone] = await Promise.all([createBook(ctx, base), createBook(ctx, base), createBook(ctx, base)]);
    const fill = (book: string, n: number) =>
      t.db.prisma.$executeRaw(Prisma.sql`
        INSERT INTO coupon (book_id, code) SELECT ${book}::uuid, ${`K${book.slice(0, 8)}-`.toUpperCase()} || g FROM generate_series(1, ${n}::int) g`);
    await Promise.all([fill(a.id, 400), fill(b.id, 50), fill(gone.id, 30)]);
    const user = t.user.userId;
    const move = (book: string, from: string, to: string) =>
      t.db.prisma.$executeRaw(Prisma.sql`
        UPDATE coupon SET state = ${to}::"CouponState",
               assigned_user_id = CASE WHEN ${to} IN ('UNASSIGNED', 'VOID') THEN NULL ELSE ${user}::uuid END,
               voided_at = CASE WHEN ${to} = 'VOID' THEN now() END,
               locked_by_id = CASE WHEN ${to} = 'LOCKED' THEN ${user}::uuid END,
               lock_expires_at = CASE WHEN ${to} = 'LOCKED' THEN ${new Date('2030-06-01T12:05:00Z')}::timestamptz END
         WHERE id = (SELECT id FROM coupon WHERE book_id = ${book}::uuid AND state = ${from}::"CouponState"
                     ORDER BY random_key LIMIT 1 FOR UPDATE SKIP LOCKED)`);
    // 300 single-code transitions at once, spread over the pool's connections (and so over slots).
    const steps: Array<[string, string]> = [
      ['UNASSIGNED', 'ASSIGNED'],
      ['ASSIGNED', 'LOCKED'],
      ['LOCKED', 'REDEEMED'],
      ['LOCKED', 'ASSIGNED'],
      ['ASSIGNED', 'UNASSIGNED'],
      ['UNASSIGNED', 'VOID'],
    ];
    await Promise.all(Array.from({ length: 300 }, (_, i) => move(i % 5 === 0 ? b.id : a.id, ...steps[i % steps.length])));
    // A bulk update (some rows change state, some do not), a delete, and a book deleted with its codes.
    await t.db.prisma.$executeRaw(Prisma.sql`
      UPDATE coupon SET metadata = '{"n":1}', state = CASE WHEN state = 'ASSIGNED' THEN 'ASSIGNED'::"CouponState" ELSE state END
       WHERE book_id = ${a.id}::uuid`);
    await t.db.prisma.$executeRaw(Prisma.sql`DELETE FROM coupon WHERE book_id = ${b.id}::uuid AND state = 'UNASSIGNED' AND code LIKE '%1'`);
    await t.db.prisma.$executeRaw(Prisma.sql`DELETE FROM book WHERE id = ${gone.id}::uuid`);

    const reference = await t.db.prisma.$queryRaw<Array<{ bookId: string; unassigned: number; assigned: number; locked: number; redeemed: number; total: number }>>(Prisma.sql`
      SELECT b.id::text AS "bookId", ${bookCountColumns(clock.now())}
        FROM book b LEFT JOIN coupon c ON c.book_id = b.id
       WHERE b.id IN (${a.id}::uuid, ${b.id}::uuid) GROUP BY b.id ORDER BY b.id = ${a.id}::uuid DESC`);
    const counted = await loadBookCounts(ctx, [a.id, b.id, gone.id]);
    expect(counted).toEqual([...reference.map(({ bookId: _, ...counts }) => counts), { unassigned: 0, assigned: 0, locked: 0, redeemed: 0, total: 0 }]);
    expect(counted[0].total).toBe(400);
    expect(counted[0].redeemed).toBeGreaterThan(0);
    // Later, the live locks have expired: they count as assigned, with no write in between.
    const later = await loadBookCounts(contextFor(t.db, t.admin, createTestClock(new Date('2030-06-01T12:06:00Z'))), [a.id]);
    expect(later[0]).toEqual({ ...counted[0], assigned: counted[0].assigned + counted[0].locked, locked: 0 });
    // The invariant checker's rule agrees (the writes above skip events and per-user counters,
    // which other rules check, so only this rule is asked).
    const broken = (await checkInvariants(t.db.prisma)).filter(({ rule }) => rule.includes('state counts'));
    expect(broken).toEqual([]);
    const leftovers = await t.db.prisma.$queryRaw<Array<{ n: number }>>(Prisma.sql`
      SELECT count(*)::int AS n FROM book_state_count WHERE book_id = ${gone.id}::uuid`);
    expect(leftovers[0].n).toBe(0);
    // And it reports a count that drifted.
    await t.db.prisma.$executeRaw(Prisma.sql`
      UPDATE book_state_count SET n = n + 1 WHERE (book_id, state, slot) IN (SELECT book_id, state, slot FROM book_state_count WHERE book_id = ${a.id}::uuid LIMIT 1)`);
    const drifted = (await checkInvariants(t.db.prisma)).filter(({ rule }) => rule.includes('state counts'));
    expect(drifted).toHaveLength(1);
    expect(drifted[0].examples).toEqual([expect.objectContaining({ book_id: a.id })]);
    await t.db.prisma.$executeRaw(Prisma.sql`DELETE FROM coupon WHERE book_id = ${a.id}::uuid`);
    await t.db.prisma.$executeRaw(Prisma.sql`DELETE FROM book_state_count WHERE book_id = ${a.id}::uuid`);
  });
  it('a bulk update writes one count row per book and state it changes, whatever its size', async () => {
    const ctx = contextFor(t.db, t.admin, createTestClock(new Date('2030-06-01T12:00:00Z')));
    const book = await createBook(ctx, base);
    await t.db.prisma.$executeRaw(Prisma.sql`
      INSERT INTO coupon (book_id, code) SELECT ${book.id}::uuid, ${`B${book.id.slice(0, 8)}-`.toUpperCase()} || g FROM generate_series(1, 5000) g`);
    // Writes to book_state_count of one statement: the backend's counts before and after it
    // (pg_stat_xact_* may still hold counts of earlier transactions on the connection not yet flushed).
    const writesOf = (statement: Prisma.Sql) =>
      t.db.prisma.$transaction(async (tx) => {
        const read = async () =>
          (await tx.$queryRaw<Array<{ writes: number }>>(Prisma.sql`
            SELECT coalesce((SELECT (n_tup_ins + n_tup_upd)::int FROM pg_stat_xact_user_tables WHERE relname = 'book_state_count'), 0) AS writes`))[0]?.writes ?? 0;
        const before = await read();
        await tx.$executeRaw(statement);
        return (await read()) - before;
      });
    const user = t.user.userId;
    // 5,000 coupons assigned in one statement: UNASSIGNED down, ASSIGNED up (a row-level trigger wrote 10,000 times).
    expect(await writesOf(Prisma.sql`
      UPDATE coupon SET state = 'ASSIGNED', assigned_user_id = ${user}::uuid, assigned_at = now() WHERE book_id = ${book.id}::uuid`)).toBe(2);
    expect(await writesOf(Prisma.sql`UPDATE coupon SET metadata = '{"n":2}' WHERE book_id = ${book.id}::uuid`)).toBe(0);
    expect((await loadBookCounts(ctx, [book.id]))[0]).toEqual({ unassigned: 0, assigned: 5000, locked: 0, redeemed: 0, total: 5000 });
    const broken = (await checkInvariants(t.db.prisma)).filter(({ rule }) => rule.includes('state counts'));
    expect(broken).toEqual([]);
    await t.db.prisma.$executeRaw(Prisma.sql`DELETE FROM book WHERE id = ${book.id}::uuid`);
  });
});
