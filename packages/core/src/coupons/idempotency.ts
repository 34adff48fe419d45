import { createHash } from 'node:crypto';
import { Prisma } from '@coupons/db';
import type { ServiceContext } from '../shared/context.ts';
import { badInput, type DomainError, unauthenticated } from '../shared/errors.ts';
import { liveUserRow, type SqlClient } from '../shared/sql.ts';
import { customerRefusal } from '../users/customer.service.ts';
import { continuing, inTransaction, type Tx } from './transition.ts';

export interface IdempotentCall<T> {
  userId: string;
  key: string;
  /** The operation name: a key used for one operation cannot be replayed on another. */
  operation: string;
  /** The arguments that define "the same request". */
  args: unknown;
  run: (tx: Tx) => Promise<T>;
  serialize: (result: T) => unknown;
  deserialize: (stored: unknown) => T;
}

export interface IdempotentResult<T> {
  result: T;
  /** False when the stored first result was returned instead of running again. */
  executed: boolean;
}

/** How long a key is remembered unless the service is configured otherwise (`IDEMPOTENCY_TTL_HOURS`). */
export const DEFAULT_IDEMPOTENCY_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * Runs `run` at most once per (user, key) within the key's lifetime. The record is inserted first,
 * in the same transaction as the effect: a concurrent retry's INSERT waits on the unique key until
 * the first commits, then finds the stored response. If the first attempt fails, its transaction
 * (and record) rolls back and the retry runs afresh, so only successes are remembered. A record
 * past its lifetime counts as absent: the upsert takes it over (under the same row lock), so an
 * expired key starts a new request even before the sweep has deleted it.
 *
 * The insert reads the user's row first ({@link liveUserRow}): an erase in flight makes it wait
 * and then refuse (as if the erase came first); a later erase waits for this request and then
 * deletes its record. No stored answer outlives the erase of its user.
 */
export async function runIdempotent<T>(ctx: ServiceContext, call: IdempotentCall<T>): Promise<IdempotentResult<T>> {
  return inTransaction(ctx.db.pool, (tx) => runIdempotentIn(ctx, tx, call));
}

/**
 * {@link runIdempotent}'s body, inside a transaction the caller has open (and commits): the record
 * is inserted by the transaction's first statement, `call.run` goes on in it, and the answer is
 * stored by its last (through `tx.last`, which where the caller owns the transaction is an
 * ordinary statement). For a service whose transaction is not a {@link Tx} of its own (a
 * distribution's Prisma transaction, through {@link sqlClientTx}); the same semantics, as the
 * record and the effect commit or roll back together.
 */
export async function runIdempotentIn<T>(ctx: ServiceContext, tx: Tx, call: IdempotentCall<T>): Promise<IdempotentResult<T>> {
  const hash = requestHash(call.operation, call.args);
  const now = ctx.clock.now();
  const expiredBefore = new Date(now.getTime() - (ctx.idempotencyLifetimeMs ?? DEFAULT_IDEMPOTENCY_LIFETIME_MS));
  const [{ present, inserted }] = await tx.rows<{ present: number; inserted: number }>(Prisma.sql`
    WITH usr AS ${liveUserRow(call.userId)},
    ins AS (
      INSERT INTO idempotency_record AS r (user_id, key, operation, request_hash, created_at)
      SELECT id, ${call.key}, ${call.operation}, ${hash}, ${now} FROM usr
      ON CONFLICT (user_id, key) DO UPDATE
        SET operation = EXCLUDED.operation, request_hash = EXCLUDED.request_hash, created_at = EXCLUDED.created_at, response = NULL
        WHERE r.created_at <= ${expiredBefore}
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM usr)::int AS present, (SELECT count(*) FROM ins)::int AS inserted`);
  if (present === 0) throw erasedRefusal(ctx);
  if (inserted === 0) {
    const [stored] = await tx.rows<{ operation: string; request_hash: string; response: unknown }>(
      Prisma.sql`SELECT operation, request_hash, response FROM idempotency_record
                 WHERE user_id = ${call.userId}::uuid AND key = ${call.key}`,
    );
    const sameRequest = stored?.request_hash === hash || stored?.request_hash === unsortedRequestHash(call.operation, call.args);
    if (!stored || stored.operation !== call.operation || !sameRequest) {
      throw badInput('idempotencyKey', 'was already used with different arguments');
    }
    return { result: call.deserialize(stored.response), executed: false };
  }
  // The transition is not the last step here: its Tx.last runs as an ordinary statement, and the
  // record's answer is the statement COMMIT goes with.
  const result = await call.run(continuing(tx));
  await tx.last(Prisma.sql`
    UPDATE idempotency_record SET response = ${JSON.stringify(call.serialize(result))}::jsonb
    WHERE user_id = ${call.userId}::uuid AND key = ${call.key}`);
  return { result, executed: true };
}

/**
 * A {@link Tx} over an open Prisma interactive transaction (or any {@link SqlClient}): every
 * statement, `last` included, is an ordinary one (Prisma commits when its callback returns).
 */
export function sqlClientTx(sql: SqlClient): Tx {
  const rows = <R>(statement: Prisma.Sql): Promise<R[]> => sql.$queryRaw<R[]>(statement);
  return {
    rows,
    last: rows,
    steps: async <L, A>(lock: Prisma.Sql, act: Prisma.Sql): Promise<[L[], A[]]> => [await rows<L>(lock), await rows<A>(act)],
  };
}

/**
 * Deletes idempotency records older than their lifetime, in batches (the `created_at` index makes
 * each one cheap; the age is re-checked on the row itself, so a key a retry has just taken over
 * is kept), so the table holds about one lifetime of keys instead of growing for ever.
 * @returns how many records it deleted.
 */
export async function sweepIdempotencyRecords(ctx: ServiceContext): Promise<number> {
  const expiredBefore = new Date(ctx.clock.now().getTime() - (ctx.idempotencyLifetimeMs ?? DEFAULT_IDEMPOTENCY_LIFETIME_MS));
  let total = 0;
  for (;;) {
    const deleted = await ctx.db.prisma.$executeRaw(Prisma.sql`
      DELETE FROM idempotency_record
      WHERE (user_id, key) IN (SELECT user_id, key FROM idempotency_record WHERE created_at <= ${expiredBefore} LIMIT ${SWEEP_BATCH})
        AND created_at <= ${expiredBefore}`);
    total += deleted;
    if (deleted < SWEEP_BATCH) return total;
  }
}

const SWEEP_BATCH = 5_000;

/**
 * An idempotent request for a user erased meanwhile (the record's user is always the caller): a
 * shop (a key, or an admin with `customerId`) acting for a customer meets an erased customer,
 * FORBIDDEN as a claim without a key answers (its credentials are fine); a person's own session
 * has ended.
 */
function erasedRefusal(ctx: ServiceContext): DomainError {
  return ctx.caller?.customer ? customerRefusal('ERASED') : unauthenticated('Your session has ended; sign in again');
}

/**
 * The hash that says two requests are "the same": of the operation and its arguments as JSON with
 * every object's members in sorted order. JSON objects are unordered (metadata is stored as jsonb,
 * which keeps no order either), so a retry whose client serialises `{ a, b }` as `{ b, a }` — another
 * process, a queue, another JSON library — is the same request.
 */
function requestHash(operation: string, args: unknown): string {
  const json: unknown = JSON.parse(JSON.stringify(args ?? null)); // as JSON sees it: toJSON applied, undefined members gone
  return hashOf(operation, JSON.stringify(sortedMembers(json)));
}

/**
 * The hash records stored before members were sorted carry (the arguments in the caller's order):
 * a retry of such a request, within its key's lifetime after an upgrade, still matches it.
 */
function unsortedRequestHash(operation: string, args: unknown): string {
  return hashOf(operation, JSON.stringify(args ?? null));
}

function hashOf(operation: string, json: string): string {
  return createHash('sha256').update(operation).update('\0').update(json).digest('hex');
}

/** `value` with the members of every object in it sorted by name (arrays keep their order). */
function sortedMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedMembers);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((name) => [name, sortedMembers(object[name])]),
  );
}

/** JSON round trip of records whose Date fields must come back as Dates. */
export function reviveDates<T>(stored: unknown, dateFields: ReadonlyArray<keyof T>): T {
  const value = { ...(stored as Record<string, unknown>) };
  for (const field of dateFields) {
    const v = value[field as string];
    if (typeof v === 'string') value[field as string] = new Date(v);
  }
  return value as T;
}
