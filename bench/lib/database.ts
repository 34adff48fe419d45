import { createDatabase, type Database, type EmbeddedPostgres } from '@coupons/db';
import { startMigratedDatabase } from '@coupons/db/testing';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const DATABASE_NAME = 'coupons_bench';

/** The run's throw-away PostgreSQL: one migrated database that every scenario uses in turn. */
export interface BenchDatabase {
  url: string;
  /** Prisma + pool for loading data, ceilings and the invariant checker (sized per scenario). */
  db: Database;
  cluster: EmbeddedPostgres;
  serverVersion: string;
  /** The postmaster's process id (CPU accounting of PostgreSQL). */
  postgresPid: number;
  /** Empties every table (ids keep counting), so each scenario starts from the same blank state. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Boots an embedded PostgreSQL in a temporary folder with the bench database created and migrated
 * (`startMigratedDatabase`, as the test run does), and opens it.
 */
export async function startBenchDatabase(): Promise<BenchDatabase> {
  const { url, cluster } = await startMigratedDatabase({ name: DATABASE_NAME, dataDirPrefix: 'coupons-bench-pg-' });
  try {
    const db = createDatabase({ url, poolSize: 8, applicationName: 'coupon-bench' });
    const version = await db.pool.query<{ server_version: string }>('SHOW server_version');
    return {
      url,
      db,
      cluster,
      serverVersion: version.rows[0].server_version,
      // postmaster.pid: the first line is the postmaster's pid.
      postgresPid: Number(fs.readFileSync(path.join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]),
      reset: () => resetTables(db.pool),
      async stop() {
        await db.close().catch(() => {});
        await cluster.stop();
      },
    };
  } catch (error) {
    await cluster.stop().catch(() => {});
    throw error;
  }
}

/** Every application table (not `_prisma_migrations`), read from the catalog so new ones are included. */
async function resetTables(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables
     WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
  );
  await pool.query(`TRUNCATE ${rows.map((r) => r.name).join(', ')} CASCADE`);
}
