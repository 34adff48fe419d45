import { assignViaApi, assignViaPlainPg, ceilingPool } from '../lib/assign-load.ts';
import { type BenchContext, compareGoal, ratio, type Scenario } from '../lib/scenario.ts';
import { seedBooks } from '../lib/seed.ts';
import { quantile, round } from '../lib/stats.ts';
import { createUsersWithTokens } from '../lib/tokens.ts';

const SMALL = 1_000;
const CALLS_PER_ROUND = 100;

/**
 * book-size: p50 latency of one assign at a time on a 1M-code book vs a 1k-code book. The pick
 * walks an index from a random point, so the size of the book must not show. Rounds alternate
 * between the books so that a shared machine's drifting load hits both alike; the same is done
 * through plain pg to show the statement's own share.
 */
export const bookSize: Scenario = {
  id: 'book-size',
  title: 'p50 assign latency (one call at a time, GraphQL) on a 1M-code book vs a 1k-code book',
  async run(ctx: BenchContext) {
    const bigSize = ctx.quick ? 50_000 : 1_000_000;
    const rounds = ctx.quick ? 2 : 4;
    const { tokens, userIds } = await createUsersWithTokens(ctx.pool, 100);
    ctx.log(`loading two ${bigSize.toLocaleString('en-US')}-code and two ${SMALL}-code books`);
    const books = await seedBooks(ctx.pool, {
      big: { codes: bigSize },
      small: { codes: SMALL },
      bigSql: { codes: bigSize },
      smallSql: { codes: SMALL },
    });
    const pool = await ceilingPool(ctx.database.url, ctx.poolSize);
    const latencies = { big: [] as number[], small: [] as number[], bigSql: [] as number[], smallSql: [] as number[] };
    try {
      const one = { concurrency: 1, tokens, userIds };
      // Warm up on the big books only: the small ones have just 1,000 codes to give.
      await assignViaApi(ctx.api().url, { ...one, bookIds: [books.big], calls: 100 });
      await assignViaPlainPg(pool, { ...one, bookIds: [books.bigSql], calls: 100 });
      for (let round = 0; round < rounds; round++) {
        ctx.log(`round ${round + 1}/${rounds}`);
        for (const key of ['small', 'big'] as const) {
          const api = await assignViaApi(ctx.api().url, { ...one, bookIds: [books[key]], calls: CALLS_PER_ROUND });
          latencies[key].push(api.p50Ms);
          const sqlKey = key === 'big' ? 'bigSql' : 'smallSql';
          const sql = await assignViaPlainPg(pool, { ...one, bookIds: [books[sqlKey]], calls: CALLS_PER_ROUND });
          latencies[sqlKey].push(sql.p50Ms);
          if (api.ok !== CALLS_PER_ROUND || sql.ok !== CALLS_PER_ROUND) throw new Error(`a claim failed on the ${key} book`);
        }
      }
    } finally {
      await pool.end();
    }
    // The median of the rounds' p50s: one noisy round cannot decide.
    const median = (values: number[]) => round(quantile([...values].sort((a, b) => a - b), 0.5));
    const p50 = { big: median(latencies.big), small: median(latencies.small), bigSql: median(latencies.bigSql), smallSql: median(latencies.smallSql) };
    const apiRatio = ratio(p50.big, p50.small);
    return {
      summary: `GraphQL p50 ${p50.big} ms (1M) vs ${p50.small} ms (1k) · plain pg p50 ${p50.bigSql} ms vs ${p50.smallSql} ms`,
      figures: { bigBookSize: bigSize, smallBookSize: SMALL, rounds, callsPerRound: CALLS_PER_ROUND, p50, perRoundP50: latencies, sqlRatio: ratio(p50.bigSql, p50.smallSql) },
      goals: [compareGoal('p50 big/small (GraphQL)', apiRatio, '≤', 1.3)],
    };
  },
};
