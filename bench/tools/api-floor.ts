// `pnpm exec tsx bench/tools/api-floor.ts [calls] [rounds]`
// What the API's CPU per claim is made of, against floors measured in the same run (issue 19,
// item 1): the same assignRandomCoupon load (autocannon, 64 connections, one request in flight on
// each, every request with its own user's token) against
//   api        the API process as it runs in production (`node --import tsx`, NODE_ENV=production);
//   http+sql   a bare node:http server running the same claim SQL on a pool of the same size
//              (bench/tools/floor-server.ts): no Express, Apollo, GraphQL, token check or events;
//   api/typename  the API answering `{ __typename }` with the same tokens: every layer of a
//              request (HTTP, Express, Apollo, the cost check, the token check and session read)
//              without the mutation's resolver, SQL and events;
//   http       the same server answering without the database: HTTP and JSON alone.
// Each process's own user and system CPU (from /proc) per call, in `rounds` alternating rounds
// of `calls` calls (default 6,000 and 3); the median round is printed.
import fs from 'node:fs';
import { startApiProcess } from '../lib/api-process.ts';
import { assignViaApi } from '../lib/assign-load.ts';
import { runGraphqlLoad } from '../lib/http-load.ts';
import { startBenchDatabase } from '../lib/database.ts';
import { addCoupons, createBook, settle } from '../lib/seed.ts';
import { createUsersWithTokens } from '../lib/tokens.ts';
import { startFloorServer } from './floor-process.ts';

const calls = Number(process.argv[2] ?? 6_000);
const rounds = Number(process.argv[3] ?? 3);
const POOL = 20;
const CONCURRENCY = 64;

/** User and system CPU of one process so far, ms (Linux /proc; ticks of 10 ms). */
function cpuOf(pid: number): { user: number; system: number } {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
}

const database = await startBenchDatabase();
const pool = database.db.pool;
const api = await startApiProcess({ name: 'api', databaseUrl: database.url, poolSize: POOL });
const floors = { 'http+sql': await startFloorServer(database.url, POOL, true), http: await startFloorServer(database.url, POOL, false) };
try {
  const { tokens } = await createUsersWithTokens(pool, 1_000);
  const targets = [
    { name: 'api', url: api.url, pid: api.pid },
    { name: 'api/typename', url: api.url, pid: api.pid },
    { name: 'http+sql', url: floors['http+sql'].url, pid: floors['http+sql'].pid },
    { name: 'http', url: floors.http.url, pid: floors.http.pid },
  ];
  const books = new Map<string, string>();
  for (const target of targets.filter((t) => t.name !== 'api/typename')) {
    const book = await createBook(pool);
    await addCoupons(pool, book, (rounds + 1) * calls + 1_000);
    books.set(target.name, book);
  }
  await settle(pool);
  const perCall = new Map<string, Array<{ user: number; system: number; rate: number }>>();
  let call = 0;
  const load = (target: (typeof targets)[number], n: number) =>
    target.name === 'api/typename'
      ? runGraphqlLoad({
          url: target.url,
          connections: CONCURRENCY,
          amount: n,
          steps: [{ query: 'query Typename { __typename }', next: () => ({ variables: {}, authorization: tokens[call++ % tokens.length] as string }) }],
        })
      : assignViaApi(target.url, { concurrency: CONCURRENCY, bookIds: [books.get(target.name) as string], calls: n, tokens });
  for (const target of targets) await load(target, 1_000); // warm-up: JIT, plans, pool connections
  for (let round = 0; round < rounds; round++) {
    for (const target of targets) {
      const before = cpuOf(target.pid);
      const result = await load(target, calls);
      const after = cpuOf(target.pid);
      if (result.ok !== calls) throw new Error(`${target.name}: ${result.ok} of ${calls} claimed (${JSON.stringify(result.errors)})`);
      const entry = { user: (after.user - before.user) / calls, system: (after.system - before.system) / calls, rate: (calls * 1000) / result.durationMs };
      perCall.set(target.name, [...(perCall.get(target.name) ?? []), entry]);
      console.log(`round ${round + 1} ${target.name.padEnd(12)} user ${entry.user.toFixed(3)} ms + system ${entry.system.toFixed(3)} ms per call, ${Math.round(entry.rate)}/s`);
    }
  }
  console.log(`\nmedian of ${rounds} rounds of ${calls} claims, ${CONCURRENCY} connections (load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}):`);
  console.log('process       user ms  system ms  total ms  calls/s');
  for (const [name, entries] of perCall) {
    const median = (pick: (e: (typeof entries)[number]) => number) => entries.map(pick).sort((a, b) => a - b)[Math.floor(entries.length / 2)] as number;
    const user = median((e) => e.user);
    const system = median((e) => e.system);
    console.log(`${name.padEnd(12)}  ${user.toFixed(3).padStart(7)}  ${system.toFixed(3).padStart(9)}  ${(user + system).toFixed(3).padStart(8)}  ${Math.round(median((e) => e.rate)).toString().padStart(7)}`);
  }
  const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${api.pid}/status`, 'utf8'))?.[1];
  console.log(`API resident memory at the end: ${Math.round(Number(rss) / 1024)} MiB`);
} finally {
  for (const floor of Object.values(floors)) floor.stop();
  await api.kill('SIGTERM');
  await database.stop();
}
