import { randomUUID } from 'node:crypto';
import { Prisma } from '@coupons/db';
import { changedFields, recordAudit } from '../audit/audit.service.ts';
import { selectBookLocked } from '../books/book.sql.ts';
import type { CouponEventType } from '../events/coupon-event.record.ts';
import { requireAdmin } from '../shared/access.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput, DomainError, notFound } from '../shared/errors.ts';
import { readPageSnapshot } from '../shared/page-snapshot.ts';
import { decodeCursor, encodeCursor, type Page, type PageArgs, pageSize, toPage } from '../shared/pagination.ts';
import { requireText, requireUuid } from '../shared/validation.ts';
import { assertWebhookUrlAllowed, parseWebhookUrl } from './webhook.address.ts';
import { type DeliveryRow, deliveryColumns, type EndpointRow, endpointColumns, toDelivery, toEndpoint } from './webhook.records.ts';
import type { WebhookDeliveryRecord, WebhookDeliveryStatus, WebhookEndpointRecord } from './webhook.records.ts';
import type { WebhookSettings } from './webhook.settings.ts';
import { generateWebhookSecret } from './webhook.signing.ts';
import { testBody } from './webhook.payload.ts';

// Webhook endpoints and their delivery log: ADMIN (or an API key with the ADMIN scope). Sending
// is the dispatcher's (webhook.dispatcher.ts); these functions only write rows it will pick up.

export const WEBHOOK_EVENT_TYPES: readonly CouponEventType[] = [
  'CREATED_BULK',
  'ASSIGNED',
  'LOCKED',
  'UNLOCKED',
  'LOCK_EXPIRED',
  'REDEEMED',
  'REVERSED',
  'VOIDED',
  'UNASSIGNED',
  'UPDATED',
];

export interface WebhookEndpointInput {
  url: string;
  events: readonly string[];
  bookId?: string | null;
  description?: string | null;
}

export interface WebhookEndpointPatch {
  url?: string | null;
  events?: readonly string[] | null;
  /** `null` makes it receive every book's events; absent leaves it. */
  bookId?: string | null;
  description?: string | null;
  /** false disables it (reason "Disabled by an admin"); true enables it again and clears the reason. */
  enabled?: boolean | null;
}

/** An endpoint with its signing secret: the answer of create and rotate, the only time the secret is shown. */
export interface WebhookEndpointWithSecret {
  endpoint: WebhookEndpointRecord;
  secret: string;
}

function requireEvents(events: readonly string[] | null | undefined): CouponEventType[] {
  const unique = [...new Set(events ?? [])];
  if (unique.length === 0) throw badInput('events', 'must name at least one event type');
  const unknown = unique.find((type) => !WEBHOOK_EVENT_TYPES.includes(type as CouponEventType));
  if (unknown !== undefined) throw badInput('events', `unknown event type ${JSON.stringify(unknown).slice(0, 40)}`);
  return unique as CouponEventType[];
}

async function requireUrl(settings: WebhookSettings, raw: string): Promise<string> {
  const url = parseWebhookUrl(raw, settings.policy);
  await assertWebhookUrlAllowed(url, settings.policy, settings.resolve);
  return url.toString();
}

/** The endpoint's book filter as given: none, or a book id ({@link holdFilterBook} finds the book). */
function bookFilter(bookId: string | null | undefined): string | null {
  return bookId === null || bookId === undefined ? null : requireUuid('bookId', bookId);
}

/**
 * The filter's book, `FOR KEY SHARE` (the lock the endpoint's foreign key takes anyway, only
 * first), as the first statement of the transaction that writes the endpoint, or NOT_FOUND: a
 * deleteBook in flight makes it wait and, once the delete commits, finds no book, as if the
 * delete ran first; one that comes later waits for the write and then takes the endpoint with
 * the book. Before the endpoint's own row, as deleteBook takes the book before its cascade
 * reaches the endpoints: the two take turns instead of deadlocking.
 */
async function holdFilterBook(tx: Prisma.TransactionClient, bookId: string | null | undefined): Promise<void> {
  if (bookId === null || bookId === undefined) return;
  if (!(await selectBookLocked(tx, bookId, 'keyShare'))) throw notFound('Book', bookId);
}

/**
 * ADMIN: a new endpoint, enabled, with a fresh secret (returned now and never again). It receives
 * the events committed after it was created: those above the newest id committed now, and those
 * of transactions in flight now, whose lower ids commit later (webhook_event_watermark, in the
 * migration `webhook_commit_order`).
 */
export async function createWebhookEndpoint(
  ctx: ServiceContext,
  settings: WebhookSettings,
  input: WebhookEndpointInput,
): Promise<WebhookEndpointWithSecret> {
  const caller = requireAdmin(ctx);
  const events = requireEvents(input.events);
  const description = requireText('description', input.description, { max: 500, optional: true });
  const url = await requireUrl(settings, input.url);
  const bookId = bookFilter(input.bookId);
  const secret = generateWebhookSecret();
  return ctx.db.prisma.$transaction(async (tx) => {
    await holdFilterBook(tx, bookId);
    const [row] = await tx.$queryRaw<EndpointRow[]>(Prisma.sql`
      INSERT INTO webhook_endpoint (id, url, description, events, book_id, secret, start_after_event_id, start_open_event_ids, created_by_id)
      SELECT ${randomUUID()}::uuid, ${url}, ${description}, ${events}::"CouponEventType"[], ${bookId}::uuid, ${secret},
             w.until_event_id, w.open_event_ids, ${caller.userId}::uuid
        FROM webhook_event_watermark() w
      RETURNING ${endpointColumns}`);
    await recordAudit(tx, caller, {
      action: 'WEBHOOK_ENDPOINT_CREATED',
      targetType: 'WEBHOOK',
      targetId: row.id,
      changes: { url, events, bookId, description },
    });
    return { endpoint: toEndpoint(row), secret };
  });
}

/** ADMIN: changes an endpoint. A new URL is checked like a new endpoint's. */
export async function updateWebhookEndpoint(
  ctx: ServiceContext,
  settings: WebhookSettings,
  id: string,
  patch: WebhookEndpointPatch,
): Promise<WebhookEndpointRecord> {
  const caller = requireAdmin(ctx);
  const endpointId = requireUuid('id', id);
  const next: { url?: string; events?: CouponEventType[]; bookId?: string | null; description?: string | null; enabled?: boolean } = {};
  if (patch.url !== undefined && patch.url !== null) next.url = await requireUrl(settings, patch.url);
  if (patch.events !== undefined && patch.events !== null) next.events = requireEvents(patch.events);
  if (patch.bookId !== undefined) next.bookId = bookFilter(patch.bookId);
  if (patch.description !== undefined) next.description = requireText('description', patch.description, { max: 500, optional: true });
  if (patch.enabled !== undefined && patch.enabled !== null) next.enabled = patch.enabled;
  return ctx.db.prisma.$transaction(async (tx) => {
    await holdFilterBook(tx, next.bookId);
    // Lock, then act: the audit's "from" values are those of the version this update replaces.
    const [current] = await tx.$queryRaw<EndpointRow[]>(Prisma.sql`
      SELECT ${endpointColumns} FROM webhook_endpoint WHERE id = ${endpointId}::uuid FOR NO KEY UPDATE`);
    if (!current) throw notFound('Webhook endpoint', id);
    const before = toEndpoint(current);
    const enabling = next.enabled === true && !before.enabled;
    const disabling = next.enabled === false && before.enabled;
    const [row] = await tx.$queryRaw<EndpointRow[]>(Prisma.sql`
      UPDATE webhook_endpoint SET
        url = ${next.url ?? before.url},
        events = ${next.events ?? before.events}::"CouponEventType"[],
        book_id = ${next.bookId === undefined ? before.bookId : next.bookId}::uuid,
        description = ${next.description === undefined ? before.description : next.description},
        enabled = ${next.enabled ?? before.enabled},
        disabled_reason = ${enabling ? null : disabling ? 'Disabled by an admin' : before.disabledReason},
        failing_since = ${enabling ? Prisma.sql`NULL` : Prisma.sql`failing_since`},
        updated_at = now()
      WHERE id = ${endpointId}::uuid
      RETURNING ${endpointColumns}`);
    const after = toEndpoint(row);
    const changes = changedFields(
      { url: before.url, events: before.events, bookId: before.bookId, description: before.description, enabled: before.enabled },
      { url: after.url, events: after.events, bookId: after.bookId, description: after.description, enabled: after.enabled },
    );
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, caller, { action: 'WEBHOOK_ENDPOINT_UPDATED', targetType: 'WEBHOOK', targetId: endpointId, changes });
    }
    return after;
  });
}

/** ADMIN: deletes an endpoint and its delivery log; a send in flight is not recorded. */
export async function deleteWebhookEndpoint(ctx: ServiceContext, id: string): Promise<boolean> {
  const caller = requireAdmin(ctx);
  const endpointId = requireUuid('id', id);
  return ctx.db.prisma.$transaction(async (tx) => {
    const deleted = await tx.$queryRaw<Array<{ url: string }>>(Prisma.sql`
      DELETE FROM webhook_endpoint WHERE id = ${endpointId}::uuid RETURNING url`);
    if (deleted.length === 0) throw notFound('Webhook endpoint', id);
    await recordAudit(tx, caller, { action: 'WEBHOOK_ENDPOINT_DELETED', targetType: 'WEBHOOK', targetId: endpointId, changes: { url: deleted[0].url } });
    return true;
  });
}

/**
 * ADMIN: a new secret (returned now and never again). The old one keeps signing beside it for
 * `secretOverlapMs` (24 h), so receivers can switch without losing a delivery; rotating again
 * within that time retires the oldest at once (only the newest old secret overlaps).
 */
export async function rotateWebhookSecret(ctx: ServiceContext, settings: WebhookSettings, id: string): Promise<WebhookEndpointWithSecret> {
  const caller = requireAdmin(ctx);
  const endpointId = requireUuid('id', id);
  const secret = generateWebhookSecret();
  return ctx.db.prisma.$transaction(async (tx) => {
    // One statement: its SET reads the row's latest version, so two racing rotations chain
    // (the second keeps the first one's secret as "previous") instead of losing one.
    const [row] = await tx.$queryRaw<EndpointRow[]>(Prisma.sql`
      UPDATE webhook_endpoint SET previous_secret = secret, secret = ${secret},
        previous_secret_expires_at = now() + ${settings.secretOverlapMs}::bigint * interval '1 millisecond', updated_at = now()
      WHERE id = ${endpointId}::uuid
      RETURNING ${endpointColumns}`);
    if (!row) throw notFound('Webhook endpoint', id);
    const endpoint = toEndpoint(row);
    await recordAudit(tx, caller, {
      action: 'WEBHOOK_SECRET_ROTATED',
      targetType: 'WEBHOOK',
      targetId: endpointId,
      changes: { previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() ?? null },
    });
    return { endpoint, secret };
  });
}

/** ADMIN: one endpoint, or null. */
export async function getWebhookEndpoint(ctx: ServiceContext, id: string): Promise<WebhookEndpointRecord | null> {
  requireAdmin(ctx);
  const endpointId = requireUuid('id', id);
  const [row] = await ctx.db.prisma.$queryRaw<EndpointRow[]>(Prisma.sql`
    SELECT ${endpointColumns} FROM webhook_endpoint WHERE id = ${endpointId}::uuid`);
  return row ? toEndpoint(row) : null;
}

/** ADMIN: every endpoint, newest first. */
export async function listWebhookEndpoints(ctx: ServiceContext, args: PageArgs): Promise<Page<WebhookEndpointRecord>> {
  requireAdmin(ctx);
  const limit = pageSize(args.first);
  let keyset = Prisma.empty;
  if (args.after) {
    const [at, id] = decodeCursor(args.after, ['string', 'string']) as [string, string];
    const date = new Date(at);
    if (Number.isNaN(date.getTime())) throw badInput('after', 'is not a valid cursor');
    keyset = Prisma.sql`WHERE (created_at, id) < (${date}, ${requireUuid('after', id)}::uuid)`;
  }
  const { rows, totalCount } = await readPageSnapshot<EndpointRow>(ctx.db.prisma, {
    rows: Prisma.sql`SELECT ${endpointColumns} FROM webhook_endpoint ${keyset} ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
    count: Prisma.sql`SELECT count(*)::int FROM webhook_endpoint`,
  });
  return toPage(rows.map(toEndpoint), limit, totalCount, (e) => encodeCursor([e.createdAt.toISOString(), e.id]));
}

/** ADMIN: an endpoint's deliveries, newest first, optionally of one status. */
export async function listWebhookDeliveries(
  ctx: ServiceContext,
  args: PageArgs & { endpointId: string; status?: WebhookDeliveryStatus | null },
): Promise<Page<WebhookDeliveryRecord>> {
  requireAdmin(ctx);
  const endpointId = requireUuid('endpointId', args.endpointId);
  const limit = pageSize(args.first);
  const conditions = [Prisma.sql`endpoint_id = ${endpointId}::uuid`];
  if (args.status) conditions.push(Prisma.sql`status = ${args.status}::"WebhookDeliveryStatus"`);
  const where = Prisma.join(conditions, ' AND ');
  let keyset = Prisma.empty;
  if (args.after) {
    const [id] = decodeCursor(args.after, ['string']) as [string];
    if (!/^\d{1,19}$/.test(id)) throw badInput('after', 'is not a valid cursor');
    keyset = Prisma.sql`AND id < ${id}::bigint`;
  }
  // Ordered by the bigint column: a bare `id` would be the text `id` of deliveryColumns (999 after 1024).
  const { rows, totalCount } = await readPageSnapshot<DeliveryRow>(ctx.db.prisma, {
    rows: Prisma.sql`SELECT ${deliveryColumns} FROM webhook_delivery WHERE ${where} ${keyset} ORDER BY webhook_delivery.id DESC LIMIT ${limit + 1}`,
    count: Prisma.sql`SELECT count(*)::int FROM webhook_delivery WHERE ${where}`,
  });
  return toPage(rows.map(toDelivery), limit, totalCount, (d) => encodeCursor([d.id]));
}

/** ADMIN: one delivery, or null. */
export async function getWebhookDelivery(ctx: ServiceContext, id: string): Promise<WebhookDeliveryRecord | null> {
  requireAdmin(ctx);
  if (!/^\d{1,19}$/.test(id)) throw badInput('deliveryId', 'is not a delivery id');
  const [row] = await ctx.db.prisma.$queryRaw<DeliveryRow[]>(Prisma.sql`SELECT ${deliveryColumns} FROM webhook_delivery WHERE id = ${id}::bigint`);
  return row ? toDelivery(row) : null;
}

/** The endpoint must exist (NOT_FOUND) and be enabled (INVALID_STATE) to be sent anything. */
async function requireEnabledEndpoint(tx: Prisma.TransactionClient, endpointId: string, id: string): Promise<void> {
  const [endpoint] = await tx.$queryRaw<Array<{ enabled: boolean }>>(Prisma.sql`
    SELECT enabled FROM webhook_endpoint WHERE id = ${endpointId}::uuid FOR KEY SHARE`);
  if (!endpoint) throw notFound('Webhook endpoint', id);
  if (!endpoint.enabled) throw new DomainError('INVALID_STATE', 'The endpoint is disabled: enable it first', { state: 'DISABLED' });
}

/** ADMIN: queues a `WEBHOOK_TEST` delivery to the endpoint, due now; returns it (PENDING). Audited (WEBHOOK_TEST_SENT). */
export async function sendTestWebhook(ctx: ServiceContext, id: string): Promise<WebhookDeliveryRecord> {
  requireAdmin(ctx);
  const endpointId = requireUuid('id', id);
  const messageId = `test_${randomUUID()}`;
  return ctx.db.prisma.$transaction(async (tx) => {
    await requireEnabledEndpoint(tx, endpointId, id);
    const [row] = await tx.$queryRaw<DeliveryRow[]>(Prisma.sql`
      INSERT INTO webhook_delivery (endpoint_id, message_id, event_type, payload, next_attempt_at)
      VALUES (${endpointId}::uuid, ${messageId}, 'WEBHOOK_TEST', ${testBody(messageId, endpointId, ctx.clock.now())}, now())
      RETURNING ${deliveryColumns}`);
    const delivery = toDelivery(row);
    await recordAudit(tx, ctx.caller, { action: 'WEBHOOK_TEST_SENT', targetType: 'WEBHOOK', targetId: endpointId, changes: { deliveryId: delivery.id } });
    return delivery;
  });
}

/**
 * ADMIN: sends a delivery again, now, with a fresh retry budget: the same `webhook-id` and body
 * (receivers that already have it deduplicate). A delivery being sent right now is INVALID_STATE.
 * Audited (WEBHOOK_REDELIVERED, on the endpoint, naming the delivery).
 */
export async function redeliverWebhook(ctx: ServiceContext, deliveryId: string): Promise<WebhookDeliveryRecord> {
  requireAdmin(ctx);
  if (!/^\d{1,19}$/.test(deliveryId)) throw badInput('deliveryId', 'is not a delivery id');
  return ctx.db.prisma.$transaction(async (tx) => {
    const [found] = await tx.$queryRaw<Array<{ endpoint_id: string }>>(Prisma.sql`
      SELECT endpoint_id::text AS endpoint_id FROM webhook_delivery WHERE id = ${deliveryId}::bigint`);
    if (!found) throw notFound('Webhook delivery', deliveryId);
    await requireEnabledEndpoint(tx, found.endpoint_id, found.endpoint_id);
    // The guard is the UPDATE's own WHERE (the row's latest version): not while a lease is held.
    // A lease run out is taken back: a sender still holding its token (stalled past it) can then
    // no longer record its attempt over this redelivery (recordAttempt matches the token).
    const [row] = await tx.$queryRaw<DeliveryRow[]>(Prisma.sql`
      UPDATE webhook_delivery SET status = 'PENDING', next_attempt_at = now(), retry_base = attempts, delivered_at = NULL,
        lease_token = NULL, lease_expires_at = NULL
      WHERE id = ${deliveryId}::bigint AND NOT (status = 'PENDING' AND lease_expires_at > now())
      RETURNING ${deliveryColumns}`);
    if (row) {
      await recordAudit(tx, ctx.caller, { action: 'WEBHOOK_REDELIVERED', targetType: 'WEBHOOK', targetId: found.endpoint_id, changes: { deliveryId } });
      return toDelivery(row);
    }
    // Pruned since the read (past its retention), or leased meanwhile.
    const [still] = await tx.$queryRaw<unknown[]>(Prisma.sql`SELECT 1 FROM webhook_delivery WHERE id = ${deliveryId}::bigint`);
    if (!still) throw notFound('Webhook delivery', deliveryId);
    throw new DomainError('INVALID_STATE', 'The delivery is being sent right now', { state: 'SENDING' });
  });
}
