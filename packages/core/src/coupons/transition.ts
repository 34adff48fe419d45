import { createHash } from 'node:crypto';
import type { Prisma } from '@coupons/db';
import type pg from 'pg';
import { type TxPool, withPgTransaction } from '../shared/pg-transaction.ts';

export type { TxPool };

/**
 * The one mechanism every single-coupon transition runs on: **lock, then act**, in one short
 * READ COMMITTED transaction on one connection.
 *
 * 1. The first statement only takes the row lock of the coupon the transition is about
 *    (`SELECT … FOR UPDATE` by code or id, or `FOR UPDATE SKIP LOCKED` for a random pick) and
 *    returns its id. Under READ COMMITTED a blocked `FOR UPDATE` waits for the holder to commit
 *    and then locks the row's latest committed version.
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
 * Lock order everywhere: the coupon row (or the redemption row, then its coupon) before the
 * user's counter row; a distribution locks counters first but takes coupons only with
 * SKIP LOCKED, so it never waits on a coupon. A claim first takes its claimant's `app_user` row
 * `FOR KEY SHARE` (assign.sql.ts), as an erase takes it `FOR UPDATE` before the user's coupons.
 * No cycle, so no deadlock.
 */
export interface Tx {
  /** Runs one statement inside the open transaction and returns its rows. */
  rows<T>(statement: Prisma.Sql): Promise<T[]>;
}

/**
 * Runs `work` in one transaction on one pooled connection: COMMIT when it returns, ROLLBACK when
 * it throws (a DomainError refusal included: a refused transition writes nothing). A connection
 * whose ROLLBACK fails is discarded rather than returned to the pool. When COMMIT itself fails
 * (the connection dropped), the outcome is unknown to us: retrying with an idempotency key is
 * what makes that safe for a client.
 */
export function inTransaction<T>(pool: TxPool, work: (tx: Tx) => Promise<T>): Promise<T> {
  return withPgTransaction(pool, (client) => work(txOn(client)));
}

/** A {@link Tx} over a connection whose transaction the caller has opened. */
export function txOn(client: Pick<pg.ClientBase, 'query'>): Tx {
  return {
    async rows<T>(statement: Prisma.Sql): Promise<T[]> {
      // `text` is a getter that joins the statement's parts anew on every read: read it once.
      const text = statement.text;
      const result = await client.query({ name: statementName(text), text, values: statement.values });
      return result.rows as T[];
    },
  };
}

/**
 * Transition statements are few and their text is fixed (only values vary), so each is prepared
 * once per connection under a name derived from its text: PostgreSQL parses and plans the large
 * CTE statements once instead of on every call.
 */
const names = new Map<string, string>();
const MAX_PREPARED = 200; // a bound on what each connection keeps prepared, should a text ever vary
function statementName(text: string): string | undefined {
  let name = names.get(text);
  if (!name && names.size < MAX_PREPARED) {
    name = `cbs_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}
