import { Prisma } from '@coupons/db';
import { requireAdmin } from '../shared/access.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput } from '../shared/errors.ts';
import { readFromReplica } from '../shared/read-replica.ts';
import { type BookRecord, toBookRecord } from './book.model.ts';

/** A book and how many coupon events it had in the window of {@link busiestBooks}. */
export interface BookActivity {
  book: BookRecord;
  events: number;
}

export interface BusiestBooksArgs {
  /** Seconds back from now (default {@link DEFAULT_ACTIVITY_WINDOW_SECONDS}). */
  window?: number | null;
  /** How many books at most (default {@link DEFAULT_BUSIEST_BOOKS}). */
  first?: number | null;
}

export const DEFAULT_ACTIVITY_WINDOW_SECONDS = 300;
/** A day: a wall screen asks about minutes; past a day the range scan reads too much of the table. */
export const MAX_ACTIVITY_WINDOW_SECONDS = 86_400;
export const DEFAULT_BUSIEST_BOOKS = 12;
export const MAX_BUSIEST_BOOKS = 50;

/**
 * The statement of {@link busiestBooks}: coupon events per book over `(now − window, now]`, most
 * first, ties broken by the latest event. One GROUP BY over a range scan of the
 * `coupon_event (created_at)` index, so its cost follows the events in the window, not the size
 * of the outbox (bench/tools/explain-busiest.ts: without the index it is a sequential scan of the
 * whole table). Every event counts once, whatever its type (a CREATED_BULK of a million codes is
 * one event, as it is one action).
 */
export function busiestBooksSql(now: Date, windowSeconds: number, first: number): Prisma.Sql {
  return Prisma.sql`
    SELECT e.book_id::text AS book_id, count(*)::int AS events
      FROM coupon_event e
     WHERE e.created_at > ${now}::timestamptz - make_interval(secs => ${windowSeconds})
       AND e.created_at <= ${now}::timestamptz
     GROUP BY e.book_id
     ORDER BY events DESC, max(e.created_at) DESC, e.book_id
     LIMIT ${first}`;
}

/**
 * The books with the most coupon events (claims, locks, redemptions, reversals …) in the last
 * `window` seconds, most first (ADMIN): what a wall screen should watch. Books without any event
 * in the window are not listed, so the answer may be shorter than `first` (or empty).
 */
export async function busiestBooks(ctx: ServiceContext, args: BusiestBooksArgs = {}): Promise<BookActivity[]> {
  requireAdmin(ctx);
  const window = args.window ?? DEFAULT_ACTIVITY_WINDOW_SECONDS;
  if (!Number.isInteger(window) || window < 1 || window > MAX_ACTIVITY_WINDOW_SECONDS) {
    throw badInput('window', `must be a whole number of seconds between 1 and ${MAX_ACTIVITY_WINDOW_SECONDS}`);
  }
  const first = args.first ?? DEFAULT_BUSIEST_BOOKS;
  if (!Number.isInteger(first) || first < 1 || first > MAX_BUSIEST_BOOKS) {
    throw badInput('first', `must be an integer between 1 and ${MAX_BUSIEST_BOOKS}`);
  }
  // A dashboard ranking, refreshed by polling: from the read replica when there is one.
  const [counted, rows] = await readFromReplica(ctx, async ({ prisma }) => {
    const counted = await prisma.$queryRaw<Array<{ book_id: string; events: number }>>(busiestBooksSql(ctx.clock.now(), window, first));
    if (counted.length === 0) return [counted, []] as const;
    return [counted, await prisma.book.findMany({ where: { id: { in: counted.map((row) => row.book_id) } } })] as const;
  });
  const books = new Map(rows.map((row) => [row.id, toBookRecord(row)]));
  // A book deleted between the two reads is left out (deleteBook takes only books never used).
  return counted.flatMap((row) => {
    const book = books.get(row.book_id);
    return book ? [{ book, events: row.events }] : [];
  });
}
