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

interface EndpointRow {
  id: string;
  events: string[];
  book_id: string | null;
  start_after_event_id: string;
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
    const { deliver } = cursor.advance(read.events, read.snapshot, row.now_ms);
    const inserted = deliver.length > 0 ? await insertDeliveries(client, deliver, ctx.clock.now()) : null;
    const saved = cursor.save();
    await client.query('UPDATE webhook_fanout SET mark = $1::bigint, gaps = $2::jsonb, updated_at = now() WHERE id = 1', [
      saved.mark,
      JSON.stringify(saved.gaps),
    ]);
    return { events: deliver.length, deliveries: inserted?.deliveries ?? 0, more: read.full, enabledEndpoints: inserted?.endpoints ?? null };
  });
}

/**
 * Inserts a PENDING delivery, due now, for each event and each enabled endpoint that subscribes
 * to its type (and its book, when the endpoint names one) and was created before it. `ON CONFLICT
 * DO NOTHING` on (event, endpoint) is the second guard of "one delivery per pair". `events` come
 * without their coupon and redemption; the paired ones are read with them (as of `now`).
 */
async function insertDeliveries(client: pg.PoolClient, events: LiveCouponEvent[], now: Date): Promise<{ deliveries: number; endpoints: number }> {
  const { rows: endpoints } = await client.query<EndpointRow>(
    `SELECT id::text AS id, events::text[] AS events, book_id::text AS book_id, start_after_event_id::text AS start_after_event_id
       FROM webhook_endpoint WHERE enabled`,
  );
  if (endpoints.length === 0) return { deliveries: 0, endpoints: 0 };
  const pairs: Array<{ endpoint: EndpointRow; event: LiveCouponEvent }> = [];
  for (const event of events) {
    for (const endpoint of endpoints) {
      if (!endpoint.events.includes(event.type)) continue;
      if (endpoint.book_id !== null && endpoint.book_id !== event.bookId) continue;
      if (BigInt(event.id) <= BigInt(endpoint.start_after_event_id)) continue;
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
    INSERT INTO webhook_delivery (endpoint_id, event_id, message_id, event_type, payload, next_attempt_at)
    SELECT endpoint_id, event_id, message_id, event_type, payload, now()
    FROM unnest(${pairs.map((p) => p.endpoint.id)}::uuid[], ${pairs.map((p) => p.event.id)}::bigint[],
                ${pairs.map((p) => eventMessageId(p.event.id))}::text[], ${pairs.map((p) => p.event.type)}::text[],
                ${pairs.map((p) => bodyOf(p.event))}::text[])
      AS d(endpoint_id, event_id, message_id, event_type, payload)
    ON CONFLICT (event_id, endpoint_id) DO NOTHING`;
  const result = await client.query(insert.text, insert.values as unknown[]);
  return { deliveries: result.rowCount ?? 0, endpoints: endpoints.length };
}

/** The books and owners of a batch's events, one query each. */
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
      : client.query<WebhookUser>('SELECT id::text AS id, email, external_id AS "customerId" FROM app_user WHERE id = ANY($1::uuid[])', [userIds]),
  ]);
  return {
    books: new Map(bookRows.rows.map((b) => [b.id, b])),
    users: new Map(userRows.rows.map((u) => [u.id, u])),
  };
}
