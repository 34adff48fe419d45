import { createHash } from 'node:crypto';
import { Prisma } from '@coupons/db';
import type pg from 'pg';
import type { TxPool } from '../shared/pg-transaction.ts';

export type { TxPool };

/**
 * The one mechanism every single-coupon transition runs on: **lock, then act**, in one short
 * READ COMMITTED transaction on one connection.
 *
 * 1. The first statement only takes the row lock of the coupon the transition is about
 *    (`SELECT … FOR UPDATE` by code or id, or `FOR UPDATE SKIP LOCKED` for a random pick) and
 *    returns its id, also kept for step 2 in a transaction-local setting ({@link markLocked}), so
 *    that both can leave in one write ({@link Tx.steps}). Under READ COMMITTED a blocked
 *    `FOR UPDATE` waits for the holder to commit and then locks the row's latest committed version.
 * 2. The second statement starts with a new snapshot, taken after the lock is held: it sees the
 *    row's latest committed version, which nobody can change until we commit. It checks the
 *    guard (state, owner, lock, book window, per-user limits through guarded counter upserts),
 *    writes the row, the counters, the Redemption and the CouponEvent rows, and reports what it
 *    saw, so a refusal is named from the same version the decision was made on.
 *
 * Why not one statement: every part of one statement reads under the same snapshot. A CTE that
 * locks the row (`WITH t AS (SELECT … FOR UPDATE)`) does see the latest version, but the
 * `UPDATE coupon … FROM t` beside it scans the table under the old snapshot, and when another
 * transition committed in between, PostgreSQL builds the new row from that stale version (seen:
 * a claim racing a lock wrote `LOCKED` with no assigned user). So no write is ever computed from
 * a statement whose snapshot predates the row lock.
 *
 * Lock order everywhere: the user's `app_user` row (a claim's claimant, a redeem's redeemer:
 * `FOR KEY SHARE`, as an erase takes it `FOR UPDATE` before the user's coupons), the coupon row
 * (or the redemption row, then its coupon), the book row where the transition takes one (redeem
 * and reversal, redeem.sql.ts), then the user's counter row. A distribution takes the book, then
 * its members' counters, and coupons only with SKIP LOCKED, so it never waits on a coupon. A
 * statement that locks several coupons and waits for them (the lock sweeper, deleteBook, an
 * erase) takes them in id order. No cycle, so no deadlock: core/test/races/budget-lock-order,
 * shop-erase-lock-order and sweeper-lock-order force the interleavings of the orders that used to
 * form one (a redeem's counter before its book; its user, through the redemption's foreign key,
 * after its coupon; the sweeper's expiry order against deleteBook's and an erase's).
 */
export interface Tx {
  /** Runs one statement inside the open transaction and returns its rows. */
  rows<T>(statement: Prisma.Sql): Promise<T[]>;
  /**
   * Runs the transaction's last statement. Where this Tx owns the transaction ({@link inTransaction}),
   * COMMIT leaves in the same write (pipelined), so the row locks are let go one round trip sooner;
   * no statement may follow it. Elsewhere (a transaction that goes on after it, as an idempotency
   * key's record does) it is {@link Tx.rows}.
   *
   * Only for a statement that writes nothing unless the transition succeeds: its whole guard is
   * in SQL, so an answer that names a refusal comes from a statement that wrote nothing, and
   * committing it is rolling it back. A statement whose refused path may have written something
   * that the refusal must undo (an order's redeem, which counts the book's budget on a per-user
   * count read without its counter row locked) runs through {@link Tx.rows}, and so does one after
   * which a refusal may still read.
   */
  last<T>(statement: Prisma.Sql): Promise<T[]>;
  /**
   * Runs both steps of a transition whose step 2 needs nothing from step 1's answer: step 1 marks
   * the row it locked with {@link markLocked}, step 2 finds it through {@link lockedRowId}. Where
   * this Tx owns the transaction, BEGIN, both steps (and COMMIT with `{ last: true }`, under the
   * rules of {@link Tx.last}) leave in one write: PostgreSQL runs them in order, so step 2 still
   * starts, with its own snapshot, only once step 1 holds the lock. Elsewhere, one after the other.
   */
  steps<L, A>(lock: Prisma.Sql, act: Prisma.Sql, options?: { last?: boolean }): Promise<[L[], A[]]>;
}

/**
 * Step 1's mark on the row it locked (a select-list item): the row's id, or '' when it locked
 * none, in the transaction-local setting `cbs.locked` (gone at COMMIT or ROLLBACK, so nothing
 * leaks to the connection's next transaction, nor through a transaction-pooling PgBouncer).
 */
export const markLocked = (id: Prisma.Sql): Prisma.Sql =>
  Prisma.sql`set_config('cbs.locked', coalesce((${id})::text, ''), true)`;

/**
 * In step 2: the id of the row step 1 locked, NULL when it locked none. A row that step 1 did not
 * lock (one inserted or changed meanwhile) is never acted on: step 2 targets this id only.
 */
export const lockedRowId = Prisma.sql`nullif(current_setting('cbs.locked', true), '')::bigint`;

/**
 * Runs `work` in one transaction on one pooled connection: COMMIT when it returns, ROLLBACK when
 * it throws (a DomainError refusal included: a refused transition writes nothing). A connection
 * whose ROLLBACK fails is discarded rather than returned to the pool. When COMMIT itself fails
 * (the connection dropped), the outcome is unknown to us: retrying with an idempotency key is
 * what makes that safe for a client.
 *
 * Round trips: BEGIN goes out in the same write as the first statement, and COMMIT in the same
 * write as a statement run through {@link Tx.last} (node-postgres' pipeline mode, see
 * {@link pipelined}). A transition of two statements (lock, then act) thus costs two round trips
 * instead of four, and one when step 2 needs nothing from step 1's answer ({@link Tx.steps}: step
 * 2 finds the locked row through a transaction-local setting). The first statement only takes
 * locks (see above), and PostgreSQL runs the pipelined statements in order on the connection, each
 * inside the transaction BEGIN opened; when a statement fails, PostgreSQL has aborted the
 * transaction, fails the statements behind it and answers the COMMIT with ROLLBACK. A transaction
 * with no statement sends nothing.
 */
export async function inTransaction<T>(pool: TxPool, work: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let begun = false;
  /** Set once COMMIT has been sent with the last statement: the transaction is over, whatever `work` does next. */
  let ended = false;
  let broken: Error | undefined;
  const statementAfterEnd = () => new Error('inTransaction: a statement after the transaction\'s last one (Tx.last)');
  const tx: Tx = {
    async rows<R>(statement: Prisma.Sql): Promise<R[]> {
      if (ended) throw statementAfterEnd();
      const query = queryConfig(statement);
      if (begun) return (await client.query(query)).rows as R[];
      begun = true;
      const [, result] = await pipelined(client, ['BEGIN', query]);
      return result.rows as R[];
    },
    async last<R>(statement: Prisma.Sql): Promise<R[]> {
      if (ended) throw statementAfterEnd();
      const queries: (string | pg.QueryConfig)[] = [queryConfig(statement), 'COMMIT'];
      if (!begun) queries.unshift('BEGIN');
      begun = true;
      ended = true;
      const results = await pipelined(client, queries).catch((error: Error) => {
        // Whatever failed, nothing is open any more: a failed statement made PostgreSQL answer the
        // COMMIT with ROLLBACK, and a failed COMMIT ends the transaction too. A connection that
        // failed mid-way is broken for the pool.
        if ((error as { code?: string }).code === undefined) broken = error;
        throw error;
      });
      return results[results.length - 2].rows as R[];
    },
    async steps<L, A>(lock: Prisma.Sql, act: Prisma.Sql, options?: { last?: boolean }): Promise<[L[], A[]]> {
      if (ended) throw statementAfterEnd();
      const queries: (string | pg.QueryConfig)[] = [queryConfig(lock), queryConfig(act)];
      if (!begun) queries.unshift('BEGIN');
      if (options?.last) queries.push('COMMIT');
      begun = true;
      ended = options?.last === true;
      const results = await pipelined(client, queries).catch((error: Error) => {
        // As in `last`: a failed step aborts the transaction (the steps behind it fail too, and a
        // COMMIT sent with them answers ROLLBACK); a connection that failed mid-way is broken.
        if ((error as { code?: string }).code === undefined) broken = error;
        throw error;
      });
      const at = results.length - (options?.last ? 3 : 2);
      return [results[at].rows as L[], results[at + 1].rows as A[]];
    },
  };
  try {
    const result = await work(tx);
    if (begun && !ended) await client.query('COMMIT');
    return result;
  } catch (error) {
    if (begun && !ended) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/** The parts of a pooled `pg` client {@link pipelined} switches: node-postgres' pipeline mode and its socket. */
interface PipelinableClient {
  pipeline?: boolean;
  connection?: { stream?: { cork?(): void; uncork?(): void } };
}

/**
 * Sends `queries` together and returns their results in order. node-postgres' pipeline mode
 * (8.23: queries are written without waiting for the previous answer, answers matched in order,
 * each query followed by its own Sync) is switched on for just these, with the socket corked so
 * they leave in one write, and off again once all have answered, so the connection is back to one
 * query at a time for the rest. PostgreSQL runs them in order; one that fails does not stop those
 * behind it (each has its Sync), which is why only BEGIN, locking reads, a step 2 behind its step 1
 * ({@link Tx.steps}), a {@link Tx.last} statement and COMMIT are ever sent this way. The first
 * error, in query order, is thrown once all have answered: if BEGIN failed, each statement behind
 * it ran on its own (step 1 only locked, released at once, and its transaction-local mark went
 * with it, so a step 2 behind it found no row to act on).
 */
async function pipelined(client: pg.PoolClient, queries: (string | pg.QueryConfig)[]): Promise<pg.QueryResult[]> {
  const pipelinable = client as unknown as PipelinableClient;
  const stream = pipelinable.connection?.stream;
  pipelinable.pipeline = true;
  stream?.cork?.();
  let sent: Promise<pg.QueryResult>[];
  try {
    sent = queries.map((query) => client.query(query as pg.QueryConfig));
  } catch (error) {
    pipelinable.pipeline = false;
    throw error;
  } finally {
    stream?.uncork?.();
  }
  const answers = await Promise.allSettled(sent);
  pipelinable.pipeline = false;
  const results: pg.QueryResult[] = [];
  for (const answer of answers) {
    if (answer.status === 'rejected') throw answer.reason;
    results.push(answer.value);
  }
  return results;
}

/** A {@link Tx} over a connection whose transaction the caller has opened. */
export function txOn(client: Pick<pg.ClientBase, 'query'>): Tx {
  const rows = async <T>(statement: Prisma.Sql): Promise<T[]> => {
    const result = await client.query(queryConfig(statement));
    return result.rows as T[];
  };
  return { rows, last: rows, steps: (lock, act) => stepByStep(rows, lock, act) };
}

/** {@link Tx.steps} one statement after the other, on a transaction someone else ends. */
async function stepByStep<L, A>(rows: Tx['rows'], lock: Prisma.Sql, act: Prisma.Sql): Promise<[L[], A[]]> {
  const locked = await rows<L>(lock);
  return [locked, await rows<A>(act)];
}

/**
 * `tx` for work that does not end the transaction: its {@link Tx.last} is {@link Tx.rows}, as
 * when a transition runs inside a transaction that records an idempotency key after it.
 */
export function continuing(tx: Tx): Tx {
  return {
    rows: (statement) => tx.rows(statement),
    last: (statement) => tx.rows(statement),
    steps: (lock, act) => tx.steps(lock, act),
  };
}

/** The `pg` query of a statement, under its prepared-statement name. */
function queryConfig(statement: Prisma.Sql): pg.QueryConfig {
  // `text` is a getter that joins the statement's parts anew on every read: read it once.
  const text = statement.text;
  return { name: statementName(text), text, values: statement.values };
}

/**
 * Transition statements are few and their text is fixed (only values vary), so each is prepared
 * once per connection under a name derived from its text: PostgreSQL parses and plans the large
 * CTE statements once instead of on every call.
 */
// Looked up by the text's length, then compared: a Map keyed by the text itself hashed every
// character of a freshly joined statement (several KB) on each call, ~4 us a statement; comparing
// equal strings is a memory compare.
const namesByLength = new Map<number, { text: string; name: string }[]>();
let namedCount = 0;
const MAX_PREPARED = 200; // a bound on what each connection keeps prepared, should a text ever vary
function statementName(text: string): string | undefined {
  let sameLength = namesByLength.get(text.length);
  if (sameLength) {
    for (const entry of sameLength) if (entry.text === text) return entry.name;
  }
  if (namedCount >= MAX_PREPARED) return undefined;
  const name = `cbs_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
  if (!sameLength) {
    sameLength = [];
    namesByLength.set(text.length, sameLength);
  }
  sameLength.push({ text, name });
  namedCount += 1;
  return name;
}
