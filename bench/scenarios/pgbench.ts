import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { assignViaPlainPg, ceilingPool } from '../lib/assign-load.ts';
import { type BenchContext, compareGoal, formatNumber, ratio, type Scenario } from '../lib/scenario.ts';
import { createStockedBooks, settle } from '../lib/seed.ts';
import { round } from '../lib/stats.ts';
import { createUsersWithTokens } from '../lib/tokens.ts';

const run = promisify(execFile);
const DATABASE = 'pgbench_ceiling';

/**
 * `pgbench` from PATH or from Debian's PostgreSQL client folders (`apt-get install -y
 * postgresql-client` provides it), newest first; null when there is none.
 */
export function findPgbench(): string | null {
  const candidates = (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'pgbench'));
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin', 'pgbench')));
  }
  return candidates.find((file) => fs.existsSync(file)) ?? null;
}

/** The run's database URL with another database name. */
function urlOf(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * pgbench (BENCH.md): the physical ceiling. pgbench's built-in simple-update transaction (an
 * indexed UPDATE, a SELECT and an INSERT, the shape of a claim) with as many clients as the
 * pool has connections, beside L1 (our claim through plain `pg`, the same number of calls in
 * flight on a pool of that size), in turns pgbench, L1, L1, pgbench. Goal: L1 ≥ 0.5× pgbench's
 * tps. pgbench runs in a database of its own (scale 10), so the service's tables and the
 * invariant checker never see its tables.
 */
export const pgbenchCeiling: Scenario = {
  id: 'pgbench',
  title: "pgbench's simple-update vs the claim through plain pg (L1), same clients and pool size",
  async run(ctx: BenchContext) {
    const pgbench = findPgbench();
    if (!pgbench) {
      return {
        summary: 'pgbench not found (apt-get install -y postgresql-client)',
        figures: {},
        goals: [{ name: 'pgbench found', actual: 'no', target: 'yes', met: false }],
      };
    }
    const clients = ctx.poolSize;
    const seconds = ctx.quick ? 5 : 15;
    const url = urlOf(ctx.database.url, DATABASE);
    await ctx.pool.query(`DROP DATABASE IF EXISTS ${DATABASE}`);
    await ctx.pool.query(`CREATE DATABASE ${DATABASE}`);
    try {
      ctx.log(`pgbench -i -s 10 (${pgbench})`);
      await run(pgbench, ['-i', '-q', '-s', '10', url]);
      const tpsOf = async (): Promise<number> => {
        const { stdout } = await run(pgbench, ['-n', '-b', 'simple-update', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds), url]);
        const match = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout) ?? /tps = ([\d.]+)/.exec(stdout);
        if (!match) throw new Error(`pgbench printed no tps:\n${stdout}`);
        return Number(match[1]);
      };

      const { userIds } = await createUsersWithTokens(ctx.pool, 1_000);
      const calls = ctx.quick ? 1_200 : 10_000;
      const [book] = await createStockedBooks(ctx.pool, 1, calls * 3);
      await settle(ctx.pool);
      const l1Pool = await ceilingPool(ctx.database.url, ctx.poolSize);
      try {
        const l1Run = () => assignViaPlainPg(l1Pool, { bookIds: [book], calls: calls / 2, concurrency: clients, userIds });
        await assignViaPlainPg(l1Pool, { bookIds: [book], calls: 200, concurrency: clients, userIds }); // warm-up
        ctx.log(`turn 1/4: pgbench ${clients} clients, ${seconds} s`);
        const tps1 = await tpsOf();
        ctx.log(`turn 2/4: L1, ${calls / 2} claims, ${clients} in flight`);
        const l1a = await l1Run();
        ctx.log('turn 3/4: L1');
        const l1b = await l1Run();
        ctx.log('turn 4/4: pgbench');
        const tps2 = await tpsOf();
        const pgbenchTps = round((tps1 + tps2) / 2, 1);
        const l1PerSecond = round(calls / ((l1a.durationMs + l1b.durationMs) / 1000), 1);
        return {
          summary: `pgbench simple-update ${formatNumber(pgbenchTps)} tps (${formatNumber(tps1)}, ${formatNumber(tps2)}) · L1 claim ${formatNumber(l1PerSecond)}/s, ${clients} clients`,
          figures: { clients, seconds, pgbenchTps: [tps1, tps2], pgbenchMeanTps: pgbenchTps, l1: [l1a, l1b], l1PerSecond },
          goals: [
            compareGoal('L1 claims/s / pgbench tps', ratio(l1PerSecond, pgbenchTps), '≥', 0.5),
            { name: 'every L1 call claimed a coupon', actual: `${l1a.ok + l1b.ok} of ${calls}`, target: 'all', met: l1a.ok + l1b.ok === calls },
          ],
        };
      } finally {
        await l1Pool.end();
      }
    } finally {
      await ctx.pool.query(`DROP DATABASE IF EXISTS ${DATABASE}`).catch(() => {});
    }
  },
};
