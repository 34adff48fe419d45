// `pnpm exec tsx bench/tools/explain-statements.ts [bookSize]`
// EXPLAIN (ANALYZE, BUFFERS) of the hot statements exactly as the service sends them (both steps
// of claim, lock, redeem), on a throw-away embedded PostgreSQL with one book of `bookSize` codes (default
// 1,000,000), plus their mean time over 2,000 runs from pg_stat_statements-like timing here.
import pg from 'pg';
import { claimRandomCoupon, inTransaction, lockCouponSql, redeemCouponSql } from '@coupons/core/sql';
import { startBenchDatabase } from '../lib/database.ts';
import { explainTransition } from '../lib/explain.ts';
import { addCoupons, createBook, createUsers, settle } from '../lib/seed.ts';

const bookSize = Number(process.argv[2] ?? 1_000_000);
const bench = await startBenchDatabase();
try {
  const pool = bench.db.pool;
  const [user] = await createUsers(pool, 1);
  const book = await createBook(pool);
  await addCoupons(pool, book, bookSize);
  await settle(pool);

  // A coupon to lock and redeem: the explained claim is kept.
  const claimed = await explainTransition(pool, 'claim (assignRandomCoupon)', (tx) =>
    claimRandomCoupon(tx, { bookId: book, userId: user.id, actorId: user.id, now: new Date() }), { keep: true });
  const code = claimed.coupon?.code;
  if (!code) throw new Error('the claim assigned nothing');
  await explainTransition(pool, 'lock (lockCoupon)', (tx) => lockCouponSql(tx, { code, userId: user.id, now: new Date() }));
  await pool.query("UPDATE coupon SET state = 'LOCKED', locked_by_id = assigned_user_id, lock_expires_at = now() + interval '5 minutes' WHERE code = $1", [code]);
  await explainTransition(pool, 'redeem (redeemCoupon)', (tx) =>
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
