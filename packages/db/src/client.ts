import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';

/** Prisma and the `pg` pool under it, on one server. */
export interface DatabaseClients {
  prisma: PrismaClient;
  pool: pg.Pool;
}

/** The database handle every service receives: Prisma for ordinary queries, and the same
 *  `pg` pool underneath for what Prisma cannot do (COPY, LISTEN is separate: see events). */
export interface Database extends DatabaseClients {
  /**
   * A read replica (`DATABASE_READ_URL`), when one is configured: only the reads that tolerate
   * replica lag go there, through `readFromReplica` (@coupons/core), which falls back to the
   * primary when the replica cannot answer or lags by more than `maxLagMs`. Absent: every query
   * goes to `prisma`/`pool`.
   */
  replica?: ReplicaClients;
  close(): Promise<void>;
}

/** The read replica's clients, and how far behind the primary it may be and still serve reads. */
export interface ReplicaClients extends DatabaseClients {
  /** `DatabaseOptions.readMaxLagMs`: 0 means no bound. */
  maxLagMs: number;
}

/** The default of `DatabaseOptions.readMaxLagMs` (and of `DATABASE_READ_MAX_LAG_MS`). */
export const DEFAULT_READ_MAX_LAG_MS = 5_000;

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
  /**
   * A streaming replica (hot standby) of `url` for reads that tolerate lag: opens a second pool
   * and Prisma client on it (`Database.replica`), sized like the first. Unset: one client.
   */
  readUrl?: string;
  /** How long a replica connection attempt may take before the read falls back to the primary (ms, default 2,000). */
  readConnectTimeoutMs?: number;
  /**
   * How stale the replica may be and still serve reads (ms, default {@link DEFAULT_READ_MAX_LAG_MS}):
   * while it is not known to hold everything the primary had this long ago, `readFromReplica`
   * reads the primary. 0: no bound (a stalled standby keeps answering with old rows).
   */
  readMaxLagMs?: number;
}

// Return bigint columns as JS strings are handled by Prisma; for raw `pg` use, keep int8 as string
// (ids can exceed 2^53 in theory) and numeric as string (money).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

/**
 * Opens one pool shared by Prisma (through the driver adapter) and raw `pg` work; with `readUrl`,
 * a second one on the replica (`application_name` suffixed `-read`).
 */
export function createDatabase(options: DatabaseOptions): Database {
  const applicationName = options.applicationName ?? 'coupon-api';
  const primary = openClients(options, { url: options.url, applicationName, connectTimeoutMs: 10_000 });
  const replica: ReplicaClients | undefined = options.readUrl
    ? {
        ...openClients(options, {
          url: options.readUrl,
          applicationName: `${applicationName}-read`,
          connectTimeoutMs: options.readConnectTimeoutMs ?? 2_000,
        }),
        maxLagMs: options.readMaxLagMs ?? DEFAULT_READ_MAX_LAG_MS,
      }
    : undefined;
  return {
    ...primary,
    ...(replica ? { replica } : {}),
    async close() {
      await Promise.all([closeClients(primary), replica ? closeClients(replica) : undefined]);
    },
  };
}

function openClients(
  options: DatabaseOptions,
  server: { url: string; applicationName: string; connectTimeoutMs: number },
): DatabaseClients {
  const pool = new pg.Pool({
    connectionString: server.url,
    max: options.poolSize ?? 20,
    application_name: server.applicationName,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: server.connectTimeoutMs,
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
  return { prisma: new PrismaClient({ adapter: new PrismaPg(pool) }), pool };
}

async function closeClients({ prisma, pool }: DatabaseClients): Promise<void> {
  await prisma.$disconnect();
  await pool.end().catch(() => {});
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
