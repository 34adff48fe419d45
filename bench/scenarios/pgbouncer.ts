import { startPgBouncer } from '@coupons/db/testing';
import { type ApiProcess, startApiProcess } from '../lib/api-process.ts';
import { assignViaApi, stockAssignLoad } from '../lib/assign-load.ts';
import { apiCheckouts, checkoutQueue } from '../lib/checkout-load.ts';
import { treeCpuMs } from '../lib/cpu.ts';
import type { GraphqlLoadResult } from '../lib/http-load.ts';
import { type BenchContext, formatNumber, type Goal, type Scenario } from '../lib/scenario.ts';
import { codesByUser, createUsers, seedBooks } from '../lib/seed.ts';
import { bearerTokens } from '../lib/tokens.ts';

const PROCESSES = 4;
/** Checkout users: each API process through PgBouncer serves its own quarter of them. */
const CHECKOUT_USERS = 64;

interface Cpu {
  api: number;
  main: number;
  postgres: number;
  bouncer: number;
}
const perCall = (ms: number, calls: number) => Math.round((ms / calls) * 1000) / 1000;
const errorsOf = (parts: GraphqlLoadResult[]) => {
  const errors: Record<string, number> = {};
  for (const p of parts) for (const [code, n] of Object.entries(p.errors)) errors[code] = (errors[code] ?? 0) + n;
  return errors;
};

/**
 * pgbouncer: assign-hot's load through PgBouncer (Debian's package, started here, transaction
 * pooling, `default_pool_size` = the pool size) with 4 API processes on one database, each with
 * a direct LISTEN connection (DATABASE_LISTEN_URL) and unnamed statements
 * (DATABASE_NAMED_STATEMENTS=false: PgBouncer 1.18 keeps no prepared statement across
 * transactions). Beside it, the same load on the run's one API process connected directly.
 * Then lock-redeem's checkouts (64 users lock then redeem their own coupons, 16 per process
 * through PgBouncer) both ways. Reported: calls/s and CPU per call of the API processes,
 * PostgreSQL and PgBouncer; every call must claim, every checkout redeem.
 */
export const pgbouncer: Scenario = {
  id: 'pgbouncer',
  title: 'assign-hot and lock-redeem checkouts through PgBouncer (transaction pooling) with 4 API processes, vs one API process direct',
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

      const cpu = (): Cpu => ({
        api: apis.reduce((sum, a) => sum + treeCpuMs(a.pid), 0),
        main: treeCpuMs(ctx.api().pid),
        postgres: treeCpuMs(ctx.database.postgresPid),
        bouncer: treeCpuMs(bouncer.pid),
      });

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
      const errors = errorsOf(parts);
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
      const checkouts = await measureCheckouts(ctx, apis, cpu);
      // A failed call is an error the API logged: show the first processes' last lines.
      if (ok !== calls || !checkouts.goal.met) for (const api of apis) ctx.log(`${api.name}: ${api.output().slice(-1500)}`);
      const c = checkouts.figures;
      return {
        summary: `assign: PgBouncer + ${PROCESSES} APIs ${formatNumber(bounced.throughput)}/s, CPU/call API ${bounced.cpuMsPerCall.api} + PG ${bounced.cpuMsPerCall.postgres} + PgBouncer ${bounced.cpuMsPerCall.pgbouncer} ms · direct 1 API ${formatNumber(direct.throughput)}/s, CPU/call API ${directCpu.api} + PG ${directCpu.postgres} ms; checkout: PgBouncer ${formatNumber(c.bounced.perSecond)}/s, CPU/checkout API ${c.bounced.cpuMsPerCheckout.api} + PG ${c.bounced.cpuMsPerCheckout.postgres} + PgBouncer ${c.bounced.cpuMsPerCheckout.pgbouncer} ms · direct ${formatNumber(c.direct.perSecond)}/s, API ${c.direct.cpuMsPerCheckout.api} + PG ${c.direct.cpuMsPerCheckout.postgres} ms`,
        figures: {
          sizes: size,
          poolSize: ctx.poolSize,
          processes: PROCESSES,
          pgbouncerVersion: bouncer.version,
          direct: { ...direct, cpuMsPerCall: directCpu },
          bounced,
          checkouts: c,
        },
        goals: [
          {
            name: 'every call through PgBouncer claimed a coupon',
            actual: `${ok} of ${calls}${Object.keys(errors).length ? ` (${JSON.stringify(errors)})` : ''}`,
            target: 'all',
            met: ok === calls && calls > 0 && direct.ok === size.calls,
          },
          checkouts.goal,
        ],
      };
    } finally {
      await Promise.all(apis.map((a) => a.stop().catch(() => {})));
      await bouncer.stop();
    }
  },
};

/**
 * lock-redeem's checkouts both ways: 64 users, each locking then redeeming their own assigned
 * coupons (single-use books), on the run's API process directly (64 connections) and on the
 * PgBouncer processes (each serving 16 of the users over 16 connections, so no two processes
 * touch one coupon). CPU per checkout (two calls) of every process involved.
 */
async function measureCheckouts(ctx: BenchContext, apis: ApiProcess[], cpu: () => Cpu) {
  const checkouts = ctx.quick ? 640 : 6_400;
  const warmup = ctx.quick ? 128 : 640;
  const perUser = (checkouts + warmup) / CHECKOUT_USERS;
  const users = await createUsers(ctx.pool, CHECKOUT_USERS);
  const tokens = bearerTokens(users);
  const userIds = users.map((u) => u.id);
  const total = perUser * CHECKOUT_USERS;
  const books = await seedBooks(ctx.pool, {
    direct: { codes: total, assignTo: { userIds, assigned: total } },
    bounced: { codes: total, assignTo: { userIds, assigned: total } },
  });
  const direct = apiCheckouts(ctx.api().url, checkoutQueue(userIds, await codesByUser(ctx.pool, books.direct), perUser), tokens, CHECKOUT_USERS);
  const bouncedCodes = await codesByUser(ctx.pool, books.bounced);
  const share = CHECKOUT_USERS / PROCESSES;
  const bouncedRuns = apis.map((api, i) => {
    const mine = userIds.slice(i * share, (i + 1) * share);
    return apiCheckouts(api.url, checkoutQueue(mine, bouncedCodes, perUser), tokens.slice(i * share, (i + 1) * share), share);
  });
  const bounced = (count: number) => Promise.all(bouncedRuns.map((run) => run(count / PROCESSES)));

  ctx.log(`checkouts: warm-up (${warmup} each way)`);
  await direct(warmup);
  await bounced(warmup);
  ctx.log(`checkouts: direct, ${checkouts}`);
  let before = cpu();
  const started = performance.now();
  const directResult = await direct(checkouts);
  const directWallMs = performance.now() - started;
  let after = cpu();
  // Both ways timed alike: wall time around the whole run.
  const directFigures = {
    perSecond: Math.round((checkouts / directWallMs) * 1000),
    p99MsPerCall: directResult.p99Ms,
    cpuMsPerCheckout: { api: perCall(after.main - before.main, checkouts), postgres: perCall(after.postgres - before.postgres, checkouts) },
  };
  ctx.log(`checkouts: PgBouncer, ${PROCESSES} API processes, ${checkouts}`);
  before = cpu();
  const bouncedStarted = performance.now();
  const parts = await bounced(checkouts);
  const wallMs = performance.now() - bouncedStarted;
  after = cpu();
  const bouncedFigures = {
    perSecond: Math.round((checkouts / wallMs) * 1000),
    p99MsPerCall: Math.max(...parts.map((p) => p.p99Ms)),
    errors: errorsOf(parts),
    cpuMsPerCheckout: {
      api: perCall(after.api - before.api, checkouts),
      postgres: perCall(after.postgres - before.postgres, checkouts),
      pgbouncer: perCall(after.bouncer - before.bouncer, checkouts),
    },
  };
  const okCalls = parts.reduce((sum, p) => sum + p.ok, 0);
  const redeemed = await ctx.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM coupon WHERE book_id = $1::uuid AND state = 'REDEEMED'`, [
    books.bounced,
  ]);
  const expected = checkouts + warmup;
  const goal: Goal = {
    name: 'every checkout through PgBouncer redeemed (DB)',
    actual: `${redeemed.rows[0].n} of ${expected}${Object.keys(bouncedFigures.errors).length ? ` (${JSON.stringify(bouncedFigures.errors)})` : ''}`,
    target: 'all',
    met: redeemed.rows[0].n === expected && okCalls === checkouts * 2 && directResult.ok === checkouts * 2,
  };
  return { figures: { users: CHECKOUT_USERS, checkouts, warmup, direct: directFigures, bounced: bouncedFigures }, goal };
}
