import { Prisma } from '@coupons/db';
import type { CouponEventType } from '../events/coupon-event.record.ts';

export type WebhookDeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/** An endpoint as admins see it: never its secrets. */
export interface WebhookEndpointRecord {
  id: string;
  url: string;
  description: string | null;
  events: CouponEventType[];
  bookId: string | null;
  enabled: boolean;
  disabledReason: string | null;
  /** The first failed attempt since the last success (null while healthy). */
  failingSince: Date | null;
  /** Until when the secret before the last rotation still signs (null: none does). */
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** One event's delivery to one endpoint, with its last attempt. */
export interface WebhookDeliveryRecord {
  id: string;
  endpointId: string;
  /** The coupon event; null for a test. */
  eventId: string | null;
  /** `webhook-id`, the body's `id`. */
  messageId: string;
  /** A CouponEventType, or WEBHOOK_TEST. */
  eventType: string;
  status: WebhookDeliveryStatus;
  /** A process is sending it right now (it holds the lease). */
  inFlight: boolean;
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  responseStatus: number | null;
  responseBody: string | null;
  latencyMs: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
  payload: string;
}

export interface EndpointRow {
  id: string;
  url: string;
  description: string | null;
  events: CouponEventType[];
  book_id: string | null;
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: Date | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns of {@link EndpointRow} (no secret). */
export const endpointColumns = Prisma.sql`id::text AS id, url, description, events::text[] AS events, book_id::text AS book_id,
  enabled, disabled_reason, failing_since,
  CASE WHEN previous_secret_expires_at > now() THEN previous_secret_expires_at END AS previous_secret_expires_at,
  created_at, updated_at`;

export function toEndpoint(row: EndpointRow): WebhookEndpointRecord {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events,
    bookId: row.book_id,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string | null;
  message_id: string;
  event_type: string;
  status: WebhookDeliveryStatus;
  in_flight: boolean;
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  response_status: number | null;
  response_body: string | null;
  latency_ms: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
  payload: string;
}

/** The columns of {@link DeliveryRow}. */
export const deliveryColumns = Prisma.sql`id::text AS id, endpoint_id::text AS endpoint_id, event_id::text AS event_id,
  message_id, event_type, status::text AS status, (status = 'PENDING' AND coalesce(lease_expires_at > now(), false)) AS in_flight,
  attempts, next_attempt_at, last_attempt_at, response_status, response_body, latency_ms, last_error, delivered_at,
  created_at, payload`;

export function toDelivery(row: DeliveryRow): WebhookDeliveryRecord {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    messageId: row.message_id,
    eventType: row.event_type,
    status: row.status,
    inFlight: row.in_flight,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    responseStatus: row.response_status,
    responseBody: row.response_body,
    latencyMs: row.latency_ms,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
    payload: row.payload,
  };
}
