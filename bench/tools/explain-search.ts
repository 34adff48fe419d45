// `pnpm exec tsx bench/tools/explain-search.ts [bookSize]`
// EXPLAIN ANALYZE of the coupon and redemption searches exactly as the services send them (the
// statements of couponSearchSql / redemptionSearchSql: the page and the count behind totalCount),
// on a throw-away embedded PostgreSQL: three books of 50k codes, then one of `bookSize` (default
// 1,000,000), filled like the plan test (fillSearchFixture: 10% of the codes held, assigned over
// 90 days, 2% of those redeemed). Each statement runs 5 times; the median execution time is shown
// with the scans of its plan. Then a fifth book of 200k codes is added after the big one, so that
// it is no longer the newest, and the book-scoped searches run again.
import { fillSearchFixture } from '@coupons/core/testing';
import { type CouponFilter, couponSearchSql, parseCouponFilter, parseRedemptionFilter, redemptionSearchSql } from '@coupons/core/sql';
import type pg from 'pg';
import { startBenchDatabase } from '../lib/database.ts';

const bookSize = Number(process.argv[2] ?? 1_000_000);
const NOW = new Date();
const DAY = 86_400_000;
const RUNS = 5;

type Statement = { text: string; values: unknown[] };
type PlanNode = { 'Node Type': string; 'Index Name'?: string; 'Relation Name'?: string; Plans?: PlanNode[] };

function scans(node: PlanNode): string[] {
  const here = /Scan/.test(node['Node Type']) ? [`${node['Node Type']} ${node['Index Name'] ?? node['Relation Name']}`] : [];
  return [...here, ...(node.Plans ?? []).flatMap(scans)];
}

async function measure(pool: pg.Pool, label: string, statement: Statement): Promise<void> {
  const times: number[] = [];
  let plan: PlanNode | undefined;
  for (let i = 0; i < RUNS; i++) {
    const { rows } = await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, statement.values);
    const result = rows[0]['QUERY PLAN'][0];
    times.push(result['Execution Time']);
    plan = result.Plan;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(RUNS / 2)].toFixed(2).padStart(9);
  console.log(`${label.padEnd(52)} ${median} ms   ${plan ? scans(plan).join(' | ') : ''}`);
}

const bench = await startBenchDatabase();
try {
  const pool = bench.db.pool;
  const fixture = await fillSearchFixture(pool, { books: [50_000, 50_000, 50_000, bookSize], now: NOW });
  const big = fixture.bookIds[3];
  const one = async <T>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows[0] as T;
  const person = await one<{ id: string; email: string }>(
    `SELECT u.id::text AS id, u.email FROM coupon c JOIN app_user u ON u.id = c.assigned_user_id
     WHERE c.book_id = $1::uuid AND u.email IS NOT NULL LIMIT 1`,
    [big],
  );
  const customer = await one<{ external_id: string }>(
    `SELECT u.external_id FROM coupon c JOIN app_user u ON u.id = c.assigned_user_id WHERE c.book_id = $1::uuid AND u.external_id IS NOT NULL LIMIT 1`,
    [big],
  );
  const redeemed = await one<{ code: string }>('SELECT c.code FROM redemption r JOIN coupon c ON c.id = r.coupon_id WHERE r.book_id = $1::uuid LIMIT 1', [big]);
  const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

  const couponCases: Array<[string, Record<string, unknown>]> = [
    ['all books, no filter', {}],
    ['big book', { bookId: big }],
    ['big book, ASSIGNED', { bookId: big, state: 'ASSIGNED' }],
    ['big book, LOCKED', { bookId: big, state: 'LOCKED' }],
    ['big book, REDEEMED', { bookId: big, state: 'REDEEMED' }],
    ['big book, UNASSIGNED', { bookId: big, state: 'UNASSIGNED' }],
    ['userId', { userId: person.id }],
    ['email', { email: person.email }],
    ['customerId', { customerId: customer.external_id }],
    ['codePrefix (4 of 14 random digits)', { codePrefix: redeemed.code.slice(0, -10) }],
    ['codePrefix = the big book prefix (1M matches)', { codePrefix: fixture.prefixes[3] }],
    ['big book, assigned in the last day', { bookId: big, assignedAfter: ago(1) }],
    ['big book, assigned 30..60 days ago', { bookId: big, assignedAfter: ago(60), assignedBefore: ago(30) }],
    ['all books, assigned in the last day', { assignedAfter: ago(1) }],
    ['big book + userId + ASSIGNED', { bookId: big, userId: person.id, state: 'ASSIGNED' }],
    ['all books, REDEEMED', { state: 'REDEEMED' }],
  ];
  const redemptionCases: Array<[string, Record<string, unknown>]> = [
    ['all', {}],
    ['big book', { bookId: big }],
    ['userId', { userId: person.id }],
    ['email', { email: person.email }],
    ['code', { code: redeemed.code }],
    ['codePrefix (4 of 14 random digits)', { codePrefix: redeemed.code.slice(0, -10) }],
    ['reversed', { reversed: true }],
    ['standing', { reversed: false }],
    ['all, redeemed in the last day', { redeemedAfter: ago(1) }],
    ['big book, redeemed 30..31 days ago', { bookId: big, redeemedAfter: ago(31), redeemedBefore: ago(30) }],
  ];

  const run = async (only?: (filter: CouponFilter | Record<string, unknown>) => boolean) => {
    for (const [name, args] of couponCases) {
      const filter = parseCouponFilter(args);
      if (only && !only(filter)) continue;
      const statements = couponSearchSql(filter, { now: NOW, limit: 20 });
      await measure(pool, `coupons: ${name}`, statements.rows as Statement);
      await measure(pool, '  totalCount', statements.count as Statement);
    }
    for (const [name, args] of redemptionCases) {
      const filter = parseRedemptionFilter(args);
      if (only && !only(filter)) continue;
      const statements = redemptionSearchSql(filter, { limit: 20 });
      await measure(pool, `redemptions: ${name}`, statements.rows as Statement);
      await measure(pool, '  totalCount', statements.count as Statement);
    }
  };
  const version = await one<{ server_version: string }>('SHOW server_version');
  console.log(`PostgreSQL ${version.server_version}; ${bookSize.toLocaleString('en')}-code book, the newest of four (median of ${RUNS} runs)\n`);
  await run();
  await fillSearchFixture(pool, { books: [200_000], now: NOW, people: 10, customers: 10 });
  console.log(`\nafter a newer book of 200,000 codes: the book-scoped searches again\n`);
  await run((filter) => 'bookId' in filter);
} finally {
  await bench.stop();
}
