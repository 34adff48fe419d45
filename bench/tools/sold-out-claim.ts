// `pnpm exec tsx bench/tools/sold-out-claim.ts [otherCodes]`
// Wall time of a SOLD_OUT random claim (claimRandomCoupon in inTransaction, one connection, 30 in
// a row, two rounds) on an emptied book of 1,000 codes beside a book of `otherCodes` unassigned
// codes (default 300,000), on a throw-away embedded PostgreSQL with settled statistics. A claim
// that picks nothing also asks whether unassigned codes are left; this shows what that probe
// costs when the coupon table is large (docs/SCALING.md, issue 19, item 2).
import { applyMigrations, createDatabaseIfMissing, startEmbeddedPostgres, temporaryDataDir } from '@coupons/db';
import pg from 'pg';
import { claimRandomCoupon, inTransaction } from '@coupons/core/sql';
import { addCoupons, createBook, createUsers, settle } from '../lib/seed.ts';

const otherCodes = Number(process.argv[2] ?? 300_000);
const CLAIMS = 30;

const cluster = await startEmbeddedPostgres({ dataDir: temporaryDataDir('coupons-sold-out-'), persistent: false });
await createDatabaseIfMissing(cluster.adminUrl, 'sold_out');
const url = cluster.url('sold_out');
await applyMigrations(url);
const pool = new pg.Pool({ connectionString: url, max: 1 });
pool.on('error', () => {});
try {
  const users = await createUsers(pool, 10);
  await addCoupons(pool, await createBook(pool), otherCodes);
  const emptied = await createBook(pool);
  await addCoupons(pool, emptied, 1_000, { userIds: users.map((u) => u.id), assigned: 1_000 });
  await settle(pool);
  const userId = users[0].id;
  for (const round of [1, 2]) {
    const started = process.hrtime.bigint();
    let soldOut = 0;
    for (let i = 0; i < CLAIMS; i++) {
      const outcome = await inTransaction(pool, (tx) => claimRandomCoupon(tx, { bookId: emptied, userId, actorId: userId, now: new Date() }));
      if (!outcome.picked && !outcome.unassignedLeft) soldOut++;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6 / CLAIMS;
    console.log(`round ${round}: ${ms.toFixed(2)} ms per SOLD_OUT claim beside ${otherCodes} other codes (${soldOut} of ${CLAIMS} sold out)`);
  }
} finally {
  await pool.end();
  await cluster.stop();
}
