import { Prisma } from '@coupons/db';
import type { SqlClient } from '../shared/sql.ts';

// The book gate: how a change of a book's rules and the transitions that read them take turns.
//
// A transition reads its book's rules (status, window, limits, lock time) in step 2, under its
// coupon's row lock. A change of those rules must not commit and answer while a transition that
// read the old rules is still in flight, or the transition commits on a book whose change already
// answered without it (a redeem on a paused book, a lock with the old lock time): no serial order
// gives that. The book's row locks cannot say it: the transitions take the book `FOR KEY SHARE`
// (their foreign keys), which only `FOR UPDATE` conflicts with, and a code import holds that same
// lock for its whole commit, so a pause would wait minutes behind an upload.
//
// So each book has a transaction-level advisory lock. Every transition takes it SHARED in its step
// 1 (after its coupon's row lock): transitions never wait for each other on it, and a book is never
// serialised behind it. A change of the book's rules takes it EXCLUSIVE first thing in its
// transaction: it waits for the transitions in flight to commit (and then counts them in what it
// answers), and a transition arriving meanwhile waits in step 1 and reads the new rules in step 2,
// a statement with a fresh snapshot. Imports and distributions do not take it (a distribution
// holds the book `FOR SHARE`, which a change of rules waits for anyway). Lock order: coupon rows,
// then the gate, then the book row — a change takes the gate, then the book row, and no coupon.

/** The advisory lock's first key: this lock's own space (the second is the book id's hash). */
const BOOK_GATE_SPACE = 0x0b00c;

/** A CTE `gate` that takes the book's gate SHARED when selected from (`(SELECT count(*) FROM gate)`). */
export function bookGateShared(bookId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`gate AS (SELECT pg_advisory_xact_lock_shared(${BOOK_GATE_SPACE}::int, hashtext((${bookId})::text)))`;
}

/** Closes the book's gate for the caller's transaction: waits for the book's transitions in flight, holds off new ones until commit. */
export async function closeBookGate(tx: SqlClient, bookId: string): Promise<void> {
  await tx.$queryRaw(Prisma.sql`SELECT pg_advisory_xact_lock(${BOOK_GATE_SPACE}::int, hashtext(${bookId}::uuid::text))::text`);
}
