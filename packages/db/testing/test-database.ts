import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabaseIfMissing, databaseUrl, dropDatabaseIfExists } from '../src/admin/database.admin.ts';
import { type Database, createDatabase } from '../src/client.ts';
import { TEST_DATABASE_KEY, type TestDatabaseContext } from './test-database.context.ts';
import { useFixture } from './use-fixture.ts';

/** A database of its own for one test file. */
export interface TestDatabase {
  /** Its connection URL (for code under test that opens its own connections). */
  url: string;
  /** An open handle on it (Prisma and pg pool). */
  db: Database;
  /** Closes `db` and drops the database. Call it in `afterAll`. */
  drop(): Promise<void>;
}

/**
 * Creates a fresh, migrated, empty database for the calling test file: a copy of the template
 * that the global setup migrated (`CREATE DATABASE … TEMPLATE`, a few tens of milliseconds).
 * Test files never share data, so they can run in parallel.
 *
 * @example
 * let t: TestDatabase;
 * beforeAll(async () => { t = await createTestDatabase(); });
 * afterAll(() => t.drop());
 * // or, the same in one line: const t = useTestDatabase();
 */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const context = testContext();
  const name = `${context.prefix}_${randomBytes(5).toString('hex')}`;
  await createDatabaseIfMissing(context.adminUrl, name, { template: context.templateName });
  const url = databaseUrl(context.adminUrl, name);
  const db = createDatabase({ url, poolSize: options.poolSize ?? 10, applicationName: 'coupons-test' });
  let dropped = false;
  return {
    url,
    db,
    async drop() {
      if (dropped) return;
      dropped = true;
      await db.close();
      await dropDatabaseIfExists(context.adminUrl, name);
    },
  };
}

/**
 * What most database test files start with, in one line: a `beforeAll` that creates a test
 * database (`createTestDatabase(options)`) and an `afterAll` that drops it. Call it at the top of
 * a file (or of a `describe`); read `t.db` and `t.url` inside tests and hooks, not at load time.
 *
 * @example
 * const t = useTestDatabase(); // t.db, t.url
 */
export function useTestDatabase(options: { poolSize?: number } = {}): Readonly<Pick<TestDatabase, 'db' | 'url'>> {
  return useFixture('useTestDatabase', () => createTestDatabase(options), (database) => database.drop(), ['db', 'url']);
}

/**
 * An empty database (no tables, not migrated) on the test server, for tests of migrations
 * themselves. `drop()` removes it.
 */
export async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const context = testContext();
  const name = `${context.prefix}_${randomBytes(5).toString('hex')}`;
  await createDatabaseIfMissing(context.adminUrl, name);
  return { url: databaseUrl(context.adminUrl, name), drop: () => dropDatabaseIfExists(context.adminUrl, name) };
}

function testContext(): TestDatabaseContext {
  const context = inject(TEST_DATABASE_KEY);
  if (!context) {
    throw new Error('test databases need the global setup packages/db/testing/global-setup.ts (see the root vitest.config.ts)');
  }
  return context;
}
