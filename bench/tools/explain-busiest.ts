// `pnpm exec tsx bench/tools/explain-busiest.ts [events] [burst]`
// EXPLAIN ANALYZE of busiestBooks (Query.busiestBooks: coupon events per book in the last 5
// minutes) exactly as the service sends it (busiestBooksSql), on a throw-away embedded PostgreSQL
// whose outbox holds `events` coupon events (default 5,000,000) spread over 30 days across 500
// books, plus a `burst` (default 30,000: 100 events a second) in the last five minutes, a tenth of
// them on one hot book. The statement runs against three index layouts of coupon_event: none on
// created_at, (created_at) (the migration's) and (created_at, book_id). Each is run 7 times; the
// median execution time is shown with the scans of its plan. Then the whole service call
// (both round trips) is timed through Prisma, with the migration's index.
import { busiestBooks, busiestBooksSql } from '@coupons/core';
import { Prisma } from '@coupons/db';
import { startBenchDatabase } from '../lib/database.ts';
import { createUsers } from '../lib/seed.ts';

const events = Number(process.argv[2] ?? 5_000_000);
const burst = Number(process.argv[3] ?? 30_000);
const BOOKS = 500;
const RUNS = 7;
const NOW = new Date();

type PlanNode = { 'Node Type': string; 'Index Name'?: string; 'Relation Name'?: string; 'Heap Fetches'?: number; Plans?: PlanNode[] };

function scans(node: PlanNode): string[] {
  const fetches = node['Heap Fetches'] === undefined ? '' : ` (heap fetches ${node['Heap Fetches']})`;
  const here = /Scan/.test(node['Node Type']) ? [`${node['Node Type']} ${node['Index Name'] ?? node['Relation Name']}${fetches}`] : [];
  return [...here, ...(node.Plans ?? []).flatMap(scans)];
}

const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];

const bench = await startBenchDatabase();
try {
  const pool = bench.db.pool;
  const started = Date.now();
  await pool.query(
    `INSERT INTO book (id, name, discount_type, discount_value, updated_at)
     SELECT gen_random_uuid(), 'busy ' || g, 'PERCENTAGE', 10, now() FROM generate_series(1, $1::int) g`,
    [BOOKS],
  );
  // History: ids follow time, as the outbox's do; books skewed (a few campaigns make most events).
  await pool.query(
    `WITH b AS (SELECT array_agg(id ORDER BY name) AS ids FROM book)
     INSERT INTO coupon_event (book_id, type, created_at)
     SELECT b.ids[1 + floor(power(random(), 3) * cardinality(b.ids))::int], 'ASSIGNED',
            $2::timestamptz - interval '30 days' + (g::float8 / $1) * (interval '30 days' - interval '5 minutes')
       FROM b, generate_series(1, $1::int) g`,
    [events, NOW],
  );
  await pool.query(
    `WITH b AS (SELECT array_agg(id ORDER BY name) AS ids FROM book)
     INSERT INTO coupon_event (book_id, type, created_at)
     SELECT CASE WHEN g % 10 = 0 THEN b.ids[1] ELSE b.ids[1 + floor(random() * cardinality(b.ids))::int] END, 'REDEEMED',
            $2::timestamptz - interval '5 minutes' + (g::float8 / $1) * interval '5 minutes'
       FROM b, generate_series(1, $1::int) g`,
    [burst, NOW],
  );
  await pool.query('VACUUM ANALYZE coupon_event');
  console.log(`${events + burst} coupon events (${burst} in the window) over ${BOOKS} books, loaded in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  const statement = busiestBooksSql(NOW, 300, 12);
  const layouts: Array<[string, string[]]> = [
    ['no index on created_at', ['DROP INDEX coupon_event_created_at_idx']],
    ['(created_at, book_id)', ['CREATE INDEX bench_created_at_book_id_idx ON coupon_event (created_at, book_id)']],
    ['(created_at): the migration', ['DROP INDEX bench_created_at_book_id_idx', 'CREATE INDEX coupon_event_created_at_idx ON coupon_event (created_at)']],
  ];
  for (const [label, ddl] of layouts) {
    for (const sql of ddl) await pool.query(sql);
    await pool.query('ANALYZE coupon_event');
    const times: number[] = [];
    let plan: PlanNode | undefined;
    for (let i = 0; i < RUNS; i++) {
      const { rows } = await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, statement.values);
      times.push(rows[0]['QUERY PLAN'][0]['Execution Time']);
      plan = rows[0]['QUERY PLAN'][0].Plan;
    }
    console.log(`${label.padEnd(40)} ${median(times).toFixed(2).padStart(9)} ms   ${plan ? scans(plan).join(' | ') : ''}`);
  }

  const [admin] = await createUsers(pool, 1, 'ADMIN');
  const ctx = { db: bench.db, caller: { userId: admin.id, role: 'ADMIN' as const }, clock: { now: () => NOW } };
  const calls: number[] = [];
  let answer: Awaited<ReturnType<typeof busiestBooks>> = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    answer = await busiestBooks(ctx, { window: 300, first: 12 });
    calls.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  console.log(`\nbusiestBooks(window: 300, first: 12), service call through Prisma: ${median(calls).toFixed(2)} ms median of ${RUNS}`);
  console.log(`top: ${answer.slice(0, 3).map((a) => `${a.book.name} ${a.events}`).join(', ')}`);
  const [size] = await bench.db.prisma.$queryRaw<Array<{ index: string; table: string }>>(Prisma.sql`
    SELECT pg_size_pretty(pg_relation_size('coupon_event_created_at_idx')) AS index,
           pg_size_pretty(pg_relation_size('coupon_event')) AS table`);
  console.log(`index size ${size.index} (table ${size.table})`);
} finally {
  await bench.stop();
}
