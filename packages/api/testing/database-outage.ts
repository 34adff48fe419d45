import { createDatabase, type Database, databaseNameOf } from '@coupons/db';
import { afterAll, beforeAll, inject } from 'vitest';

/** A test server's database taken away and given back (see `useDatabaseOutage`). */
export interface DatabaseOutage {
  /** Refuses new sessions to the database and ends the open ones (the server's pool and its LISTEN connection). */
  cut(): Promise<void>;
  /** Lets sessions in again. */
  restore(): Promise<void>;
}

/**
 * Cuts the database of `server()` off and brings it back, from a session on another database of
 * the same cluster (it survives the cut). Registers the `beforeAll` that opens that session and
 * the `afterAll` that restores the database (should a test have stopped mid-outage) and closes
 * it; call it after `useApiTest`, so that it ends before the server does.
 *
 * @example
 * const t = useApiTest();
 * const outage = useDatabaseOutage(() => t.server);
 * await outage.cut(); try { ... } finally { await outage.restore(); }
 */
export function useDatabaseOutage(server: () => { config: { DATABASE_URL?: string } }): DatabaseOutage {
  let cluster: Database | undefined;
  const databaseName = () => databaseNameOf(server().config.DATABASE_URL as string);
  const session = () => {
    if (!cluster) throw new Error('useDatabaseOutage: used before its beforeAll ran');
    return cluster;
  };
  beforeAll(() => {
    cluster = createDatabase({ url: inject('couponsTestDatabase').adminUrl, poolSize: 1, applicationName: 'coupons-test-admin' });
  });
  afterAll(async () => {
    if (!cluster) return;
    await cluster.pool.query(`ALTER DATABASE "${databaseName()}" ALLOW_CONNECTIONS true`).catch(() => {});
    await cluster.close();
  });
  return {
    async cut() {
      const name = databaseName();
      await session().pool.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await session().pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
        name,
      ]);
    },
    async restore() {
      await session().pool.query(`ALTER DATABASE "${databaseName()}" ALLOW_CONNECTIONS true`);
    },
  };
}
