import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';

/** The database handle every service receives: Prisma for ordinary queries, and the same
 *  `pg` pool underneath for what Prisma cannot do (COPY, LISTEN is separate: see events). */
export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
  /**
   * false: queries that name a prepared statement (`{ name, text }`) run unnamed instead, for a
   * transaction-mode PgBouncer before 1.21 (or without `max_prepared_statements`), where a
   * statement prepared on one server connection is missing on the next. Default true.
   */
  namedStatements?: boolean;
}

// Return bigint columns as JS strings are handled by Prisma; for raw `pg` use, keep int8 as string
// (ids can exceed 2^53 in theory) and numeric as string (money).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

/** Opens one pool shared by Prisma (through the driver adapter) and raw `pg` work. */
export function createDatabase(options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 20,
    application_name: options.applicationName ?? 'coupon-api',
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client that loses its server (restart, pg_terminate_backend) emits 'error' on the
  // pool; without a listener that would crash the process. The pool replaces the client.
  pool.on('error', () => {});
  // A client that is checked out but between queries (an interactive transaction) gets the same
  // asynchronous error with no pool listener attached: without its own listener the process
  // would crash on a PostgreSQL restart. Its next query fails instead, and the pool discards it
  // on release (it is no longer queryable).
  pool.on('connect', (client) => {
    client.on('error', () => {});
    if (options.namedStatements === false) unnameStatements(client);
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}

/**
 * Drops `name` from every query config this connection runs (pool queries and checked-out
 * clients alike), so each statement is parsed unnamed, as Prisma's adapter already sends them.
 */
function unnameStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (config: unknown, ...rest: unknown[]) => {
    if (config && typeof config === 'object' && 'name' in config) {
      const { name: _name, ...unnamed } = config as Record<string, unknown>;
      return query(unnamed, ...rest);
    }
    return query(config, ...rest);
  };
}
