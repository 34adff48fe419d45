// `pnpm exec tsx bench/tools/explain-statements.ts [bookSize]`
// EXPLAIN (ANALYZE, BUFFERS) of the hot statements exactly as the service sends them (both steps
// of claim, lock, redeem), on a throw-away embedded PostgreSQL with one book of `bookSize` codes (default
// 1,000,000), plus their mean time over 2,000 runs from pg_stat_statements-like timing here.
import type { Prisma } from '@coupons/db';
import pg from 'pg';
import { claimRandomCoupon, inTransaction, lockCouponSql, redeemCouponSql, type Tx } from '@coupons/core/sql';
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

  // Runs a transition's statements exactly as the service sends them, inside a transaction that
  // is rolled back at the end (so ANALYZE changes nothing); each statement is EXPLAINed in a
  // savepoint first, then run for real so the next step sees its effect.
  const explain = async <T>(label: string, transition: (tx: Tx) => Promise<T>, keep = false): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      let step = 0;
      const tx: Tx = {
        async rows<R>(query: Prisma.Sql): Promise<R[]> {
          step++;
          await client.query('SAVEPOINT explain');
          const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${query.text}`, query.values as unknown[]);
          await client.query('ROLLBACK TO SAVEPOINT explain');
          console.log(`\n── ${label}, step ${step}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
          return (await client.query(query.text, query.values as unknown[])).rows as R[];
        },
      };
      const result = await transition(tx);
      await client.query(keep ? 'COMMIT' : 'ROLLBACK');
      return result;
    } finally {
      client.release();
    }
  };

  // A coupon to lock and redeem: the explained claim is kept.
  const claimed = await explain('claim (assignRandomCoupon)', (tx) =>
    claimRandomCoupon(tx, { bookId: book, userId: user.id, actorId: user.id, now: new Date() }), true);
  const code = claimed.coupon?.code;
  if (!code) throw new Error('the claim assigned nothing');
  await explain('lock (lockCoupon)', (tx) => lockCouponSql(tx, { code, userId: user.id, now: new Date() }));
  await pool.query("UPDATE coupon SET state = 'LOCKED', locked_by_id = assigned_user_id, lock_expires_at = now() + interval '5 minutes' WHERE code = $1", [code]);
  await explain('redeem (redeemCoupon)', (tx) =>
    redeemCouponSql(tx, { code, userId: user.id, now: new Date(), idempotencyKey: null, metadata: null }),
  );

  // Mean time of the whole claim transaction over many runs (one connection, no concurrency).
  const single = new pg.Pool({ connectionString: bench.url, max: 1 });
  const runs = 2_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) {
    await inTransaction(single, (tx) => claimRandomCoupon(tx, { bookId: book, userId: user.id, actorId: user.id, now: new Date() }));
  }
  console.log(`\nclaim transaction (4 round trips), one connection: ${(Number(process.hrtime.bigint() - started) / 1e6 / runs).toFixed(3)} ms mean over ${runs}`);
  await single.end();
} finally {
  await bench.stop();
}
