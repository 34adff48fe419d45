// `pnpm exec tsx bench/tools/claim-cost.ts [claims] [bookSize] [--no-ablation]`
// Where one claim's PostgreSQL cost goes (issue 19, item 2), on a throw-away embedded cluster
// started with pg_stat_statements (track = all, so statements run by triggers and foreign-key
// checks are counted too). It runs `claims` (default 4,000) claims through plain `pg` exactly as
// the bench's L1 does (claimRandomCoupon in inTransaction, 64 in flight on a pool of 20) on a book
// of `bookSize` codes (default 100,000), then prints per claim: each statement's execution time,
// buffers and WAL, and the cluster's and this client's CPU; the same for claims through one API
// process (GraphQL over HTTP), to show what else a claim makes PostgreSQL do there; pgbench's simple-update on the same
// cluster; the backend CPU per claim with parts taken away (the state-count trigger,
// coupon_event's and coupon's secondary indexes), claims in a row on one connection. Last, EXPLAIN (ANALYZE, BUFFERS) of the claim's two statements, trigger times
// included, in a transaction that is rolled back.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { applyMigrations, createDatabaseIfMissing, startEmbeddedPostgres, temporaryDataDir } from '@coupons/db';
import pg from 'pg';
import { claimRandomCoupon, inTransaction } from '@coupons/core/sql';
import { startApiProcess } from '../lib/api-process.ts';
import { assignViaApi } from '../lib/assign-load.ts';
import { treeCpuMs } from '../lib/cpu.ts';
import { explainTransition } from '../lib/explain.ts';
import { runConcurrently } from '../lib/pg-load.ts';
import { findPgbench } from '../scenarios/pgbench.ts';
import { addCoupons, createBook, createUsers, settle } from '../lib/seed.ts';
import { bearerTokens } from '../lib/tokens.ts';

const numbers = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const claims = Number(numbers[0] ?? 4_000);
const bookSize = Number(numbers[1] ?? 100_000);
const ablate = !process.argv.includes('--no-ablation');
const POOL = 20;
const run = promisify(execFile);
const IN_FLIGHT = 64;

const dataDir = temporaryDataDir('coupons-claim-cost-');
// A persistent cluster so that it can be restarted with the libraries preloaded (ALTER SYSTEM);
// the throw-away settings of a test cluster are set the same way. Removed at the end.
let cluster = await startEmbeddedPostgres({ dataDir, persistent: true });
const boot = new pg.Client({ connectionString: cluster.adminUrl });
await boot.connect();
for (const setting of [
  "shared_preload_libraries = 'pg_stat_statements'",
  "pg_stat_statements.track = 'all'",
  'pg_stat_statements.track_utility = on',
  'pg_stat_statements.track_planning = on',
  'fsync = off',
  'synchronous_commit = off',
  'full_page_writes = off',
  'max_connections = 300',
]) {
  await boot.query(`ALTER SYSTEM SET ${setting}`);
}
await boot.end();
await cluster.stop();
cluster = await startEmbeddedPostgres({ dataDir, persistent: true });
const postmasterPid = Number(fs.readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);

const url = cluster.url('claim_cost');
await createDatabaseIfMissing(cluster.adminUrl, 'claim_cost');
await applyMigrations(url);
const admin = new pg.Pool({ connectionString: url, max: 2 });
const pool = new pg.Pool({ connectionString: url, max: POOL });
for (const p of [admin, pool]) p.on('error', () => {});
try {
  await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const users = await createUsers(admin, 1_000);
  const userIds = users.map((u) => u.id);
  const book = await createBook(admin);
  await addCoupons(admin, book, bookSize);
  await settle(admin);
  for (const client of await Promise.all(Array.from({ length: POOL }, () => pool.connect()))) client.release();

  const claimLoad = (total: number) =>
    runConcurrently(IN_FLIGHT, total, async (call) => {
      const userId = userIds[call % userIds.length];
      const outcome = await inTransaction(pool, (tx) => claimRandomCoupon(tx, { bookId: book, userId, actorId: userId, now: new Date() }));
      return outcome.coupon ? null : 'NOT_CLAIMED';
    });
  await claimLoad(500); // warm-up: plans prepared on every connection
  await admin.query('SELECT pg_stat_statements_reset()');
  const cpuBefore = treeCpuMs(postmasterPid);
  const nodeBefore = process.cpuUsage();
  const load = await claimLoad(claims);
  const pgCpuPerClaim = (treeCpuMs(postmasterPid) - cpuBefore) / claims;
  const node = process.cpuUsage(nodeBefore);
  const nodeCpuPerClaim = (node.user + node.system) / 1000 / claims;
  console.log(
    `${load.ok} of ${claims} claimed, ${Math.round((claims * 1000) / load.durationMs)}/s, CPU per claim: PostgreSQL ${pgCpuPerClaim.toFixed(3)} ms, this Node client ${nodeCpuPerClaim.toFixed(3)} ms`,
  );

  const printStatements = async (label: string, calls: number) => {
    const { rows } = await admin.query<{
      toplevel: boolean; calls: string; plans: string; plan_ms: number; ms: number; hit: number; read: number; dirtied: number; written: number; wal_records: number; wal_bytes: number; query: string;
    }>(
      `SELECT toplevel, calls, plans, total_plan_time / $1 AS plan_ms, total_exec_time / $1 AS ms,
              shared_blks_hit::float8 / $1 AS hit, shared_blks_read::float8 / $1 AS read,
              shared_blks_dirtied::float8 / $1 AS dirtied, shared_blks_written::float8 / $1 AS written,
              wal_records::float8 / $1 AS wal_records, wal_bytes::float8 / $1 AS wal_bytes, query
         FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND query NOT LIKE '%pg_stat_statements%'
        ORDER BY toplevel DESC, total_exec_time DESC`,
      [calls],
    );
    console.log(`\n${label}, per claim: level | calls | plans, plan ms | exec ms | buffers hit/read/dirtied | WAL records/bytes | statement`);
    for (const r of rows) {
      if (r.ms < 0.001) continue; // under a microsecond per claim
      const text = r.query.replace(/\s+/g, ' ').slice(0, 140);
      console.log(
        `${r.toplevel ? 'top   ' : 'nested'} | ${(Number(r.calls) / calls).toFixed(2)} | ${(Number(r.plans) / calls).toFixed(2)}, ${r.plan_ms.toFixed(4)} | ${r.ms.toFixed(4)} | ${r.hit.toFixed(1)}/${r.read.toFixed(1)}/${r.dirtied.toFixed(2)} | ${r.wal_records.toFixed(1)}/${Math.round(r.wal_bytes)} | ${text}`,
      );
    }
  };
  await printStatements('L1', claims);

  // The same claims through the API (GraphQL over HTTP, one API process with a pool of 20):
  // what PostgreSQL runs for a claim besides the claim itself.
  const api = await startApiProcess({ name: 'claim-cost', databaseUrl: url, poolSize: POOL });
  try {
    const apiBook = await createBook(admin);
    await addCoupons(admin, apiBook, bookSize);
    await settle(admin);
    const tokens = bearerTokens(users);
    await assignViaApi(api.url, { concurrency: IN_FLIGHT, bookIds: [apiBook], calls: 500, tokens });
    await admin.query('SELECT pg_stat_statements_reset()');
    const apiCpuBefore = treeCpuMs(postmasterPid);
    const viaApi = await assignViaApi(api.url, { concurrency: IN_FLIGHT, bookIds: [apiBook], calls: claims, tokens });
    console.log(`\nAPI: ${viaApi.ok} of ${claims} claimed, PostgreSQL CPU ${((treeCpuMs(postmasterPid) - apiCpuBefore) / claims).toFixed(3)} ms per claim`);
    await printStatements('API', claims);
    const slots = await admin.query<{ backends: number; mod32: number; mod128: number }>(
      `SELECT count(*)::int AS backends, count(DISTINCT pid % 32)::int AS mod32, count(DISTINCT pid % 128)::int AS mod128
         FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = current_database()`,
    );
    const { backends, mod32, mod128 } = slots.rows[0];
    console.log(`client backends now: ${backends}, in ${mod32} distinct slots of pid % 32, ${mod128} of pid % 128`);

    // The slot modulus, A/B on the same API process (the same backend pids): what a claim through
    // the API waits for its book_state_count rows, and its throughput. Only in this database.
    const moveWith = (modulus: number) => `CREATE OR REPLACE FUNCTION book_state_count_move() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO book_state_count AS t (book_id, state, slot, n)
        SELECT m.book_id, m.state, (pg_backend_pid() % ${modulus})::smallint, m.delta
          FROM (VALUES (OLD.book_id, OLD.state, -1::bigint), (NEW.book_id, NEW.state, 1::bigint)) AS m (book_id, state, delta)
         ORDER BY m.book_id, m.state
        ON CONFLICT (book_id, state, slot) DO UPDATE SET n = t.n + EXCLUDED.n;
        RETURN NULL;
      END $fn$`;
    const AB = 1_000;
    for (const modulus of [32, 128, 32, 128]) {
      await admin.query(moveWith(modulus));
      await admin.query('SELECT pg_stat_statements_reset()');
      const before = treeCpuMs(postmasterPid);
      const r = await assignViaApi(api.url, { concurrency: IN_FLIGHT, bookIds: [apiBook], calls: AB, tokens });
      const wait = await admin.query<{ ms: number }>(
        `SELECT coalesce(sum(total_exec_time), 0) / $1 AS ms FROM pg_stat_statements WHERE query LIKE 'INSERT INTO book_state_count AS t%'`,
        [AB],
      );
      console.log(
        `  slots pid % ${modulus}: ${r.ok} of ${AB} claimed, ${Math.round(r.throughput)}/s, p99 ${r.p99Ms} ms, PostgreSQL CPU ${((treeCpuMs(postmasterPid) - before) / AB).toFixed(3)} ms, state-count upsert ${wait.rows[0].ms.toFixed(3)} ms per claim`,
      );
    }
  } finally {
    await api.stop();
  }

  const tables = await admin.query(
    `SELECT relname, n_tup_upd, n_tup_hot_upd, n_tup_ins FROM pg_stat_user_tables WHERE n_tup_upd + n_tup_ins > 0 ORDER BY relname`,
  );
  console.log('\ntables (whole run incl. seeding):');
  for (const t of tables.rows) console.log(`  ${t.relname}: inserts ${t.n_tup_ins}, updates ${t.n_tup_upd} (HOT ${t.n_tup_hot_upd})`);
  const indexes = await admin.query(
    `SELECT indexrelname, pg_size_pretty(pg_relation_size(indexrelid)) AS size FROM pg_stat_user_indexes WHERE relname = 'coupon' ORDER BY indexrelname`,
  );
  console.log(`\ncoupon's indexes (${indexes.rowCount}): ${indexes.rows.map((i) => `${i.indexrelname} ${i.size}`).join(', ')}`);

  // pgbench's simple-update on the same cluster (its own database), for PostgreSQL CPU per transaction.
  const pgbench = findPgbench();
  if (pgbench) {
    await admin.query('CREATE DATABASE pgbench_cost');
    const benchUrl = cluster.url('pgbench_cost');
    await run(pgbench, ['-i', '-q', '-s', '10', benchUrl]);
    const before = treeCpuMs(postmasterPid);
    const { stdout } = await run(pgbench, ['-n', '-b', 'simple-update', '-M', 'prepared', '-c', String(POOL), '-j', '2', '-t', '500', benchUrl]);
    const txns = POOL * 500;
    const tps = /tps = ([\d.]+)/.exec(stdout)?.[1];
    console.log(`pgbench simple-update, ${POOL} clients: ${tps} tps, PostgreSQL CPU ${((treeCpuMs(postmasterPid) - before) / txns).toFixed(3)} ms per transaction`);
  }

  // What each part costs, by taking it away: claims one after another on one connection (no
  // waiting on locks), PostgreSQL CPU of that backend per claim, each variant on a fresh book,
  // rounds alternated. The variants only exist in this throw-away database.
  const one = new pg.Pool({ connectionString: url, max: 1 });
  one.on('error', () => {});
  const backend = (await one.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const backendCpuMs = () => {
    const fields = fs.readFileSync(`/proc/${backend}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  };
  const SEQ = 1_500;
  const sequential = async (variant: string, ddl: string[], undo: string[]) => {
    for (const statement of ddl) await admin.query(statement);
    const seqBook = await createBook(admin);
    await addCoupons(admin, seqBook, SEQ * 2);
    await settle(admin);
    for (let i = 0; i < 100; i++) await inTransaction(one, (tx) => claimRandomCoupon(tx, { bookId: seqBook, userId: userIds[i % 1000], actorId: userIds[i % 1000], now: new Date() }));
    const before = backendCpuMs();
    const started = process.hrtime.bigint();
    for (let i = 0; i < SEQ; i++) {
      const userId = userIds[i % userIds.length];
      await inTransaction(one, (tx) => claimRandomCoupon(tx, { bookId: seqBook, userId, actorId: userId, now: new Date() }));
    }
    const cpu = (backendCpuMs() - before) / SEQ;
    const wall = Number(process.hrtime.bigint() - started) / 1e6 / SEQ;
    for (const statement of undo) await admin.query(statement);
    return { variant, cpu, wall };
  };
  const secondaryCouponIndexes = ['coupon_assigned_at_any_book_idx', 'coupon_assigned_at_idx', 'coupon_book_id_created_at_id_idx', 'coupon_book_id_state_created_at_id_idx', 'coupon_owner_idx'];
  const variants: Array<[string, string[], string[]]> = [
    ['as migrated', [], []],
    ['without the book_state_count trigger', ['ALTER TABLE coupon DISABLE TRIGGER coupon_state_count_update'], ['ALTER TABLE coupon ENABLE TRIGGER coupon_state_count_update']],
    ["without coupon_event's 3 secondary indexes", ['CREATE TABLE ev_ix AS SELECT indexdef FROM pg_indexes WHERE tablename = $$coupon_event$$ AND indexname <> $$coupon_event_pkey$$', 'DO $d$ DECLARE r record; BEGIN FOR r IN SELECT indexname FROM pg_indexes WHERE tablename = $$coupon_event$$ AND indexname <> $$coupon_event_pkey$$ LOOP EXECUTE format($$DROP INDEX %I$$, r.indexname); END LOOP; END $d$'], ['DO $d$ DECLARE r record; BEGIN FOR r IN SELECT indexdef FROM ev_ix LOOP EXECUTE r.indexdef; END LOOP; END $d$', 'DROP TABLE ev_ix']],
    [`without coupon's ${secondaryCouponIndexes.length} secondary indexes the claim updates`, [`CREATE TABLE c_ix AS SELECT indexdef FROM pg_indexes WHERE indexname IN (${secondaryCouponIndexes.map((i) => `'${i}'`).join(', ')})`, ...secondaryCouponIndexes.map((i) => `DROP INDEX ${i}`)], ['DO $d$ DECLARE r record; BEGIN FOR r IN SELECT indexdef FROM c_ix LOOP EXECUTE r.indexdef; END LOOP; END $d$', 'DROP TABLE c_ix']],
  ];
  const results = new Map<string, { cpu: number[]; wall: number[] }>();
  for (let round = 0; round < (ablate ? 2 : 0); round++) {
    for (const [variant, ddl, undo] of round % 2 === 0 ? variants : [...variants].reverse()) {
      const r = await sequential(variant, ddl, undo);
      const entry = results.get(variant) ?? { cpu: [], wall: [] };
      entry.cpu.push(r.cpu);
      entry.wall.push(r.wall);
      results.set(variant, entry);
    }
  }
  console.log(`\none connection, ${SEQ} claims in a row per variant and round: backend CPU per claim (rounds) | wall ms per claim`);
  for (const [variant, r] of results) {
    console.log(`  ${variant}: ${r.cpu.map((c) => c.toFixed(3)).join(', ')} ms | ${r.wall.map((w) => w.toFixed(3)).join(', ')} ms`);
  }
  await one.end();

  // EXPLAIN (ANALYZE, BUFFERS, WAL) of each statement of one claim, as sent; the claim is rolled back.
  await explainTransition(pool, 'claim', (tx) => claimRandomCoupon(tx, { bookId: book, userId: userIds[0], actorId: userIds[0], now: new Date() }), {
    explainOptions: ['WAL'],
  });
} finally {
  await pool.end();
  await admin.end();
  await cluster.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
