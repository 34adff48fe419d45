import { startPgBouncer } from '@coupons/db/testing';
import { type ApiProcess, startApiProcess } from '../lib/api-process.ts';
import { assignViaApi, stockAssignLoad } from '../lib/assign-load.ts';
import { treeCpuMs } from '../lib/cpu.ts';
import { type BenchContext, formatNumber, type Scenario } from '../lib/scenario.ts';

const PROCESSES = 4;

/**
 * pgbouncer: assign-hot's load through PgBouncer (Debian's package, started here, transaction
 * pooling, `default_pool_size` = the pool size) with 4 API processes on one database, each with
 * a direct LISTEN connection (DATABASE_LISTEN_URL) and unnamed statements
 * (DATABASE_NAMED_STATEMENTS=false: PgBouncer 1.18 keeps no prepared statement across
 * transactions). Beside it, the same load on the run's one API process connected directly.
 * Reported: calls/s and CPU per call of the API processes, PostgreSQL and PgBouncer; every call
 * must claim a coupon.
 */
export const pgbouncer: Scenario = {
  id: 'pgbouncer',
  title: 'assign-hot through PgBouncer (transaction pooling) with 4 API processes, vs one API process direct',
  async run(ctx: BenchContext) {
    const { size, tokens, bookIds: [directBook, bouncedBook] } = await stockAssignLoad(ctx, 2);
    const bouncer = await startPgBouncer(ctx.database.url, ctx.poolSize, ctx.log);
    ctx.log(`${bouncer.version} on ${new URL(bouncer.url).port}`);
    const apis: ApiProcess[] = [];
    try {
      for (let i = 0; i < PROCESSES; i++) {
        apis.push(
          await startApiProcess({
            name: `api-pgbouncer-${i + 1}`,
            databaseUrl: bouncer.url,
            poolSize: ctx.poolSize,
            env: { DATABASE_LISTEN_URL: ctx.database.url, DATABASE_NAMED_STATEMENTS: 'false' },
          }),
        );
      }
      const perProcess = Math.ceil(size.concurrency / PROCESSES);
      const acrossProcesses = (calls: number) =>
        Promise.all(
          apis.map((api) => assignViaApi(api.url, { bookIds: [bouncedBook], calls: Math.floor(calls / PROCESSES), concurrency: perProcess, tokens })),
        );
      ctx.log(`warm-up (${size.warmupCalls} calls each way)`);
      await assignViaApi(ctx.api().url, { bookIds: [directBook], calls: size.warmupCalls, concurrency: size.concurrency, tokens });
      await acrossProcesses(size.warmupCalls);

      const cpu = () => ({
        api: apis.reduce((sum, a) => sum + treeCpuMs(a.pid), 0),
        main: treeCpuMs(ctx.api().pid),
        postgres: treeCpuMs(ctx.database.postgresPid),
        bouncer: treeCpuMs(bouncer.pid),
      });
      const perCall = (ms: number, calls: number) => Math.round((ms / calls) * 1000) / 1000;

      ctx.log(`direct: one API process, ${size.calls} calls`);
      let before = cpu();
      const direct = await assignViaApi(ctx.api().url, { bookIds: [directBook], calls: size.calls, concurrency: size.concurrency, tokens });
      let after = cpu();
      const directCpu = { api: perCall(after.main - before.main, size.calls), postgres: perCall(after.postgres - before.postgres, size.calls) };

      ctx.log(`PgBouncer: ${PROCESSES} API processes, ${size.calls} calls`);
      before = cpu();
      const started = performance.now();
      const parts = await acrossProcesses(size.calls);
      const wallMs = performance.now() - started;
      after = cpu();
      const calls = parts.reduce((s, p) => s + p.ok + Object.values(p.errors).reduce((a, b) => a + b, 0), 0);
      const ok = parts.reduce((s, p) => s + p.ok, 0);
      const errors: Record<string, number> = {};
      for (const p of parts) for (const [code, n] of Object.entries(p.errors)) errors[code] = (errors[code] ?? 0) + n;
      const bounced = {
        ok,
        calls,
        errors,
        throughput: Math.round((calls / wallMs) * 1000),
        p99Ms: Math.max(...parts.map((p) => p.p99Ms)),
        cpuMsPerCall: {
          api: perCall(after.api - before.api, calls),
          postgres: perCall(after.postgres - before.postgres, calls),
          pgbouncer: perCall(after.bouncer - before.bouncer, calls),
        },
      };
      // A failed call is an error the API logged: show the first processes' last lines.
      if (ok !== calls) for (const api of apis) ctx.log(`${api.name}: ${api.output().slice(-1500)}`);
      return {
        summary: `PgBouncer + ${PROCESSES} APIs ${formatNumber(bounced.throughput)}/s, CPU/call API ${bounced.cpuMsPerCall.api} + PG ${bounced.cpuMsPerCall.postgres} + PgBouncer ${bounced.cpuMsPerCall.pgbouncer} ms · direct 1 API ${formatNumber(direct.throughput)}/s, CPU/call API ${directCpu.api} + PG ${directCpu.postgres} ms`,
        figures: { sizes: size, poolSize: ctx.poolSize, processes: PROCESSES, pgbouncerVersion: bouncer.version, direct: { ...direct, cpuMsPerCall: directCpu }, bounced },
        goals: [
          {
            name: 'every call through PgBouncer claimed a coupon',
            actual: `${ok} of ${calls}${Object.keys(errors).length ? ` (${JSON.stringify(errors)})` : ''}`,
            target: 'all',
            met: ok === calls && calls > 0 && direct.ok === size.calls,
          },
        ],
      };
    } finally {
      await Promise.all(apis.map((a) => a.stop().catch(() => {})));
      await bouncer.stop();
    }
  },
};
