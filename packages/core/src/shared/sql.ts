import { Prisma, type PrismaClient } from '@coupons/db';

/** Prisma's client or an interactive transaction's `tx`: what a raw statement runs on. */
export type SqlClient = Pick<PrismaClient, '$queryRaw' | '$executeRaw'>;

/**
 * `updated_at = …` for an `UPDATE coupon c` that changes a coupon: `now`, or just after the row's
 * last change when that is later. `now` is the request's clock, taken before the transaction
 * waited for the row (and on another API process, another clock), so a transition that commits
 * after another could carry an earlier time. This keeps `Coupon.updatedAt` increasing with every
 * change of a coupon, in the order they committed: a client that gets the same coupon from a
 * query and from events keeps the copy with the later `updatedAt` (the console's cache does).
 */
export function couponTouchedSql(now: Date): Prisma.Sql {
  return Prisma.sql`updated_at = greatest(${now}::timestamptz, c.updated_at + interval '1 millisecond')`;
}

/**
 * The same rule for a row the caller has just read under its row lock (`previous`, its
 * `updated_at` then): `now`, or 1 ms after `previous` when that is later. `Book.updatedAt` grows
 * with every change of a book this way (updateBook, pause, resume, archive), in commit order.
 */
export function touchedAt(now: Date, previous: Date): Date {
  return new Date(Math.max(now.getTime(), previous.getTime() + 1));
}

/**
 * The user `userId`'s row as a subquery of its `id`, empty once the user is erased, and locked
 * `FOR KEY SHARE`: the lock a foreign key to the user takes anyway, taken first. A write that
 * stores something of the user's (a refresh token, an API key, an idempotency record) reads it
 * before writing: an erase in flight (it holds the row `FOR UPDATE` and deletes the user's
 * records) makes the write wait and then find nobody, as if the erase came first; an erase that
 * comes later waits for the write and then deletes what it stored. No record outlives its user.
 */
export function liveUserRow(userId: string): Prisma.Sql {
  return Prisma.sql`(SELECT id FROM app_user WHERE id = ${userId}::uuid AND erased_at IS NULL FOR KEY SHARE)`;
}
