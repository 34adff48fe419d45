import { withApiAndCeiling } from '../lib/assign-load.ts';
import { measureCpu } from '../lib/cpu.ts';
import { type BenchContext, compareGoal, formatNumber, type Scenario } from '../lib/scenario.ts';

/**
 * assign-open-loop (BENCH.md): `assignRandomCoupon` over HTTP at a fixed rate of half L1's
 * capacity, p99 < 50 ms. Latency goals are set here, at a fixed open-loop rate, because with a
 * closed loop of 64 clients latency simply follows throughput (Little's law).
 *
 * L1's capacity is measured first in the same run (the claim through plain `pg`, same pool size
 * and 64 calls in flight, on a book of its own); then the API is sent requests at half that rate,
 * evenly spaced (http-load.ts `runPacedLoad`), over up to 64 keep-alive connections, each
 * request's latency timed from when it was due. Before 2026-12-06 the rate came from autocannon's
 * `overallRate`, which sends each second's requests in a burst at its start: those runs measured
 * a closed loop of 64 for part of every second (p50 54 ms, p99 93.5 ms in the run of 85946fd).
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
      // Not a goal: the same at a quarter of L1's capacity, where the API is not at its limit here.
      const quarterRate = Math.max(1, Math.floor(l1.throughput / 4));
      const quarterCalls = Math.max(quarterRate * (ctx.quick ? 3 : 10), 100);
      ctx.log(`API at ${quarterRate}/s (a quarter of L1's): ${quarterCalls} calls`);
      const quarter = await viaApi(quarterCalls, quarterRate);
      return {
        // Answered more slowly than due: the API's own capacity is at or below the rate, so a
        // queue grows for as long as the run lasts and the latencies say how long it ran.
        summary: `API at ${rate}/s: ${formatNumber(api.throughput)}/s answered${api.throughput < rate * 0.98 ? ' (behind the rate: a queue grew)' : ''}, p50 ${api.p50Ms} ms, p99 ${api.p99Ms} ms, CPU/call API ${cpuMsPerCall.api} ms + PG ${cpuMsPerCall.postgres} ms · L1 capacity ${formatNumber(l1.throughput)}/s · at a quarter (${quarterRate}/s): p50 ${quarter.p50Ms} ms, p99 ${quarter.p99Ms} ms`,
        figures: { sizes: size, poolSize: ctx.poolSize, l1Capacity: l1, rate, calls, api, cpuMsPerCall, quarter: { rate: quarterRate, calls: quarterCalls, api: quarter } },
        goals: [
          compareGoal('p99 at half L1 capacity', api.p99Ms, '<', 50, ' ms'),
          {
            name: 'every call claimed a coupon',
            actual: `${api.ok} + ${quarter.ok} of ${calls} + ${quarterCalls}`,
            target: 'all',
            met: api.ok === calls && quarter.ok === quarterCalls && Object.keys({ ...api.errors, ...quarter.errors }).length === 0,
          },
        ],
      };
    });
  },
};
