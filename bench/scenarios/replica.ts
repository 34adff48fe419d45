import { startStreamingReplica } from '@coupons/db/testing';
import pg from 'pg';
import { type ApiProcess, startApiProcess } from '../lib/api-process.ts';
import { treeCpuMs } from '../lib/cpu.ts';
import { type GraphqlLoadResult, type GraphqlStep, runGraphqlLoad } from '../lib/http-load.ts';
import { type BenchContext, formatNumber, ratio, type Scenario } from '../lib/scenario.ts';
import { addCoupons, createBook, createUsers } from '../lib/seed.ts';
import { combine, type LoadSummary } from '../lib/stats.ts';
import { bearerTokens } from '../lib/tokens.ts';

const BOOKS_QUERY = `query ReplicaBooks { books(first: 20) { totalCount edges { node { id name status } } } }`;
const SEARCH_QUERY = `query ReplicaSearch($bookId: ID) {
  coupons(bookId: $bookId, state: ASSIGNED, first: 20) { totalCount edges { node { code state assignedAt } } }
}`;
const BUSIEST_QUERY = `query ReplicaBusiest { busiestBooks(first: 10, window: 86400) { events book { id name } } }`;

/** Per mode: the load's figures and CPU per read of each process. */
interface ModeFigures extends LoadSummary {
  reads: number;
  cpuMsPerRead: { api: number; primary: number; standby: number };
}

/**
 * replica: the admin read mix (a books page, a coupon search by book and state, busiestBooks) over
 * HTTP against one API process reading the primary only, then against one reading a streaming hot
 * standby of it (DATABASE_READ_URL), turn about, on one primary + standby pair started here
 * (startStreamingReplica: the same embedded PostgreSQL, fsync off). Reported per mode: reads/s,
 * p99 and CPU per read of the API, the primary and the standby (which also shows where the reads
 * went). Every read must answer without error.
 */
export const replica: Scenario = {
  id: 'replica',
  title: 'admin read mix against the primary only vs primary + streaming standby (DATABASE_READ_URL)',
  async run(ctx: BenchContext) {
    const size = ctx.quick
      ? { books: 40, codesPerBook: 5_000, assigned: 1_000, reads: 1_500, warmup: 300, rounds: 2, connections: 16 }
      : { books: 200, codesPerBook: 10_000, assigned: 2_000, reads: 9_000, warmup: 900, rounds: 2, connections: 16 };
    ctx.log('starting a primary and a streaming standby');
    const pair = await startStreamingReplica('coupons_bench_replica');
    const pool = new pg.Pool({ connectionString: pair.primaryUrl, max: 4 });
    const apis: ApiProcess[] = [];
    try {
      ctx.log(`seeding ${size.books} books of ${size.codesPerBook} codes (${size.assigned} assigned each)`);
      const users = await createUsers(pool, 200);
      const [admin] = await createUsers(pool, 1, 'ADMIN');
      const token = bearerTokens([admin])[0];
      const bookIds: string[] = [];
      for (let i = 0; i < size.books; i++) {
        const bookId = await createBook(pool, `replica bench book ${i + 1}`);
        await addCoupons(pool, bookId, size.codesPerBook, { userIds: users.map((u) => u.id), assigned: size.assigned });
        bookIds.push(bookId);
      }
      await pool.query('VACUUM ANALYZE');
      await pair.caughtUp(120_000);

      const common = { poolSize: ctx.poolSize, databaseUrl: pair.primaryUrl };
      const primaryOnly = await startApiProcess({ ...common, name: 'api-primary-only' });
      apis.push(primaryOnly);
      const withReplica = await startApiProcess({ ...common, name: 'api-with-replica', env: { DATABASE_READ_URL: pair.replicaUrl } });
      apis.push(withReplica);

      let next = 0;
      const auth = () => ({ authorization: token });
      const steps: GraphqlStep[] = [
        { query: BOOKS_QUERY, next: () => ({ variables: {}, ...auth() }) },
        { query: SEARCH_QUERY, next: () => ({ variables: { bookId: bookIds[next++ % bookIds.length] }, ...auth() }) },
        { query: BUSIEST_QUERY, next: () => ({ variables: {}, ...auth() }) },
      ];
      const load = (api: ApiProcess, amount: number) =>
        runGraphqlLoad({ url: api.url, connections: size.connections, amount, steps, timeoutSeconds: 30 });

      ctx.log(`warm-up (${size.warmup} reads each way)`);
      await load(primaryOnly, size.warmup);
      await load(withReplica, size.warmup);

      const runs: Record<'primaryOnly' | 'withReplica', { loads: GraphqlLoadResult[]; api: number; primary: number; standby: number }> = {
        primaryOnly: { loads: [], api: 0, primary: 0, standby: 0 },
        withReplica: { loads: [], api: 0, primary: 0, standby: 0 },
      };
      for (let round = 1; round <= size.rounds; round++) {
        for (const [mode, api] of [
          ['primaryOnly', primaryOnly],
          ['withReplica', withReplica],
        ] as const) {
          ctx.log(`round ${round}: ${mode}, ${size.reads} reads`);
          const before = { api: treeCpuMs(api.pid), primary: treeCpuMs(pair.primaryPid), standby: treeCpuMs(pair.replicaPid) };
          const result = await load(api, size.reads);
          const run = runs[mode];
          run.api += treeCpuMs(api.pid) - before.api;
          run.primary += treeCpuMs(pair.primaryPid) - before.primary;
          run.standby += treeCpuMs(pair.replicaPid) - before.standby;
          run.loads.push(result);
        }
      }
      const per = (value: number, reads: number) => Math.round((value / reads) * 1000) / 1000;
      const figures = (mode: keyof typeof runs): ModeFigures => {
        const run = runs[mode];
        const summary = combine(run.loads);
        const reads = summary.ok + Object.values(summary.errors).reduce((a, b) => a + b, 0);
        return {
          ...summary,
          reads,
          cpuMsPerRead: { api: per(run.api, reads), primary: per(run.primary, reads), standby: per(run.standby, reads) },
        };
      };
      const one = figures('primaryOnly');
      const two = figures('withReplica');
      const allOk = one.ok === one.reads && two.ok === two.reads && one.reads > 0 && two.reads > 0;
      const throughputRatio = ratio(two.throughput, one.throughput);
      const primaryCpuRatio = ratio(two.cpuMsPerRead.primary, one.cpuMsPerRead.primary);
      const line = (f: ModeFigures) =>
        `${formatNumber(f.throughput)}/s p99 ${formatNumber(f.p99Ms)} ms, CPU/read API ${f.cpuMsPerRead.api} + primary ${f.cpuMsPerRead.primary} + standby ${f.cpuMsPerRead.standby} ms`;
      return {
        summary: `primary only ${line(one)} · with standby ${line(two)} · reads/s ×${formatNumber(throughputRatio)}, primary CPU/read ×${formatNumber(primaryCpuRatio)}`,
        figures: {
          sizes: size,
          poolSize: ctx.poolSize,
          primaryOnly: one,
          withReplica: two,
          ratios: { throughput: throughputRatio, p99: ratio(two.p99Ms, one.p99Ms), primaryCpuPerRead: primaryCpuRatio },
        },
        goals: [
          {
            name: 'every read answered, both modes',
            actual: `${one.ok} of ${one.reads}, ${two.ok} of ${two.reads}${allOk ? '' : ` (${JSON.stringify({ ...one.errors, ...two.errors })})`}`,
            target: 'all',
            met: allOk,
          },
        ],
        notes: [
          'Reported, no goal in BENCH.md. Both servers share this machine’s cores, so reads/s shows the cost of the extra server as much as the relief; the primary’s CPU per read is the figure that carries to separate machines.',
          'The per-request session read (authorization) stays on the primary in both modes, as do the lag checks (one pg_current_wal_lsn() a second).',
        ],
      };
    } finally {
      await Promise.all(apis.map((a) => a.stop().catch(() => {})));
      await pool.end().catch(() => {});
      await pair.stop();
    }
  },
};
