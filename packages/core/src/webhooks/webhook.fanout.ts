import { Prisma } from '@coupons/db';
import type pg from 'pg';
import type { LiveCouponEvent } from '../events/coupon-event.record.ts';
import { OutboxCursor, type OutboxCursorOptions, type SavedOutboxCursor } from '../events/outbox.cursor.ts';
import { hydrateOutboxEvents, readOutbox } from '../events/outbox.sql.ts';
import type { ServiceContext } from '../shared/context.ts';
import { withPgTransaction } from '../shared/pg-transaction.ts';
import { couponEventBody, eventMessageId, type WebhookBook, type WebhookUser } from './webhook.payload.ts';

// Fan-out: coupon_event rows → one webhook_delivery row per (event, subscribed endpoint).
//
// Why a fan-out step that reads the outbox (and not rows written by each transition): the
// transitions stay exactly as fast as they are (no extra statement, lock or write amplification
// on the checkout path, however many endpoints exist), and the outbox is already the single
// record of everything committed. What makes it miss nothing is the cursor: the same
// OutboxCursor the live listeners use (events/outbox.cursor.ts), whose gap rule waits for an id
// that committed out of order for exactly as long as its transaction lives — but stored in the
// one `webhook_fanout` row instead of in a process's memory, and moved in the same transaction
// that inserts the deliveries. So a batch is fanned out exactly once, by one process at a time
// (the row is locked FOR UPDATE SKIP LOCKED: another process skips instead of waiting), and a
// process that dies mid-way rolls back both: the next one does it again.

/** The stored cursor's gap rules: wait as long as any transaction may live, not 30 minutes. */
const CURSOR_OPTIONS: Partial<OutboxCursorOptions> = { settleMs: 1_000, maxGapAgeMs: 24 * 3_600_000, maxGaps: 10_000 };
const BATCH = 500;

/** What an endpoint receives: now, or before one of its changes. */
interface Subscription {
  enabled: boolean;
  events: string[];
  book_id: string | null;
}

/**
 * A moment in commit order, as ids: the newest event id committed then, and the ids up to it
 * still in flight then (or rolled back), whose events, if they come, commit after it
 * (webhook_event_watermark in the migrations `webhook_commit_order` and `outbox_gap_ranges`).
 */
interface Watermark {
  until: string;
  /** Only those the batch may hold (from its first id on). */
  open: string[];
}

interface EndpointRow extends Subscription {
  id: string;
  /** When it was created. */
  start: Watermark;
  /** What it received before its changes, in the order they were made, each with the moment it was made (webhook_endpoint_past). */
  past: Array<Subscription & Watermark>;
}

/** A watermark's open ids from the batch's first on (those below cannot be in it), as text. */
function openFrom(column: string): string {
  return `ARRAY(SELECT o::text FROM unnest(${column}) o WHERE o >= $1::bigint)`;
}

/** Event `id` committed before the moment `at`. */
function committedBefore(id: bigint, at: Watermark): boolean {
  return id <= BigInt(at.until) && !at.open.includes(id.toString());
}

/** The endpoint as it was when event `id` committed: the state before the first change made after that commit, else as it is. */
function subscriptionAt(endpoint: EndpointRow, id: bigint): Subscription {
  return endpoint.past.find((p) => committedBefore(id, p)) ?? endpoint;
}

/** What one fan-out did. */
export interface FanOutResult {
  events: number;
  deliveries: number;
  /** More events may be waiting (the batch was full). */
  more: boolean;
  /** How many endpoints were enabled when its events were matched; null when it read no event. */
  enabledEndpoints: number | null;
}

/**
 * Fans out one batch of the outbox. Returns null when another process holds the cursor, else
 * what it read and created.
 */
export async function fanOutWebhookEvents(ctx: Pick<ServiceContext, 'db' | 'clock'>, batchSize = BATCH): Promise<FanOutResult | null> {
  return withPgTransaction(ctx.db.pool, async (client) => {
    // The one cursor row, locked until COMMIT; a second process skips it (nothing to wait for:
    // the holder fans out everything committed so far). The time is the database's, the one clock
    // every process shares, because the gap rule compares times that different processes wrote.
    const state = await client.query<{ mark: string; gaps: SavedOutboxCursor['gaps']; now_ms: number }>(
      `SELECT mark::text AS mark, gaps, (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now_ms
         FROM webhook_fanout WHERE id = 1 FOR UPDATE SKIP LOCKED`,
    );
    const row = state.rows[0];
    if (!row) return null; // nothing written: the COMMIT only ends the transaction
    const cursor = OutboxCursor.restore({ mark: row.mark, gaps: row.gaps }, CURSOR_OPTIONS);
    // A new statement, so a new snapshot taken after the row lock: it sees every fan-out committed
    // before. The events' own columns only (which endpoint wants which event needs no more); those
    // that an endpoint wants are hydrated next. Planned on every call (a pooled connection's kept
    // plan may date from an empty outbox); rounds come at most every 100 ms under load.
    const read = await readOutbox(client, {
      mark: cursor.mark,
      gaps: cursor.openGaps(),
      limit: batchSize,
      now: ctx.clock.now(),
      hydrate: false,
      prepared: false,
    });
    const { deliver } = cursor.advance(read.events, read.snapshot, row.now_ms, read.gapsReadThrough);
    const inserted = deliver.length > 0 ? await insertDeliveries(client, deliver, ctx.clock.now()) : null;
    // Past states only events the cursor may still deliver can need (above the mark, or in a gap).
    if (deliver.length > 0) await forgetPastStatesBefore(client, cursor.openGaps()[0]?.[0] ?? cursor.mark + 1n);
    const saved = cursor.save();
    await client.query('UPDATE webhook_fanout SET mark = $1::bigint, gaps = $2::jsonb, updated_at = now() WHERE id = 1', [
      saved.mark,
      JSON.stringify(saved.gaps),
    ]);
    return { events: deliver.length, deliveries: inserted?.deliveries ?? 0, more: read.full, enabledEndpoints: inserted?.endpoints ?? null };
  });
}

/**
 * Inserts a PENDING delivery, due now, for each event and each endpoint that, when the event
 * committed, was enabled and subscribed to its type (and its book, when it named one), and was
 * created before it. The fan-out may run long after the commit: an endpoint changed since is
 * judged as it was then (webhook_endpoint_past, kept by a trigger on every change), so disabling
 * an endpoint loses none of what was owed to it, and enabling it queues nothing of the time it
 * was disabled. `ON CONFLICT DO NOTHING` on (event, endpoint) is the second guard of "one
 * delivery per pair". The endpoints are held `FOR KEY SHARE` (a delete waits for the fan-out,
 * whose deliveries then go with the endpoint, instead of failing its batch on their foreign
 * key); their changes do not wait. `events` come without their coupon and redemption; the
 * paired ones are read with them (as of `now`).
 */
async function insertDeliveries(client: pg.PoolClient, events: LiveCouponEvent[], now: Date): Promise<{ deliveries: number; endpoints: number }> {
  const first = events.reduce((min, e) => (BigInt(e.id) < min ? BigInt(e.id) : min), BigInt(events[0].id));
  const { rows: endpoints } = await client.query<EndpointRow>(
    `SELECT e.id::text AS id, e.enabled, e.events::text[] AS events, e.book_id::text AS book_id,
            json_build_object('until', e.start_after_event_id::text, 'open', ${openFrom('e.start_open_event_ids')}) AS start,
            coalesce(p.past, '[]'::json) AS past
       FROM webhook_endpoint e
       LEFT JOIN LATERAL (
         SELECT json_agg(json_build_object('until', p.until_event_id::text, 'open', ${openFrom('p.open_event_ids')}, 'enabled', p.enabled,
                                           'events', p.events::text[], 'book_id', p.book_id::text) ORDER BY p.until_event_id, p.id) AS past
           FROM webhook_endpoint_past p WHERE p.endpoint_id = e.id AND p.until_event_id >= $1::bigint) p ON true
      WHERE e.enabled OR p.past IS NOT NULL
        FOR KEY SHARE OF e`,
    [first.toString()],
  );
  if (endpoints.length === 0) return { deliveries: 0, endpoints: 0 };
  const pairs: Array<{ endpoint: EndpointRow; event: LiveCouponEvent }> = [];
  for (const event of events) {
    const id = BigInt(event.id);
    for (const endpoint of endpoints) {
      if (committedBefore(id, endpoint.start)) continue;
      const then = subscriptionAt(endpoint, id);
      if (!then.enabled || !then.events.includes(event.type)) continue;
      if (then.book_id !== null && then.book_id !== event.bookId) continue;
      pairs.push({ endpoint, event });
    }
  }
  if (pairs.length === 0) return { deliveries: 0, endpoints: endpoints.length };
  const paired = [...new Set(pairs.map((p) => p.event.id))];
  const hydrated = new Map((await hydrateOutboxEvents(client, paired, now, { prepared: false })).map((e) => [e.id, e]));
  for (const pair of pairs) pair.event = hydrated.get(pair.event.id) ?? pair.event;
  const { books, users } = await loadRelated(client, pairs.map((p) => p.event));
  const bodies = new Map<string, string>();
  const bodyOf = (event: LiveCouponEvent) => {
    let body = bodies.get(event.id);
    if (body === undefined) {
      body = couponEventBody(event, books.get(event.bookId) ?? null, event.userId ? (users.get(event.userId) ?? null) : null);
      bodies.set(event.id, body);
    }
    return body;
  };
  const insert = Prisma.sql`
    INSERT INTO webhook_delivery (endpoint_id, event_id, message_id, event_type, payload, user_id, next_attempt_at)
    SELECT endpoint_id, event_id, message_id, event_type, payload, user_id, now()
    FROM unnest(${pairs.map((p) => p.endpoint.id)}::uuid[], ${pairs.map((p) => p.event.id)}::bigint[],
                ${pairs.map((p) => eventMessageId(p.event.id))}::text[], ${pairs.map((p) => p.event.type)}::text[],
                ${pairs.map((p) => bodyOf(p.event))}::text[], ${pairs.map((p) => p.event.userId)}::uuid[])
      AS d(endpoint_id, event_id, message_id, event_type, payload, user_id)
    ON CONFLICT (event_id, endpoint_id) DO NOTHING`;
  const result = await client.query(insert.text, insert.values as unknown[]);
  return { deliveries: result.rowCount ?? 0, endpoints: endpoints.length };
}

/** Deletes the endpoints' past states that ended before `lowest`, the lowest id the cursor may still deliver. */
async function forgetPastStatesBefore(client: pg.PoolClient, lowest: bigint): Promise<void> {
  await client.query('DELETE FROM webhook_endpoint_past WHERE until_event_id < $1::bigint', [lowest.toString()]);
}

/**
 * The books and owners of a batch's events, one query each. The owners are read `FOR KEY SHARE`
 * until the fan-out commits: an erase (which holds its user `FOR UPDATE`) in flight makes this
 * wait and then read the erased row (no email, no customer id); an erase that comes later waits
 * for these deliveries to commit and then takes the user out of their bodies. No stored body
 * keeps an erased user's personal data.
 */
async function loadRelated(
  client: pg.PoolClient,
  events: LiveCouponEvent[],
): Promise<{ books: Map<string, WebhookBook>; users: Map<string, WebhookUser> }> {
  const bookIds = [...new Set(events.map((e) => e.bookId))];
  const userIds = [...new Set(events.map((e) => e.userId).filter((id): id is string => id !== null))];
  const [bookRows, userRows] = await Promise.all([
    client.query<WebhookBook>(
      `SELECT id::text AS id, name, discount_type::text AS "discountType", discount_value::text AS "discountValue",
              currency, status::text AS status
         FROM book WHERE id = ANY($1::uuid[])`,
      [bookIds],
    ),
    userIds.length === 0
      ? Promise.resolve({ rows: [] as WebhookUser[] })
      : client.query<WebhookUser>(
          'SELECT id::text AS id, email, external_id AS "customerId" FROM app_user WHERE id = ANY($1::uuid[]) ORDER BY id FOR KEY SHARE',
          [userIds],
        ),
  ]);
  return {
    books: new Map(bookRows.rows.map((b) => [b.id, b])),
    users: new Map(userRows.rows.map((u) => [u.id, u])),
  };
}
