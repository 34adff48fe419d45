// `pnpm exec tsx bench/tools/explain-statements.ts [bookSize]`
// EXPLAIN (ANALYZE, BUFFERS) of the hot statements exactly as the service sends them (claim,
// lock, redeem), on a throw-away embedded PostgreSQL with one book of `bookSize` codes (default
// 1,000,000), plus their mean time over 2,000 runs from pg_stat_statements-like timing here.
import type { Prisma } from '@coupons/db';
import pg from 'pg';
import { claimRandomCoupon } from '../../packages/core/src/coupons/assign.sql.ts';
import { lockCouponSql } from '../../packages/core/src/coupons/lock.sql.ts';
import { redeemCouponSql } from '../../packages/core/src/coupons/redeem.sql.ts';
import { startBenchDatabase } from '../lib/database.ts';
import { addCoupons, createBook, createUsers, settle } from '../lib/seed.ts';

const bookSize = Number(process.argv[2] ?? 1_000_000);
const bench = await startBenchDatabase();
try {
  const pool = bench.db.pool;
  const [user] = await createUsers(pool, 1);
  const book = await createBook(pool);
  await addCoupons(pool, book, bookSize);
  await settle(pool);

  // Captures the statement a core function sends, then EXPLAINs it (inside a rolled-back
  // transaction, so ANALYZE changes nothing).
  const explain = async (label: string, send: (sql: never) => Promise<unknown>) => {
    let captured: Prisma.Sql | null = null;
    const capture = {
      $queryRaw: async (query: Prisma.Sql) => {
        captured = query;
        return [{ book_found: 1, found: 1 }];
      },
    };
    await send(capture as never).catch(() => {});
    const query = captured as Prisma.Sql | null;
    if (!query) throw new Error(`${label}: nothing sent`);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${query.text}`, query.values as unknown[]);
      await client.query('ROLLBACK');
      console.log(`\n── ${label}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
    } finally {
      client.release();
    }
    return query;
  };

  const claim = await explain('claim (assignRandomCoupon)', (sql) =>
    claimRandomCoupon(sql, { bookId: book, userId: user.id, actorId: user.id, now: new Date() }),
  );
  // A coupon to lock and redeem: claim one for real.
  const { rows } = await pool.query<{ code: string }>(claim.text.replace(/^/, ''), claim.values as unknown[]);
  const code = (rows[0] as unknown as { code: string }).code;
  await explain('lock (lockCoupon)', (sql) => lockCouponSql(sql, { code, userId: user.id, now: new Date() }));
  await pool.query("UPDATE coupon SET state = 'LOCKED', locked_by_id = assigned_user_id, lock_expires_at = now() + interval '5 minutes' WHERE code = $1", [code]);
  await explain('redeem (redeemCoupon)', (sql) =>
    redeemCouponSql(sql, { code, userId: user.id, now: new Date(), idempotencyKey: null, metadata: null }),
  );

  // Mean server time of the claim alone over many runs (one connection, no concurrency).
  const client = new pg.Client({ connectionString: bench.url });
  await client.connect();
  const runs = 2_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await claimRandomCoupon(wrap(client), { bookId: book, userId: user.id, actorId: user.id, now: new Date() });
  console.log(`\nclaim round trip, one connection: ${(Number(process.hrtime.bigint() - started) / 1e6 / runs).toFixed(3)} ms mean over ${runs}`);
  await client.end();
} finally {
  await bench.stop();
}

function wrap(client: pg.Client) {
  return { $queryRaw: async (q: Prisma.Sql) => (await client.query(q.text, q.values as unknown[])).rows } as never;
}
