// `pnpm exec tsx bench/tools/pg-cpu-by-role.ts [calls] [rounds]`
// Where PostgreSQL's CPU per claim goes, by server process (issue 19, item 2: PostgreSQL CPU per
// claim through the API within 1.1x of plain `pg`). The same claim load as assign-hot (64 in
// flight, pools of 20, one book each) through one API process and through plain `pg` (L1), in
// alternating rounds; after each round every PostgreSQL process's own user and system CPU (from
// /proc) is added up by role: the backends of the API's pool, the API's LISTEN connection, L1's
// pool, the background processes (WAL writer, checkpointer, autovacuum …) and the postmaster with
// what it reaped. The median round is printed per path and role, per claim.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';
import { startApiProcess } from '../lib/api-process.ts';
import { assignViaApi, assignViaPlainPg } from '../lib/assign-load.ts';
import { startBenchDatabase } from '../lib/database.ts';
import { addCoupons, createBook, settle } from '../lib/seed.ts';
import { createUsersWithTokens } from '../lib/tokens.ts';

const args = process.argv.slice(2).filter((a) => !a.includes('='));
const calls = Number(args[0] ?? 6_000);
const rounds = Number(args[1] ?? 3);
// NAME=value arguments start a second API process with them in its environment ("api-b"), for an
// A/B of a setting (e.g. WEBHOOK_DELIVERY=false).
const variantEnv = Object.fromEntries(process.argv.slice(2).filter((a) => a.includes('=')).map((a) => a.split('=', 2) as [string, string]));
const hasVariant = Object.keys(variantEnv).length > 0;
const POOL = 20;
const CONCURRENCY = 64;
const IDLE_MS = 3_000;

/** The local TCP ports of a process's sockets (Linux /proc): which connections are its own. */
function portsOf(pid: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1] as string);
    } catch {}
  }
  const ports = new Set<number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && inodes.has(fields[9] as string)) ports.add(Number.parseInt((fields[1] as string).split(':')[1] as string, 16));
    }
  }
  return ports;
}

/**
 * Each PostgreSQL process's role: its backend type, and for a client its application name and,
 * when it is a connection of one of `owners` (name → pid), that owner's name.
 */
async function roles(admin: pg.Pool, owners: Record<string, number>): Promise<Map<number, string>> {
  const { rows } = await admin.query<{ pid: number; backend_type: string; application_name: string; client_port: number | null }>(
    'SELECT pid, backend_type, application_name, client_port FROM pg_stat_activity',
  );
  const ownerPorts = Object.entries(owners).map(([name, pid]) => [name, portsOf(pid)] as const);
  const map = new Map<number, string>();
  for (const row of rows) {
    if (row.backend_type !== 'client backend') {
      map.set(row.pid, row.backend_type);
      continue;
    }
    const owner = ownerPorts.find(([, ports]) => row.client_port !== null && ports.has(row.client_port))?.[0];
    map.set(row.pid, `${owner ?? 'client'}: ${row.application_name || '(none)'}`);
  }
  return map;
}

/** User + system CPU (ms) of one process so far. */
function processCpu(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

type Usage = Map<number, { user: number; system: number }>;

/** Every PostgreSQL process's own CPU now (the postmaster's children; the postmaster itself). */
function usage(postmasterPid: number): Usage {
  const result: Usage = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      if (pid !== postmasterPid && Number(fields[1]) !== postmasterPid) continue;
      result.set(pid, { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 });
    } catch {}
  }
  return result;
}

/**
 * CPU per role between two readings. A process alive at both counts its difference; one that
 * started meanwhile counts all it used; one that ended meanwhile is left out (what it used during
 * the round is lost with it: the idle pools here keep their connections, so none should).
 */
function perRole(before: Usage, after: Usage, role: Map<number, string>, divisor: number): Map<string, { user: number; system: number }> {
  const result = new Map<string, { user: number; system: number }>();
  for (const [pid, end] of after) {
    const start = before.get(pid) ?? { user: 0, system: 0 };
    const name = role.get(pid) ?? 'postmaster or unknown';
    const entry = result.get(name) ?? { user: 0, system: 0 };
    entry.user += (end.user - start.user) / divisor;
    entry.system += (end.system - start.system) / divisor;
    result.set(name, entry);
  }
  return result;
}

/**
 * Runs `work` while a child process keeps one core busy walking 64 MB of memory, as a process
 * with a large heap does to the caches the database's processes share with it.
 */
async function besideBusyCore<T>(work: () => Promise<T>): Promise<T> {
  const walk = 'const b = new Float64Array(8e6); for (;;) for (let i = 0; i < b.length; i += 8) b[i]++;';
  const spinner = spawn(process.execPath, ['-e', walk], { stdio: 'ignore' });
  try {
    return await work();
  } finally {
    spinner.kill('SIGKILL');
  }
}

const database = await startBenchDatabase();
const pool = database.db.pool;
const admin = new pg.Pool({ connectionString: database.url, max: 1, application_name: 'bench-admin' });
const api = await startApiProcess({ name: 'api', databaseUrl: database.url, poolSize: POOL });
const apiB = hasVariant ? await startApiProcess({ name: 'api-b', databaseUrl: database.url, poolSize: POOL, env: variantEnv }) : null;
// Like the bench's ceiling pool, but its connections never close for idleness, so that no backend
// ends between two readings (its CPU would be lost).
const l1Pool = new pg.Pool({ connectionString: database.url, max: POOL, idleTimeoutMillis: 0, application_name: 'coupon-bench-ceiling' });
await Promise.all(Array.from({ length: POOL }, () => l1Pool.connect())).then((clients) => { for (const c of clients) c.release(); });
const owners: Record<string, number> = { api: api.pid, ...(apiB && { 'api-b': apiB.pid }), bench: process.pid };
try {
  const { tokens, userIds } = await createUsersWithTokens(pool, 1_000);
  const apiBook = await createBook(pool);
  const l1Book = await createBook(pool);
  const bBook = await createBook(pool);
  await addCoupons(pool, apiBook, (rounds + 1) * calls + 1_000);
  if (apiB) await addCoupons(pool, bBook, (rounds + 1) * calls + 1_000);
  await addCoupons(pool, l1Book, 2 * (rounds + 1) * calls + 1_000); // both L1 paths
  await settle(pool);
  const paths: Record<string, (n: number) => Promise<{ ok: number; durationMs: number }>> = {
    api: (n) => assignViaApi(api.url, { concurrency: CONCURRENCY, bookIds: [apiBook], calls: n, tokens }),
    ...(apiB && { [`api-b (${process.argv.slice(2).filter((a) => a.includes('=')).join(' ')})`]: (n: number) => assignViaApi(apiB.url, { concurrency: CONCURRENCY, bookIds: [bBook], calls: n, tokens }) }),
    l1: (n) => assignViaPlainPg(l1Pool, { concurrency: CONCURRENCY, bookIds: [l1Book], calls: n, userIds }),
    // L1 again while another process keeps one core busy, as the API process does on the API
    // path: how much of the API path's PostgreSQL CPU per claim is the machine sharing its cores
    // (more preemption, colder caches) rather than more work.
    'l1 beside a busy core': (n) => besideBusyCore(() => assignViaPlainPg(l1Pool, { concurrency: CONCURRENCY, bookIds: [l1Book], calls: n, userIds })),
  };
  for (const run of Object.values(paths)) await run(1_000); // warm-up: JIT, plans, pool connections
  // What the server spends with the API connected and nothing asked of it (sweeper, polls …).
  const idleBefore = usage(database.postgresPid);
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const idleAfter = usage(database.postgresPid);
  console.log(`idle, ${IDLE_MS / 1000} s with no calls: ms of CPU per second by role (user + system)`);
  for (const [role, cpu] of perRole(idleBefore, idleAfter, await roles(admin, owners), IDLE_MS / 1000)) {
    if (cpu.user + cpu.system > 0) console.log(`  ${role.padEnd(40)} ${(cpu.user + cpu.system).toFixed(1)}`);
  }
  const perPath = new Map<string, Array<Map<string, { user: number; system: number }>>>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(paths)) {
      const ownerPid = name.startsWith('l1') ? null : name === 'api' ? api.pid : (apiB?.pid ?? null);
      const ownBefore = ownerPid ? processCpu(ownerPid) : 0;
      const before = usage(database.postgresPid);
      const result = await run(calls);
      const after = usage(database.postgresPid);
      const ownPerCall = ownerPid ? (processCpu(ownerPid) - ownBefore) / calls : 0;
      if (result.ok !== calls) throw new Error(`${name}: ${result.ok} of ${calls} claimed`);
      const perCall = perRole(before, after, await roles(admin, owners), calls);
      const total = [...perCall.values()].reduce((sum, e) => sum + e.user + e.system, 0);
      const own = ownerPid ? `, the API process ${ownPerCall.toFixed(3)} ms` : '';
      console.log(`round ${round + 1} ${name}: ${Math.round((calls * 1000) / result.durationMs)}/s, PostgreSQL ${total.toFixed(3)} ms per claim${own}`);
      perPath.set(name, [...(perPath.get(name) ?? []), perCall]);
    }
  }
  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`\nmedian of ${rounds} rounds of ${calls} claims, ${CONCURRENCY} in flight, pools of ${POOL} (load average ${load}), ms per claim:`);
  for (const [name, runs] of perPath) {
    const allRoles = new Set(runs.flatMap((r) => [...r.keys()]));
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    console.log(`\n${name}:  role | user | system`);
    let user = 0;
    let system = 0;
    for (const role of [...allRoles].sort()) {
      const u = median(runs.map((r) => r.get(role)?.user ?? 0));
      const s = median(runs.map((r) => r.get(role)?.system ?? 0));
      user += u;
      system += s;
      if (u + s >= 0.001) console.log(`  ${role.padEnd(40)} ${u.toFixed(3)}  ${s.toFixed(3)}`);
    }
    console.log(`  ${'total (sum of medians)'.padEnd(40)} ${user.toFixed(3)}  ${system.toFixed(3)}`);
  }
} finally {
  await l1Pool.end();
  await admin.end();
  await api.kill('SIGTERM');
  await apiB?.kill('SIGTERM');
  await database.stop();
}
