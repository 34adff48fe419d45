/**
 * Measures `generateCodes` end to end on a throw-away embedded PostgreSQL (fsync off, like the
 * test suite; pass --persistent-like to keep fsync on): wall time, codes/s and the process's
 * peak RSS. Usage: `pnpm exec tsx bench/generate-codes.ts [count] [--fsync]`.
 */
import { randomUUID } from 'node:crypto';
import { setInterval } from 'node:timers';
import { generateCodes, type ServiceContext, systemClock } from '@coupons/core';
import {
  applyMigrations,
  createDatabase,
  createDatabaseIfMissing,
  databaseUrl,
  Prisma,
  startEmbeddedPostgres,
  temporaryDataDir,
} from '@coupons/db';

const count = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const fsync = process.argv.includes('--fsync');

const cluster = await startEmbeddedPostgres({ dataDir: temporaryDataDir('coupons-bench-pg-'), persistent: fsync });
try {
  await createDatabaseIfMissing(cluster.adminUrl, 'bench');
  const url = databaseUrl(cluster.adminUrl, 'bench');
  await applyMigrations(url);
  const db = createDatabase({ url, poolSize: 4 });
  const adminId = randomUUID();
  const bookId = randomUUID();
  await db.prisma.$executeRaw(Prisma.sql`
    INSERT INTO app_user (id, email, password_hash, role) VALUES (${adminId}::uuid, 'bench@example.com', 'x', 'ADMIN')`);
  await db.prisma.$executeRaw(Prisma.sql`
    INSERT INTO book (id, name, discount_type, discount_value) VALUES (${bookId}::uuid, 'Bench', 'PERCENTAGE', 10)`);
  const ctx: ServiceContext = { db, caller: { userId: adminId, role: 'ADMIN' }, clock: systemClock };

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const result = await generateCodes(ctx, bookId, { count });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const [{ n }] = await db.prisma.$queryRaw<Array<{ n: number }>>(
    Prisma.sql`SELECT count(*)::int AS n FROM coupon WHERE book_id = ${bookId}::uuid`,
  );
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  console.log(
    JSON.stringify(
      {
        count,
        fsync,
        status: result.status,
        inserted: n,
        wallSeconds: Number(seconds.toFixed(2)),
        codesPerSecond: Math.round(n / seconds),
        rssBefore: mb(rssBefore),
        peakRssSampled: mb(peakRss),
        maxRssProcess: mb(process.resourceUsage().maxRSS * 1024),
      },
      null,
      2,
    ),
  );
  await db.close();
} finally {
  await cluster.stop();
}
