import { withApiAndCeiling } from '../lib/assign-load.ts';
import { measureCpu } from '../lib/cpu.ts';
import { type BenchContext, compareGoal, formatNumber, type Scenario } from '../lib/scenario.ts';

/**
 * assign-open-loop (BENCH.md): `assignRandomCoupon` over HTTP at a fixed rate of half L1's
 * capacity, p99 < 50 ms. Latency goals are set here, at a fixed open-loop rate, because with a
 * closed loop of 64 clients latency simply follows throughput (Little's law).
 *
 * L1's capacity is measured first in the same run (the claim through plain `pg`, same pool size
 * and 64 calls in flight, on a book of its own); then the API is driven at half that rate by
 * autocannon's `overallRate` over 64 keep-alive connections, enough that one is free whenever a
 * request is due at that rate, so a slow answer does not hold the next request back.
 */
export const assignOpenLoop: Scenario = {
  id: 'assign-open-loop',
  title: 'assignRandomCoupon over HTTP at a fixed rate of half L1 capacity: p99',
  async run(ctx: BenchContext) {
    return withApiAndCeiling(ctx, async ({ size, viaApi, viaL1 }) => {
      const capacityCalls = Math.round(size.calls / 2);
      ctx.log(`L1 capacity: ${capacityCalls} calls, ${size.concurrency} in flight`);
      const l1 = await viaL1(capacityCalls);
      const rate = Math.max(1, Math.floor(l1.throughput / 2));
      const calls = Math.max(rate * (ctx.quick ? 5 : 20), 200); // 5 s (quick) or 20 s at that rate
      ctx.log(`API at ${rate}/s (half of L1's ${formatNumber(l1.throughput)}/s): ${calls} calls`);
      const { result: api, cpuMsPerCall } = await measureCpu({ api: ctx.api().pid, postgres: ctx.database.postgresPid }, calls, () =>
        viaApi(calls, rate),
      );
      return {
        summary: `API at ${rate}/s: ${formatNumber(api.throughput)}/s answered, p50 ${api.p50Ms} ms, p99 ${api.p99Ms} ms, CPU/call API ${cpuMsPerCall.api} ms + PG ${cpuMsPerCall.postgres} ms · L1 capacity ${formatNumber(l1.throughput)}/s`,
        figures: { sizes: size, poolSize: ctx.poolSize, l1Capacity: l1, rate, calls, api, cpuMsPerCall },
        goals: [
          compareGoal('p99 at half L1 capacity', api.p99Ms, '<', 50, ' ms'),
          {
            name: 'every call claimed a coupon',
            actual: `${api.ok} of ${calls}`,
            target: 'all',
            met: api.ok === calls && Object.keys(api.errors).length === 0,
          },
        ],
      };
    });
  },
};
