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
