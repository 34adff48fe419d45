import { assignViaApi, assignViaPlainPg, ceilingPool } from '../lib/assign-load.ts';
import { measureCpu } from '../lib/cpu.ts';
import { type BenchContext, compareGoal, formatNumber, ratio, type Scenario } from '../lib/scenario.ts';
import { addCoupons, createBook, createUsers, settle } from '../lib/seed.ts';
import { bearerTokens } from '../lib/tokens.ts';

const CONCURRENCY = 64;

/** Sizes of assign-hot (assign-spread and assign-original-design reuse them: "same load"). */
export function assignSizes(quick: boolean) {
  return {
    codesPerBook: quick ? 20_000 : 100_000,
    calls: quick ? 1_500 : 20_000,
    warmupCalls: quick ? 200 : 1_000,
    users: 1_000,
    concurrency: CONCURRENCY,
  };
}

/**
 * assign-hot: 64 clients claim random coupons of ONE book of 100k codes over HTTP, beside L1 (the
 * same claim statement through plain `pg`, same pool size and concurrency). Each path gets its
 * own identical book, so neither claims from a book the other has already thinned.
 */
export const assignHot: Scenario = {
  id: 'assign-hot',
  title: '64 clients, one book of 100k codes: GraphQL vs the same claim SQL through plain pg (L1)',
  async run(ctx: BenchContext) {
    const size = assignSizes(ctx.quick);
    const users = await createUsers(ctx.pool, size.users);
    const tokens = bearerTokens(users);
    const userIds = users.map((u) => u.id);
    const apiBook = await createBook(ctx.pool);
    const l1Book = await createBook(ctx.pool);
    await addCoupons(ctx.pool, apiBook, size.codesPerBook);
    await addCoupons(ctx.pool, l1Book, size.codesPerBook);
    await settle(ctx.pool);
    const l1Pool = await ceilingPool(ctx.database.url, ctx.poolSize);
    try {
      const plan = { concurrency: size.concurrency };
      ctx.log(`warm-up (${size.warmupCalls} calls each)`);
      await assignViaApi(ctx.api().url, { ...plan, bookIds: [apiBook], calls: size.warmupCalls, tokens });
      await assignViaPlainPg(l1Pool, { ...plan, bookIds: [l1Book], calls: size.warmupCalls, userIds });
      const pids = { api: ctx.api().pid, postgres: ctx.database.postgresPid };
      ctx.log(`GraphQL: ${size.calls} calls`);
      const { result: graphql, cpuMsPerCall: graphqlCpu } = await measureCpu(pids, size.calls, () =>
        assignViaApi(ctx.api().url, { ...plan, bookIds: [apiBook], calls: size.calls, tokens }),
      );
      ctx.log(`L1: ${size.calls} calls`);
      const { result: l1, cpuMsPerCall: l1Cpu } = await measureCpu(pids, size.calls, () =>
        assignViaPlainPg(l1Pool, { ...plan, bookIds: [l1Book], calls: size.calls, userIds }),
      );
      const allClaimed = graphql.ok === size.calls && l1.ok === size.calls;
      return {
        summary: `GraphQL ${formatNumber(graphql.throughput)}/s p99 ${graphql.p99Ms} ms, CPU/call API ${graphqlCpu.api} ms + PG ${graphqlCpu.postgres} ms · L1 ${formatNumber(l1.throughput)}/s p99 ${l1.p99Ms} ms, CPU/call PG ${l1Cpu.postgres} ms`,
        figures: {
          sizes: size,
          poolSize: ctx.poolSize,
          graphql,
          l1,
          graphqlToL1: ratio(graphql.throughput, l1.throughput),
          // CPU per call (ms): steadier than throughput on a busy shared machine.
          cpuMsPerCall: { graphql: graphqlCpu, l1: l1Cpu },
        },
        goals: [
          compareGoal('GraphQL/L1 throughput', ratio(graphql.throughput, l1.throughput), '≥', 0.5),
          compareGoal('GraphQL p99', graphql.p99Ms, '<', 50, ' ms'),
          { name: 'every call claimed a coupon', actual: `${graphql.ok} + ${l1.ok} of ${size.calls} + ${size.calls}`, target: 'all', met: allClaimed },
        ],
      };
    } finally {
      await l1Pool.end();
    }
  },
};
