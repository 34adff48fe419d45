import { createHash } from 'node:crypto';
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
   * statement prepared on one server connection is missing on the next. Default true: named,
   * until the server first answers that a named statement is missing (26000) or already exists
   * (42P05), the sign of such a PgBouncer; from then on every connection of this database runs
   * them unnamed, and `onNamedStatementsLost` is called once.
   */
  namedStatements?: boolean;
  /** Called once when named statements are found lost and turned off (see `namedStatements`), e.g. to log it. */
  onNamedStatementsLost?: (error: Error) => void;
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
  const statements: StatementNames = { named: options.namedStatements !== false, onLost: options.onNamedStatementsLost };
  const primary = openClients(options, statements, { url: options.url, applicationName, connectTimeoutMs: 10_000 });
  const replica: ReplicaClients | undefined = options.readUrl
    ? {
        ...openClients(options, statements, {
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
  statements: StatementNames,
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
    nameStatementsWhileTheyLast(client, statements);
  });
  retryLostStatements(pool, statements);
  return { prisma: new PrismaClient({ adapter: new PrismaPg(pool) }), pool };
}

async function closeClients({ prisma, pool }: DatabaseClients): Promise<void> {
  await prisma.$disconnect();
  await pool.end().catch(() => {});
}

/** Whether this database's connections still send named statements (shared by its pools). */
interface StatementNames {
  named: boolean;
  onLost?: (error: Error) => void;
}

// 26000 invalid_sql_statement_name: a statement this connection prepared is not on the server
// session it reached; 42P05 duplicate_prepared_statement: one it has not prepared already is.
// Both mean the server session changes under the connection between transactions.
const LOST_STATEMENT_SQLSTATES: ReadonlySet<string> = new Set(['26000', '42P05']);

/** True when `error` is the server saying a named statement is missing or already there (see above). */
export function isLostStatementError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && LOST_STATEMENT_SQLSTATES.has(code);
}

const preparedNames = new Map<string, string>();

/**
 * The name to prepare `text` under: `label` and a hash of the text, so one name always means one
 * text. Two versions of the service on one server session (a rolling deploy behind PgBouncer)
 * then never run each other's statement under a shared name. Memoised per text (a few fixed texts).
 */
export function preparedName(label: string, text: string): string {
  let name = preparedNames.get(text);
  if (name === undefined) {
    name = `${label}_${createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
    if (preparedNames.size < 100) preparedNames.set(text, name);
  }
  return name;
}

const isNamed = (config: unknown): config is pg.QueryConfig & { name: string } =>
  !!config && typeof config === 'object' && typeof (config as { name?: unknown }).name === 'string';

/**
 * Every query config this connection runs (pool queries and checked-out clients alike) keeps its
 * `name` while `statements.named` holds, and is sent unnamed (parsed each time, as Prisma's
 * adapter sends its own) once it does not. The first lost-statement answer to a named query
 * turns names off for every connection of the database: the query that met it still fails (its
 * transaction is aborted), and what runs it may run it again, now unnamed.
 */
function nameStatementsWhileTheyLast(client: pg.PoolClient, statements: StatementNames): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const noteLost = (error: unknown) => {
    if (statements.named && isLostStatementError(error)) {
      statements.named = false;
      statements.onLost?.(error as Error);
    }
  };
  const rethrowLost = (error: unknown) => {
    noteLost(error);
    throw error;
  };
  (client as { query: unknown }).query = (config: unknown, ...rest: unknown[]) => {
    if (!isNamed(config)) return query(config, ...rest);
    if (!statements.named) {
      const { name: _name, ...unnamed } = config;
      return query(unnamed, ...rest);
    }
    // pg-pool's own `pool.query` passes a callback (values, callback); everything else awaits.
    const callback = rest.at(-1);
    if (typeof callback === 'function') {
      return query(config, ...rest.slice(0, -1), (error: unknown, result: unknown) => {
        if (error) noteLost(error);
        callback(error, result);
      });
    }
    const sent = query(config, ...rest);
    return sent instanceof Promise ? sent.catch(rethrowLost) : sent;
  };
}

/**
 * `pool.query` runs one statement on its own (no transaction around it), so a named one that met
 * a lost-statement answer did nothing, and is run once more, unnamed by then.
 */
function retryLostStatements(pool: pg.Pool, statements: StatementNames): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  (pool as { query: unknown }).query = (config: unknown, ...rest: unknown[]) => {
    const sent = query(config, ...rest);
    if (!isNamed(config) || !(sent instanceof Promise)) return sent;
    return sent.catch((error: Error) => {
      if (isLostStatementError(error) && !statements.named) return query(config, ...rest);
      throw error;
    });
  };
}
