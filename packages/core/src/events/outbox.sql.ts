import { Prisma, preparedName } from '@coupons/db';
import type pg from 'pg';
import {
  type CouponRow,
  type CouponStateName,
  effectiveCouponColumns,
  type RedemptionRow,
  redemptionReturning,
  toCoupon,
  toRedemption,
} from '../coupons/coupon.record.ts';
import type { CouponEventType, EventActor, LiveCouponEvent } from './coupon-event.record.ts';
import type { GapRange, OutboxSnapshot } from './outbox.cursor.ts';

/** What runs a statement: the listener's own `pg.Client` (or any pooled client). */
export type OutboxQueryable = Pick<pg.ClientBase, 'query'>;

interface OutboxRow {
  xmin: string;
  xmax: string;
  id: string | null;
  type: CouponEventType;
  book_id: string;
  coupon_id: string | null;
  from_state: CouponStateName | null;
  to_state: CouponStateName | null;
  actor_id: string | null;
  user_id: string | null;
  redemption_id: string | null;
  count: number | null;
  reason: string | null;
  created_at: Date;
  coupon: Record<string, unknown> | null;
  redemption: Record<string, unknown> | null;
  actor: Record<string, unknown> | null;
}

/**
 * Reads a batch of the outbox and hydrates it, in ONE statement under one snapshot: the first
 * `limit` rows in the open gaps (ranges of ids), the next `limit` ids above `mark`, each with the
 * coupon as it is now (lazy expiry at `now`), its redemption and its actor, plus the snapshot's
 * xmin/xmax for the gap rules of `OutboxCursor`. `gapsReadThrough` says how far the gaps were read
 * when their rows filled the limit (null: all of them); `full` says to read again at once (either
 * part filled its limit). Reads only; takes no locks.
 *
 * With `hydrate: false` the events come without their coupon, redemption and actor (all null):
 * for a process with no live subscriber, whose consumers (book statistics, metrics, the webhook
 * wake-up) need only the event's own columns. Hydrating costs the reader more than the rest of
 * the read (the joins here, JSON and dates in the process) and it ran once per event in every
 * process, subscribers or not.
 */
export async function readOutbox(
  db: OutboxQueryable,
  args: { mark: bigint; gaps: readonly GapRange[]; limit: number; now: Date; hydrate?: boolean; prepared?: boolean },
): Promise<{ snapshot: OutboxSnapshot; events: LiveCouponEvent[]; full: boolean; gapsReadThrough: bigint | null }> {
  const hydrate = args.hydrate ?? true;
  const columns = hydrate ? hydratedEvent(args.now) : Prisma.sql`${eventColumns}, NULL AS coupon, NULL AS redemption, NULL AS actor`;
  const query = Prisma.sql`
    WITH snap AS (
      SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
             pg_snapshot_xmax(pg_current_snapshot())::text AS xmax
    ), batch AS (
      (SELECT e.* FROM unnest(${args.gaps.map(([from]) => String(from))}::bigint[], ${args.gaps.map(([, to]) => String(to))}::bigint[]) AS g(lo, hi)
         CROSS JOIN LATERAL (SELECT * FROM coupon_event WHERE id BETWEEN g.lo AND g.hi ORDER BY id LIMIT ${args.limit}::int) e
       ORDER BY e.id LIMIT ${args.limit}::int)
      UNION ALL
      (SELECT * FROM coupon_event WHERE id > ${String(args.mark)}::bigint ORDER BY id LIMIT ${args.limit}::int)
    )
    SELECT snap.xmin, snap.xmax, ${columns}
    FROM snap LEFT JOIN batch e ON true
    ORDER BY e.id`;
  // Named, so each connection plans it once: every process runs it after every notification,
  // and planning the hydrating joins anew cost about as much as executing them. Its text never
  // varies (the gaps are two array parameters). A pool in `namedStatements: false` mode runs it
  // unnamed (packages/db/src/client.ts). The listener's connection keeps its plans on index
  // scans (outbox.listener.ts); a caller on a pooled connection, where a plan kept from an empty
  // table would scan the whole outbox, passes `prepared: false` and is planned on every call.
  const name = args.prepared === false ? undefined : preparedName(hydrate ? 'cbs_outbox_read' : 'cbs_outbox_read_lean', query.text);
  const { rows } = await db.query<OutboxRow>({ name, text: query.text, values: query.values as unknown[] });
  const first = rows[0];
  if (!first) throw new Error('outbox query returned no snapshot row');
  const snapshot = { xmin: BigInt(first.xmin), xmax: BigInt(first.xmax) };
  const events = rows.filter((row) => row.id !== null).map(toLiveEvent);
  const above = events.filter((event) => BigInt(event.id) > args.mark).length;
  const inGaps = events.length - above;
  // Ascending: the last of the gaps' rows is the highest id up to which every gap was read.
  const gapsReadThrough = inGaps >= args.limit ? BigInt(events[inGaps - 1].id) : null;
  return { snapshot, events, full: above >= args.limit || gapsReadThrough !== null, gapsReadThrough };
}

/**
 * Events by id, hydrated as {@link readOutbox} does (for a batch read without hydration that a
 * subscriber arrived for while it was being read, or whose events a webhook endpoint wants).
 */
export async function hydrateOutboxEvents(
  db: OutboxQueryable,
  ids: readonly string[],
  now: Date,
  options: { prepared?: boolean } = {},
): Promise<LiveCouponEvent[]> {
  const query = Prisma.sql`SELECT ${hydratedEvent(now)} FROM coupon_event e WHERE e.id = ANY(${ids}::bigint[]) ORDER BY e.id`;
  const text = query.text;
  const name = options.prepared === false ? undefined : preparedName('cbs_outbox_hydrate', text);
  const { rows } = await db.query<OutboxRow>({ name, text, values: query.values as unknown[] });
  return rows.map(toLiveEvent);
}

/** The event row `e`'s own columns. */
const eventColumns = Prisma.sql`
  e.id::text AS id, e.type::text AS type, e.book_id::text AS book_id,
  e.coupon_id::text AS coupon_id, e.from_state::text AS from_state, e.to_state::text AS to_state,
  e.actor_id::text AS actor_id, e.user_id::text AS user_id, e.redemption_id::text AS redemption_id,
  e.count, e.reason, e.created_at`;

/**
 * The columns of an event row `e`, hydrated: the coupon as it is at `now`, its redemption, its
 * actor. One definition for live delivery and for a coupon's history.
 */
const hydratedEvent = (now: Date) => Prisma.sql`
  ${eventColumns},
  (SELECT to_jsonb(x) FROM (SELECT ${effectiveCouponColumns(now, 'c')} FROM coupon c
    WHERE c.id = e.coupon_id) x) AS coupon,
  (SELECT to_jsonb(x) FROM (SELECT ${redemptionReturning} FROM redemption r
    WHERE r.id = e.redemption_id) x) AS redemption,
  (SELECT to_jsonb(x) FROM (SELECT a.id::text AS id, a.email, a.role::text AS role, a.created_at
    FROM app_user a WHERE a.id = e.actor_id) x) AS actor`;

/**
 * One coupon's events, newest first: `limit` of them with ids below `before` (all when null),
 * hydrated like live events, and how many it has in all. With `holder`, only the events of that
 * user's holdings of the coupon (`user_id`), in the page and in the count alike, so a USER's
 * paging and totalCount never count another holder's events. Reads the (coupon_id, id) index.
 */
export async function readCouponHistory(
  db: OutboxQueryable,
  args: { couponId: string; holder: string | null; before: bigint | null; limit: number; now: Date },
): Promise<{ events: LiveCouponEvent[]; totalCount: number }> {
  const before = args.before === null ? Prisma.empty : Prisma.sql`AND e.id < ${String(args.before)}::bigint`;
  const holder = (alias: 'e' | 'x') => (args.holder === null ? Prisma.empty : Prisma.sql`AND ${Prisma.raw(alias)}.user_id = ${args.holder}::uuid`);
  const counted = Prisma.sql`FROM coupon_event x WHERE x.coupon_id = ${args.couponId}::bigint ${holder('x')}`;
  const query = Prisma.sql`
    SELECT ${hydratedEvent(args.now)}, (SELECT count(*)::int ${counted}) AS total
    FROM coupon_event e WHERE e.coupon_id = ${args.couponId}::bigint ${holder('e')} ${before}
    ORDER BY e.id DESC LIMIT ${args.limit}::int`;
  const { rows } = await db.query<OutboxRow & { total: number }>(query.text, query.values as unknown[]);
  const count = Prisma.sql`SELECT count(*)::int AS total ${counted}`;
  const total = rows[0]?.total ?? (await db.query<{ total: number }>(count.text, count.values as unknown[])).rows[0].total;
  return { events: rows.map(toLiveEvent), totalCount: total };
}

/** How far below the newest event a new listener looks for ids still in flight (see {@link readOutboxStart}). */
export interface OutboxStartWindow {
  /** When no other transaction is in flight: only an id taken a moment ago, not yet under an xid, can be missing. */
  quiet: number;
  /** When some are: past the largest transaction the service writes, and what commits beside it. */
  busy: number;
}

/**
 * Where a new listener starts: the highest event id now, and the ids below it that are not
 * visible yet, as ranges (a transaction in flight holds them, or they were rolled back: the
 * cursor's horizon rule tells which, and delivers the first when they commit).
 *
 * Which ids can be missing: an id below the newest visible one was taken before this statement's
 * snapshot, so its transaction either ended (committed: visible; rolled back: never to come) or
 * is in flight now, in the snapshot's `xip`. With no transaction in flight, only an id taken in
 * the microseconds before its INSERT got an xid can be, so `quiet` is small. With some, their ids
 * can lie anywhere since they began: a pool distribution writes up to a million events in one
 * transaction, and a claim committing meanwhile takes an id above them all, so `busy` is wide.
 * Missing ids come back as ranges found in one pass over the primary key in id order, so a
 * range of a million costs what one id does; the pass itself costs about 0.7 s per million ids
 * (measured on a loaded 2-core machine), paid once per process start, and only when a
 * transaction is in flight. Ordered by the bigint column, never by its text
 * (`'999' > '1000'`: ordered as text, a process starting past a power of ten set its mark too
 * low and replayed up to a thousand old events).
 */
export async function readOutboxStart(db: OutboxQueryable, window: OutboxStartWindow): Promise<{ mark: bigint; gaps: GapRange[] }> {
  const { rows } = await db.query<{ mark: string; lo: string | null; hi: string | null }>(
    `WITH head AS (
       SELECT coalesce((SELECT max(id) FROM coupon_event), 0) AS mark,
              CASE WHEN EXISTS (SELECT FROM pg_snapshot_xip(pg_current_snapshot())) THEN $2::bigint ELSE $1::bigint END AS width
     ), win AS (
       -- The bound as a sub-select, so it is the index scan's condition (joined, it was a filter
       -- over the whole table: 3.5 s for 6M events against 0.7 s for the 1.1M of the window).
       SELECT e.id, coalesce(lag(e.id) OVER (ORDER BY e.id), (SELECT greatest(mark - width, 0) FROM head)) AS prev
       FROM coupon_event e WHERE e.id > (SELECT mark - width FROM head)
     )
     SELECT head.mark::text AS mark, (w.prev + 1)::text AS lo, (w.id - 1)::text AS hi
     FROM head LEFT JOIN win w ON w.id > w.prev + 1
     ORDER BY w.id NULLS FIRST`,
    [window.quiet, window.busy],
  );
  const mark = BigInt(rows[0]?.mark ?? '0');
  const gaps = rows.filter((row) => row.lo !== null && row.hi !== null).map((row): GapRange => [BigInt(row.lo as string), BigInt(row.hi as string)]);
  return { mark, gaps };
}

function toLiveEvent(row: OutboxRow): LiveCouponEvent {
  return {
    id: row.id as string,
    type: row.type,
    bookId: row.book_id,
    couponId: row.coupon_id,
    fromState: row.from_state,
    toState: row.to_state,
    actorId: row.actor_id,
    userId: row.user_id,
    redemptionId: row.redemption_id,
    count: row.count === null ? null : Number(row.count),
    reason: row.reason ?? null,
    at: row.created_at,
    coupon: row.coupon ? toCoupon(reviveDates(row.coupon, COUPON_DATES) as unknown as CouponRow) : null,
    redemption: row.redemption
      ? toRedemption(reviveDates(row.redemption, REDEMPTION_DATES) as unknown as RedemptionRow)
      : null,
    actor: row.actor ? toActor(row.actor) : null,
  };
}

interface RawActor {
  id: string;
  email: string;
  role: 'ADMIN' | 'USER';
  created_at: string;
}

function toActor(raw: Record<string, unknown>): EventActor {
  const actor = raw as unknown as RawActor;
  return { id: actor.id, email: actor.email, role: actor.role, createdAt: new Date(actor.created_at) };
}

const COUPON_DATES = ['assigned_at', 'lock_expires_at', 'created_at', 'updated_at'];
const REDEMPTION_DATES = ['redeemed_at', 'reversed_at'];

/** `to_jsonb` turns timestamps into ISO strings: bring the named ones back as Dates. */
function reviveDates(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const copy = { ...value };
  for (const key of keys) {
    const v = copy[key];
    if (typeof v === 'string') copy[key] = new Date(v);
  }
  return copy;
}
