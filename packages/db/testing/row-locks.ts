import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

// Forcing an interleaving in a race test: a connection of the test holds a lock in a transaction
// of its own, the calls under test are started and seen waiting for it (pg_stat_activity), then
// the holder changes something or not, and lets go. What each call then answers must be what
// some serial order gives. No sleep decides an order: every step waits for a state PostgreSQL reports.

/** A statement as node-postgres takes it, or as Prisma.sql builds it. */
export type HeldStatement = string | { text: string; values?: readonly unknown[] };

/** A transaction of the test's own, open, with what its statement locked. */
export interface HeldLock {
  /** The connection: run more statements in the holder's transaction (a change it then commits). */
  client: pg.PoolClient;
  /** Its backend's process id (for {@link LockWaitersOptions.blockedBy}). */
  pid: number;
  /** What the holding statement returned (`rowCount`: how many rows it locked). */
  result: pg.QueryResult;
  /** Ends the transaction (ROLLBACK unless told) and releases the connection; again: nothing. */
  end(how?: 'COMMIT' | 'ROLLBACK'): Promise<void>;
}

/** Opens a transaction on a connection of `pool` and runs `statement` in it: its locks stay until `end`. */
export async function holdLock(pool: pg.Pool, statement: HeldStatement, params: readonly unknown[] = []): Promise<HeldLock> {
  const [text, values] = typeof statement === 'string' ? [statement, params] : [statement.text, statement.values ?? []];
  const client = await pool.connect();
  let result: pg.QueryResult;
  let pid: number;
  try {
    await client.query('BEGIN');
    result = await client.query(text, values as unknown[]);
    pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    throw error;
  }
  let ended = false;
  return {
    client,
    pid,
    result,
    end: async (how = 'ROLLBACK') => {
      if (ended) return;
      ended = true;
      try {
        await client.query(how);
      } finally {
        client.release();
      }
    },
  };
}

export interface LockWaitersOptions {
  /** Only statements like this, or like one of these (SQL `ILIKE`, e.g. '%revoked_at%'). */
  like?: string | readonly string[];
  /** Only backends that this one (a {@link HeldLock}'s `pid`) blocks. */
  blockedBy?: number;
  /** Stop looking once this says the awaited calls have answered (a call that did not have to wait). */
  settled?: () => boolean;
  /** Give up after this long (default 10 s): the interleaving the test wants never came. */
  timeoutMs?: number;
}

/**
 * Waits until at least `n` backends of `pool`'s database wait for a lock (`wait_event_type =
 * 'Lock'`: a row, tuple, transaction or table lock), or `settled()` is true. Throws when neither
 * happens in time.
 */
export async function lockWaiters(pool: pg.Pool, n: number, options: LockWaitersOptions = {}): Promise<void> {
  const { like = '%', blockedBy = null, settled = () => false, timeoutMs = 10_000 } = options;
  const likes = typeof like === 'string' ? [like] : [...like];
  const deadline = Date.now() + timeoutMs;
  while (!settled()) {
    const { rows } = await pool.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE ANY($1::text[])
          AND ($2::int IS NULL OR $2::int = ANY(pg_blocking_pids(pid)))`,
      [likes, blockedBy],
    );
    if (rows[0].waiting >= n) return;
    if (Date.now() > deadline) {
      throw new Error(`fewer than ${n} statements like ${likes.join(' or ')} ever waited for a lock${blockedBy === null ? '' : ` held by ${blockedBy}`}`);
    }
    await sleep(10);
  }
}
