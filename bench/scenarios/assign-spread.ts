import { halves, measureAbba } from '../lib/alternate.ts';
import { assignSizes, assignViaApi, everyCallClaimed } from '../lib/assign-load.ts';
import { type BenchContext, compareGoal, formatNumber, ratio, type Scenario } from '../lib/scenario.ts';
import { createStockedBooks, settle } from '../lib/seed.ts';
import { createUsersWithTokens } from '../lib/tokens.ts';

const SPREAD_BOOKS = 100;

/**
 * assign-spread: the assign-hot load over HTTP, spread over 100 books (the same 100k codes in
 * total), measured right after the one-book case on the same database. If one hot book were a
 * bottleneck (a book-wide lock, a hot counter row), the one-book run would be clearly slower.
 */
export const assignSpread: Scenario = {
  id: 'assign-spread',
  title: 'the assign-hot load over 100 books vs over one book (GraphQL both)',
  async run(ctx: BenchContext) {
    const size = assignSizes(ctx.quick);
    const { tokens } = await createUsersWithTokens(ctx.pool, size.users);
    const [hotBook] = await createStockedBooks(ctx.pool, 1, size.codesPerBook);
    const spreadBooks = await createStockedBooks(ctx.pool, SPREAD_BOOKS, size.codesPerBook / SPREAD_BOOKS);
    await settle(ctx.pool);
    const plan = { concurrency: size.concurrency, tokens };
    // One warm-up serves both runs: the claim path is the same for one book or a hundred.
    ctx.log(`warm-up (${size.warmupCalls} calls)`);
    await assignViaApi(ctx.api().url, { ...plan, bookIds: spreadBooks, calls: size.warmupCalls });
    // One book (a) and 100 books (b) in A B B A turns of half the calls each.
    const { a: hot, b: spread } = await measureAbba(
      halves(size.calls),
      {
        a: (calls) => assignViaApi(ctx.api().url, { ...plan, bookIds: [hotBook], calls }),
        b: (calls) => assignViaApi(ctx.api().url, { ...plan, bookIds: spreadBooks, calls }),
      },
      { api: ctx.api().pid, postgres: ctx.database.postgresPid },
      ctx.log,
    );
    const hotToSpread = ratio(hot.throughput, spread.throughput);
    return {
      summary: `one book ${formatNumber(hot.throughput)}/s p99 ${hot.p99Ms} ms · ${SPREAD_BOOKS} books ${formatNumber(spread.throughput)}/s p99 ${spread.p99Ms} ms`,
      figures: { sizes: { ...size, books: SPREAD_BOOKS }, poolSize: ctx.poolSize, hot, spread, hotToSpread },
      goals: [
        compareGoal('hot/spread throughput', hotToSpread, '≥', 0.8),
        everyCallClaimed(hot, spread, size.calls),
      ],
    };
  },
};
