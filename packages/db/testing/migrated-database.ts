import { createDatabaseIfMissing, databaseUrl } from '../src/admin/database.admin.ts';
import { type EmbeddedPostgres, startEmbeddedPostgres, temporaryDataDir } from '../src/embedded/embedded-postgres.ts';
import { applyMigrations } from '../src/migrations/migrations.runner.ts';

/** A database created and migrated with the project's migrations, on its own server or a given one. */
export interface MigratedDatabase {
  /** Its connection URL. */
  url: string;
  /** A URL on the same server from which databases can be created and dropped. */
  adminUrl: string;
  /** The throw-away embedded cluster it lives on; `undefined` on a `serverUrl` given by the caller. */
  cluster: EmbeddedPostgres | undefined;
}

export interface MigratedDatabaseOptions {
  /** The database to create (it may exist already) and migrate. */
  name: string;
  /** Prefix of the embedded cluster's temporary data folder, e.g. `coupons-bench-pg-`. */
  dataDirPrefix: string;
  /** An existing server to use instead of an embedded cluster (any database on it that allows CREATE DATABASE). */
  serverUrl?: string;
}

/**
 * Starts a throw-away embedded PostgreSQL (a temporary folder, no fsync: nothing must survive) —
 * or uses `serverUrl` — then creates `name` and applies the migrations. The one way the test run
 * (vitest's global setup) and the benchmark get a database; a failure stops the cluster again.
 */
export async function startMigratedDatabase(options: MigratedDatabaseOptions & { serverUrl?: undefined }): Promise<MigratedDatabase & { cluster: EmbeddedPostgres }>;
export async function startMigratedDatabase(options: MigratedDatabaseOptions): Promise<MigratedDatabase>;
export async function startMigratedDatabase(options: MigratedDatabaseOptions): Promise<MigratedDatabase> {
  const cluster = options.serverUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: temporaryDataDir(options.dataDirPrefix), persistent: false });
  const adminUrl = cluster ? cluster.adminUrl : (options.serverUrl as string);
  try {
    await createDatabaseIfMissing(adminUrl, options.name);
    const url = databaseUrl(adminUrl, options.name);
    await applyMigrations(url);
    return { url, adminUrl, cluster };
  } catch (error) {
    await cluster?.stop().catch(() => {});
    throw error;
  }
}
