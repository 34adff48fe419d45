import { randomBytes } from 'node:crypto';
import { loadConfig } from '@coupons/config';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { dropDatabaseIfExists } from '../src/admin/database.admin.ts';
import { startMigratedDatabase } from './migrated-database.ts';
import { TEST_DATABASE_KEY, type TestDatabaseContext } from './test-database.context.ts';

/**
 * vitest `globalSetup`: one PostgreSQL server per `vitest run` — a throw-away embedded cluster,
 * or the server of `DATABASE_URL` when set — and one migrated template database on it, which
 * `createTestDatabase()` copies for each test file. Migrating once and copying is much faster
 * than migrating per file. The returned teardown runs when the run ends, passed or failed;
 * Ctrl-C and crashes are covered by the embedded cluster's own exit handlers.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const prefix = `coupons_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const templateName = `${prefix}_template`;
  // On DATABASE_URL's server, its own database serves for CREATE/DROP DATABASE (it may be all the
  // configured role can connect to).
  const { adminUrl, cluster } = await startMigratedDatabase({
    name: templateName,
    dataDirPrefix: 'coupons-test-pg-',
    serverUrl: loadConfig().DATABASE_URL,
  });
  const context: TestDatabaseContext = { adminUrl, templateName, prefix };
  project.provide(TEST_DATABASE_KEY, context);

  return async () => {
    if (cluster) {
      await cluster.stop(); // deletes the whole cluster
      return;
    }
    await dropRunDatabases(adminUrl, prefix);
  };
}

// On a shared server, remove what this run created, including databases of test files that
// failed before calling drop().
async function dropRunDatabases(adminUrl: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE starts_with(datname, $1 || '_')",
      [prefix],
    );
    for (const { datname } of rows) await dropDatabaseIfExists(adminUrl, datname);
  } finally {
    await client.end();
  }
}
