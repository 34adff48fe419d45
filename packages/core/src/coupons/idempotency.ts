import { createHash } from 'node:crypto';
import { Prisma } from '@coupons/db';
import type { ServiceContext } from '../shared/context.ts';
import { badInput } from '../shared/errors.ts';
import type { SqlClient } from '../shared/sql.ts';

export interface IdempotentCall<T> {
  userId: string;
  key: string;
  /** The operation name: a key used for one operation cannot be replayed on another. */
  operation: string;
  /** The arguments that define "the same request". */
  args: unknown;
  run: (sql: SqlClient) => Promise<T>;
  serialize: (result: T) => unknown;
  deserialize: (stored: unknown) => T;
}

export interface IdempotentResult<T> {
  result: T;
  /** False when the stored first result was returned instead of running again. */
  executed: boolean;
}

/**
 * Runs `run` at most once per (user, key). The record is inserted first, in the same transaction
 * as the effect: a concurrent retry's INSERT waits on the unique key until the first commits, then
 * finds the stored response. If the first attempt fails, its transaction (and record) rolls back and
 * the retry runs afresh, so only successes are remembered.
 */
export async function runIdempotent<T>(ctx: ServiceContext, call: IdempotentCall<T>): Promise<IdempotentResult<T>> {
  const hash = requestHash(call.operation, call.args);
  return ctx.db.prisma.$transaction(
    async (tx) => {
      const inserted = await tx.$queryRaw<Array<{ inserted: number }>>(Prisma.sql`
        INSERT INTO idempotency_record (user_id, key, operation, request_hash, created_at)
        VALUES (${call.userId}::uuid, ${call.key}, ${call.operation}, ${hash}, ${ctx.clock.now()})
        ON CONFLICT (user_id, key) DO NOTHING
        RETURNING 1 AS inserted`);
      if (inserted.length === 0) {
        const [stored] = await tx.$queryRaw<Array<{ operation: string; request_hash: string; response: unknown }>>(
          Prisma.sql`SELECT operation, request_hash, response FROM idempotency_record
                     WHERE user_id = ${call.userId}::uuid AND key = ${call.key}`,
        );
        if (!stored || stored.operation !== call.operation || stored.request_hash !== hash) {
          throw badInput('idempotencyKey', 'was already used with different arguments');
        }
        return { result: call.deserialize(stored.response), executed: false };
      }
      const result = await call.run(tx);
      await tx.$executeRaw(Prisma.sql`
        UPDATE idempotency_record SET response = ${JSON.stringify(call.serialize(result))}::jsonb
        WHERE user_id = ${call.userId}::uuid AND key = ${call.key}`);
      return { result, executed: true };
    },
    { maxWait: 10_000, timeout: 20_000 },
  );
}

function requestHash(operation: string, args: unknown): string {
  return createHash('sha256').update(operation).update('\0').update(JSON.stringify(args ?? null)).digest('hex');
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
