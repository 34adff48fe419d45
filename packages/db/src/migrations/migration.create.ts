import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createDatabaseIfMissing, databaseUrl, dropDatabaseIfExists } from '../admin/database.admin.ts';
import { startEmbeddedPostgres, temporaryDataDir } from '../embedded/embedded-postgres.ts';
import { type MigrationPaths, defaultMigrationPaths, writeLockfile } from './migrations.folder.ts';
import { diffMigrations } from './migrations.runner.ts';

/** Runs `work` with the URL of an empty database nobody else uses, then removes it. With
 *  `serverUrl` it is a new database on that server; otherwise a throw-away embedded cluster. */
export async function withScratchDatabase<T>(serverUrl: string | undefined, work: (url: string) => Promise<T>): Promise<T> {
  if (serverUrl) {
    const adminUrl = databaseUrl(serverUrl, 'postgres');
    const name = `coupons_scratch_${randomBytes(6).toString('hex')}`;
    await createDatabaseIfMissing(adminUrl, name);
    try {
      return await work(databaseUrl(serverUrl, name));
    } finally {
      await dropDatabaseIfExists(adminUrl, name);
    }
  }
  const cluster = await startEmbeddedPostgres({ dataDir: temporaryDataDir('coupons-scratch-'), persistent: false });
  try {
    await createDatabaseIfMissing(cluster.adminUrl, 'scratch');
    return await work(cluster.url('scratch'));
  } finally {
    await cluster.stop();
  }
}

/** `20261121093005`: the UTC timestamp prefix Prisma gives migration folders. */
export function migrationTimestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The result of {@link createMigration}. */
export type CreateMigrationResult = { created: false } | { created: true; directory: string; sql: string };

/**
 * Writes `<timestamp>_<name>/migration.sql` with the SQL that brings the migrations folder up
 * to `schema.prisma` (`prisma migrate dev --create-only`). Writes nothing when they are in sync.
 */
export async function createMigration(
  name: string,
  options: { serverUrl?: string; paths?: MigrationPaths; now?: Date } = {},
): Promise<CreateMigrationResult> {
  if (!/^[a-z0-9][a-z0-9_]*$/.test(name)) {
    throw new Error(`migration name "${name}": use lower-case letters, digits and underscores`);
  }
  const paths = options.paths ?? defaultMigrationPaths;
  const sql = await withScratchDatabase(options.serverUrl, (url) => diffMigrations(url, paths));
  if (!sql) return { created: false };
  const directory = path.join(paths.migrationsDir, `${migrationTimestamp(options.now)}_${name}`);
  await writeLockfile(paths.migrationsDir);
  await fs.mkdir(directory, { recursive: true });
  await fs.writeFile(path.join(directory, 'migration.sql'), `${sql}\n`);
  return { created: true, directory, sql };
}
