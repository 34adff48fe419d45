import type pg from 'pg';
import { claimRandomCoupon, txOn, withPgTransaction } from '@coupons/core/sql';
import { halves, measureAbba } from '../lib/alternate.ts';
import { assignViaPlainPg, ceilingPool, everyCallClaimed, stockAssignLoad } from '../lib/assign-load.ts';
import { runConcurrently } from '../lib/pg-load.ts';
import { type BenchContext, compareGoal, formatNumber, ratio, type Scenario } from '../lib/scenario.ts';
import type { LoadSummary } from '../lib/stats.ts';

/**
 * The design this service replaces: every claim of a book first takes a BLOCKING advisory lock
 * on the book, then picks with SKIP LOCKED, in one interactive transaction. The lock turns a
 * book into a queue. This is the only place such a lock may appear (it is what the product must
 * not do). To isolate the cost of the lock, the pick-update-event-counter work inside is the
 * product's own one-statement claim: the original also spent more round trips under the lock,
 * so the measured gap is a lower bound.
 */
function claimOriginalDesign(pool: pg.Pool, bookId: string, userId: string): Promise<string | null> {
  return withPgTransaction(pool, async (client) => {
    // hashtextextended gives the bigint key pg_advisory_xact_lock wants; released at COMMIT.
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [bookId]);
    const outcome = await claimRandomCoupon(txOn(client), { bookId, userId, actorId: userId, now: new Date() });
    return outcome.coupon ? null : outcome.picked ? 'LIMIT_REACHED' : 'SOLD_OUT';
  });
}


export const assignOriginalDesign: Scenario = {
  id: 'assign-original-design',
  title: 'the original design (blocking pg_advisory_lock(book), then SKIP LOCKED, one transaction) vs ours, both through plain pg, assign-hot load',
  async run(ctx: BenchContext) {
    const { size, userIds, bookIds: [oursBook, originalBook] } = await stockAssignLoad(ctx, 2);
    const pool = await ceilingPool(ctx.database.url, ctx.poolSize);
    const runOriginal = (calls: number): Promise<LoadSummary> =>
      runConcurrently(size.concurrency, calls, (call) => claimOriginalDesign(pool, originalBook, userIds[call % userIds.length]));
    const runOurs = (calls: number) => assignViaPlainPg(pool, { bookIds: [oursBook], calls, concurrency: size.concurrency, userIds });
    try {
      ctx.log(`warm-up (${size.warmupCalls} calls each)`);
      await runOurs(size.warmupCalls);
      await runOriginal(size.warmupCalls);
      // Ours (a) and the original (b) in A B B A turns of half the calls each.
      const { a: ours, b: original } = await measureAbba(
        halves(size.calls),
        { a: runOurs, b: runOriginal },
        { postgres: ctx.database.postgresPid },
        ctx.log,
      );
      const speedup = ratio(ours.throughput, original.throughput);
      return {
        summary: `ours ${formatNumber(ours.throughput)}/s p99 ${ours.p99Ms} ms · original ${formatNumber(original.throughput)}/s p99 ${original.p99Ms} ms`,
        figures: { sizes: size, poolSize: ctx.poolSize, ours, original, oursToOriginal: speedup },
        goals: [
          compareGoal('ours/original throughput', speedup, '≥', 3),
          everyCallClaimed(ours, original, size.calls),
        ],
      };
    } finally {
      await pool.end();
    }
  },
};
