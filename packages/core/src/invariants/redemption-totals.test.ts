import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { contextFor, createTestClock, useServiceTest } from '../../testing/index.ts';
import { loadRedemptionTotals } from '../books/book.counts.ts';
import { createBook } from '../books/book.service.ts';
import { checkInvariants } from './invariants.ts';

// book_redemption_total against what it stands for (the standing redemptions of each book and
// the discount they granted), through statements that write many redemptions at once: the
// triggers add one row per book and statement, so a bulk write costs what its rows do, not the
// square of them (a row-level trigger updated one slot row once per redemption, and each update
// walked that row's chain of versions in the same transaction).

const t = useServiceTest();

describe('redemption totals (book_redemption_total, kept by triggers)', () => {
  it('equal the standing redemptions after bulk inserts, reversals and deletes, one write per book and statement', async () => {
    const ctx = contextFor(t.db, t.admin, createTestClock(new Date('2030-06-01T12:00:00Z')));
    const fixed = await createBook(ctx, { name: 'Totals fixed', discountType: 'FIXED_AMOUNT', discountValue: 5, currency: 'EUR' });
    const percent = await createBook(ctx, { name: 'Totals percent', discountType: 'PERCENTAGE', discountValue: 10 });
    const user = t.user.userId;
    const seed = (book: string, n: number) => Prisma.sql`
      WITH c AS (
        INSERT INTO coupon (book_id, code, state, assigned_user_id, assigned_at, redemption_count)
        SELECT ${book}::uuid, ${`T${book.slice(0, 8)}-`.toUpperCase()} || g, 'REDEEMED', ${user}::uuid, now(), 1
          FROM generate_series(1, ${n}::int) g
        RETURNING id, book_id, split_part(code, '-', 2)::int AS k)
      INSERT INTO redemption (id, coupon_id, book_id, user_id, redeemed_at, order_id, order_amount, discount_amount, currency)
      SELECT gen_random_uuid(), c.id, c.book_id, ${user}::uuid, now(), CASE WHEN c.k % 2 = 0 THEN 'ORDER-' || c.k END,
             CASE WHEN c.k % 2 = 0 THEN 15 END, CASE WHEN c.k % 2 = 0 THEN 1.5 END, CASE WHEN c.k % 2 = 0 THEN 'EUR' END
        FROM c`;
    // Writes to book_redemption_total of one statement: the backend's counts before and after it
    // (pg_stat_xact_* may still hold counts of earlier transactions on the connection not yet flushed).
    const writesOf = async (statement: Prisma.Sql) =>
      t.db.prisma.$transaction(async (tx) => {
        const read = async () => {
          const [row] = await tx.$queryRaw<Array<{ writes: number }>>(Prisma.sql`
            SELECT coalesce((SELECT (n_tup_ins + n_tup_upd)::int FROM pg_stat_xact_user_tables WHERE relname = 'book_redemption_total'), 0) AS writes`);
          return row?.writes ?? 0;
        };
        const before = await read();
        await tx.$executeRaw(statement);
        return (await read()) - before;
      });
    expect(await writesOf(seed(fixed.id, 3_000))).toBe(1);
    expect(await writesOf(seed(percent.id, 1_000))).toBe(1);
    const totals = async () => {
      const [a, b] = await loadRedemptionTotals(ctx, [fixed.id, percent.id]);
      return [a, b].map((x) => ({ n: x?.n, discount: Number(x?.discount) }));
    };
    // Fixed amount: 1,500 with an order's 1.50, 1,500 at the book's 5; a percentage without an order grants nothing known.
    expect(await totals()).toEqual([{ n: 3_000, discount: 1_500 * 1.5 + 1_500 * 5 }, { n: 1_000, discount: 500 * 1.5 }]);

    // Reverse 1,000 of the fixed book's and 100 of the other's in one statement; touch metadata of the rest (no change).
    expect(await writesOf(Prisma.sql`
      UPDATE redemption SET reversed_at = now() WHERE id IN (
        (SELECT id FROM redemption WHERE book_id = ${fixed.id}::uuid AND discount_amount IS NULL ORDER BY id LIMIT 1000)
        UNION ALL (SELECT id FROM redemption WHERE book_id = ${percent.id}::uuid AND discount_amount IS NOT NULL ORDER BY id LIMIT 100))`)).toBe(2);
    expect(await writesOf(Prisma.sql`UPDATE redemption SET metadata = '{"note":"x"}' WHERE reversed_at IS NULL`)).toBe(0);
    expect(await totals()).toEqual([{ n: 2_000, discount: 1_500 * 1.5 + 500 * 5 }, { n: 900, discount: 400 * 1.5 }]);

    // Coupons deleted with their redemptions (a cascade), then a whole book.
    await t.db.prisma.$executeRaw(Prisma.sql`
      DELETE FROM coupon WHERE id IN (SELECT coupon_id FROM redemption WHERE book_id = ${fixed.id}::uuid AND discount_amount IS NOT NULL)`);
    await t.db.prisma.$executeRaw(Prisma.sql`DELETE FROM book WHERE id = ${percent.id}::uuid`);
    expect(await totals()).toEqual([{ n: 500, discount: 500 * 5 }, { n: 0, discount: 0 }]);
    // (These redemptions were written without events, so only the totals' own rule applies.)
    const broken = (await checkInvariants(t.db.prisma)).filter((v) => /redemption totals/.test(v.rule));
    expect(broken).toEqual([]);
  });
});
