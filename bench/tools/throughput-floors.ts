// `pnpm exec tsx bench/tools/throughput-floors.ts [calls] [rounds]`
// How much of L1's throughput any HTTP front can reach on this machine (issue 19, item 4's
// GraphQL/L1 ≥ 0.6), in alternating rounds on one database, 64 calls in flight each:
//   L1         the claim through plain `pg` in this process (assign-hot's ceiling);
//   http+sql   a bare node:http server running the same claim SQL (floor-server.ts), driven by
//              autocannon like the API: no Express, Apollo, GraphQL, token check or events;
//   api        one API process (as assign-hot runs it);
//   api×2      two API processes on the same database, 32 connections each, driven together.
// Per path: calls/s, the ratio to L1, and CPU per call of the server process(es), PostgreSQL, and
// this process (the load generator: autocannon, or L1's own `pg` client), and how busy the
// machine's cores were (all processes, neighbours included, from /proc/stat).
import fs from 'node:fs';
import os from 'node:os';
import { type ApiProcess, startApiProcess } from '../lib/api-process.ts';
import { assignViaApi, assignViaPlainPg, ceilingPool } from '../lib/assign-load.ts';
import { treeCpuMs } from '../lib/cpu.ts';
import { startBenchDatabase } from '../lib/database.ts';
import { createStockedBooks, settle } from '../lib/seed.ts';
import { createUsersWithTokens } from '../lib/tokens.ts';
import { startFloorServer } from './floor-process.ts';

const calls = Number(process.argv[2] ?? 6_000);
const rounds = Number(process.argv[3] ?? 3);
const POOL = 20;
const CONCURRENCY = 64;

/** Busy and total jiffies of all cores so far (/proc/stat's first line). */
function coreTicks(): { busy: number; total: number } {
  const fields = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] as string).trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

const database = await startBenchDatabase();
const pool = database.db.pool;
const apis: ApiProcess[] = [];
for (const name of ['api-a', 'api-b']) apis.push(await startApiProcess({ name, databaseUrl: database.url, poolSize: POOL }));
const floor = await startFloorServer(database.url, POOL, true);
const l1Pool = await ceilingPool(database.url, POOL);
try {
  const { tokens, userIds } = await createUsersWithTokens(pool, 1_000);
  const [a, b] = apis as [ApiProcess, ApiProcess];
  const names = ['L1', 'http+sql', 'api', 'api×2'] as const;
  type Name = (typeof names)[number];
  const books = await createStockedBooks(pool, names.length, (rounds + 1) * calls + 1_000);
  await settle(pool);
  const book = (name: Name) => [books[names.indexOf(name)] as string];
  const paths: Record<Name, { pids: number[]; run(n: number): Promise<{ ok: number }> }> = {
    L1: { pids: [], run: (n) => assignViaPlainPg(l1Pool, { concurrency: CONCURRENCY, bookIds: book('L1'), calls: n, userIds }) },
    'http+sql': { pids: [floor.pid], run: (n) => assignViaApi(floor.url, { concurrency: CONCURRENCY, bookIds: book('http+sql'), calls: n, tokens }) },
    api: { pids: [a.pid], run: (n) => assignViaApi(a.url, { concurrency: CONCURRENCY, bookIds: book('api'), calls: n, tokens }) },
    'api×2': {
      pids: [a.pid, b.pid],
      async run(n) {
        const half = Math.floor(n / 2);
        const results = await Promise.all([
          assignViaApi(a.url, { concurrency: CONCURRENCY / 2, bookIds: book('api×2'), calls: half, tokens }),
          assignViaApi(b.url, { concurrency: CONCURRENCY / 2, bookIds: book('api×2'), calls: n - half, tokens: [...tokens].reverse() }),
        ]);
        return { ok: results[0].ok + results[1].ok };
      },
    },
  };
  for (const name of names) await paths[name].run(1_000); // warm-up: JIT, plans, pool connections
  const measured = new Map<Name, Array<{ rate: number; server: number; postgres: number; generator: number; busy: number }>>();
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const path = paths[name];
      const server0 = path.pids.reduce((sum, pid) => sum + treeCpuMs(pid), 0);
      const pg0 = treeCpuMs(database.postgresPid);
      const self0 = process.cpuUsage();
      const cores0 = coreTicks();
      const started = performance.now();
      const result = await path.run(calls);
      const wallMs = performance.now() - started;
      const cores1 = coreTicks();
      const self = process.cpuUsage(self0);
      if (result.ok !== calls) throw new Error(`${name}: ${result.ok} of ${calls} claimed`);
      const entry = {
        rate: (calls * 1000) / wallMs,
        server: (path.pids.reduce((sum, pid) => sum + treeCpuMs(pid), 0) - server0) / calls,
        postgres: (treeCpuMs(database.postgresPid) - pg0) / calls,
        generator: (self.user + self.system) / 1000 / calls,
        busy: ((cores1.busy - cores0.busy) / (cores1.total - cores0.total)) * os.cpus().length,
      };
      measured.set(name, [...(measured.get(name) ?? []), entry]);
      console.log(
        `round ${round + 1} ${name.padEnd(9)} ${Math.round(entry.rate)}/s  server ${entry.server.toFixed(3)}  PG ${entry.postgres.toFixed(3)}  generator ${entry.generator.toFixed(3)} ms/call  cores busy ${entry.busy.toFixed(2)}`,
      );
    }
  }
  const loadavg = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`\nmedian of ${rounds} rounds of ${calls} claims, ${CONCURRENCY} in flight, pool ${POOL} per process, ${os.cpus().length} cores (load average ${loadavg}):`);
  console.log('path       calls/s  /L1   server ms  PG ms  generator ms  total ms  cores busy');
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;
  const l1Rate = median((measured.get('L1') ?? []).map((e) => e.rate));
  for (const [name, entries] of measured) {
    const m = (pick: (e: (typeof entries)[number]) => number) => median(entries.map(pick));
    const total = m((e) => e.server) + m((e) => e.postgres) + m((e) => e.generator);
    console.log(
      `${name.padEnd(9)}  ${Math.round(m((e) => e.rate)).toString().padStart(7)}  ${(m((e) => e.rate) / l1Rate).toFixed(2)}  ${m((e) => e.server).toFixed(3).padStart(9)}  ${m((e) => e.postgres).toFixed(3)}  ${m((e) => e.generator).toFixed(3).padStart(12)}  ${total.toFixed(3).padStart(8)}  ${m((e) => e.busy).toFixed(2).padStart(10)}`,
    );
  }
} finally {
  await l1Pool.end();
  floor.stop();
  for (const api of apis) await api.kill('SIGTERM');
  await database.stop();
}
