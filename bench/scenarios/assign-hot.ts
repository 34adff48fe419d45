import { halves, measureAbba } from '../lib/alternate.ts';
import { everyCallClaimed, withApiAndCeiling } from '../lib/assign-load.ts';
import { type BenchContext, compareGoal, formatNumber, ratio, type Scenario } from '../lib/scenario.ts';

/**
 * assign-hot: 64 clients claim random coupons of ONE book of 100k codes over HTTP, beside L1 (the
 * same claim statement through plain `pg`, same pool size and concurrency). Each path gets its
 * own identical book, so neither claims from a book the other has already thinned.
 */
export const assignHot: Scenario = {
  id: 'assign-hot',
  title: '64 clients, one book of 100k codes: GraphQL vs the same claim SQL through plain pg (L1)',
  async run(ctx: BenchContext) {
    return withApiAndCeiling(ctx, async ({ size, viaApi, viaL1 }) => {
      // GraphQL (a) and L1 (b) in A B B A turns of half the calls each.
      const { a: graphql, b: l1 } = await measureAbba(
        halves(size.calls),
        { a: (calls) => viaApi(calls), b: viaL1 },
        { api: ctx.api().pid, postgres: ctx.database.postgresPid },
        ctx.log,
      );
      const graphqlCpu = graphql.cpuMsPerCall;
      const l1Cpu = l1.cpuMsPerCall;
      return {
        summary: `GraphQL ${formatNumber(graphql.throughput)}/s p99 ${graphql.p99Ms} ms, CPU/call API ${graphqlCpu.api} ms + PG ${graphqlCpu.postgres} ms · L1 ${formatNumber(l1.throughput)}/s p99 ${l1.p99Ms} ms, CPU/call PG ${l1Cpu.postgres} ms`,
        figures: {
          sizes: size,
          poolSize: ctx.poolSize,
          graphql,
          l1,
          graphqlToL1: ratio(graphql.throughput, l1.throughput),
        },
        goals: [
          // BENCH.md's goals are ratios to the ceiling and CPU per call, which a busy machine
          // moves far less than absolute times (a p99 under 50 ms with 64 closed-loop clients
          // would need more calls per second than L1 itself makes here: Little's law).
          compareGoal('GraphQL/L1 throughput', ratio(graphql.throughput, l1.throughput), '≥', 0.6),
          compareGoal('GraphQL p99 / L1 p99', ratio(graphql.p99Ms, l1.p99Ms), '≤', 1.5),
          compareGoal('API CPU per call', graphqlCpu.api, '≤', 0.5, ' ms'),
          compareGoal('PostgreSQL CPU per call, GraphQL / L1', ratio(graphqlCpu.postgres, l1Cpu.postgres), '≤', 1.1),
          everyCallClaimed(graphql, l1, size.calls),
        ],
      };
    });
  },
};
