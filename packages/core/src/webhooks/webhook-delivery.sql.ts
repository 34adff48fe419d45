import { randomUUID } from 'node:crypto';
import { Prisma } from '@coupons/db';
import { inTransaction } from '../coupons/transition.ts';
import type { ServiceContext } from '../shared/context.ts';
import { againIfStatementLost } from '../shared/errors.ts';

// The statements of sending: claim (with a lease), then record the attempt's result under that
// lease. Times are the database's `now()`: leases and retry times are compared by every process,
// and the database clock is the one they share.

/** A delivery this process has claimed and must now send. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  url: string;
  messageId: string;
  payload: string;
  /** The current secret, then the previous one while its overlap lasts. */
  secrets: string[];
  /** Attempts since the last redelivery, this one included. */
  attemptInCycle: number;
  /** Fences the result: only the holder of the current lease may record it. */
  leaseToken: string;
}

/**
 * Claims due deliveries for this process: at most `max` in all, and per endpoint no more than
 * `perEndpoint` minus those already in flight anywhere. Each gets a lease of `leaseMs` (a fresh
 * token, `lease_expires_at`) and one more attempt; a delivery whose lease ran out (its process
 * died mid-send) is due again and is claimed like any other, unless that was its last attempt.
 *
 * Endpoints take turns (round robin): those after `after` (the endpoint this process last
 * claimed for, in id order) come first, then the others from the lowest id, and their free slots
 * are filled in that order. Without the turns, the lowest ids with a backlog took every slot of
 * every round, and the other endpoints (past the first 200 with due work, or past the first few
 * when those had more due than the process has slots) waited until that backlog had drained.
 *
 * Two statements in one transaction:
 * 1. lock the endpoints that have due work, `FOR NO KEY UPDATE SKIP LOCKED`: two processes never
 *    claim for one endpoint at the same time (one skips it this round), so the in-flight count
 *    below cannot be raced past the limit; NO KEY UPDATE does not conflict with the key-share
 *    locks of fan-out inserting deliveries for the endpoint;
 * 2. a new snapshot, taken after those locks are held (so it sees every earlier claim, committed
 *    before the lock was released), counts each endpoint's leases in force and claims the oldest
 *    due deliveries into the free slots, themselves `FOR UPDATE SKIP LOCKED` (a row that a
 *    redelivery or a result is being written to is left for the next round). The UPDATE's own
 *    WHERE re-checks status and lease on each row's latest version.
 *
 * A delivery whose process died during its last attempt (the lease ran out, and the claim had
 * counted the attempt) is FAILED like a last attempt that timed out, rather than sent a time more
 * than `maxAttempts`; one that died during an earlier attempt is claimed as its next attempt.
 *
 * Returns the deliveries in the order of the turns: the last one's endpoint is the next `after`.
 */
export async function claimDueDeliveries(
  ctx: Pick<ServiceContext, 'db'>,
  options: { max: number; perEndpoint: number; leaseMs: number; maxAttempts: number; after?: string | null },
): Promise<ClaimedDelivery[]> {
  if (options.max <= 0) return [];
  const leaseToken = randomUUID();
  return againIfStatementLost(() => inTransaction(ctx.db.pool, async (tx) => {
    const endpoints = await tx.rows<{ id: string }>(Prisma.sql`
      SELECT e.id::text AS id FROM webhook_endpoint e
      WHERE e.enabled AND EXISTS (
        SELECT 1 FROM webhook_delivery d
        WHERE d.endpoint_id = e.id AND d.status = 'PENDING' AND d.next_attempt_at <= now()
          AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= now()))
      ORDER BY e.id <= ${options.after ?? null}::uuid, e.id
      LIMIT 200
      FOR NO KEY UPDATE OF e SKIP LOCKED`);
    if (endpoints.length === 0) return [];
    const rows = await tx.rows<{
      id: string;
      endpoint_id: string;
      url: string;
      message_id: string;
      payload: string;
      secret: string;
      previous_secret: string | null;
      attempt_in_cycle: number;
    }>(Prisma.sql`
      WITH slots AS (
        SELECT e.id, t.turn, e.url, e.secret,
               CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END AS previous_secret,
               ${options.perEndpoint}::int - (
                 SELECT count(*)::int FROM webhook_delivery f
                 WHERE f.endpoint_id = e.id AND f.status = 'PENDING' AND f.lease_expires_at > now()) AS free
        FROM unnest(${endpoints.map((e) => e.id)}::uuid[]) WITH ORDINALITY AS t(id, turn)
        JOIN webhook_endpoint e ON e.id = t.id
      ), picked AS (
        SELECT d.id, d.spent, s.turn, s.url, s.secret, s.previous_secret
        FROM slots s CROSS JOIN LATERAL (
          SELECT d.id, d.lease_expires_at IS NOT NULL AND d.attempts - d.retry_base >= ${options.maxAttempts}::int AS spent
          FROM webhook_delivery d
          WHERE d.endpoint_id = s.id AND d.status = 'PENDING' AND d.next_attempt_at <= now()
            AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= now())
          ORDER BY d.next_attempt_at, d.id
          LIMIT greatest(s.free, 0)
          FOR UPDATE OF d SKIP LOCKED
        ) d
        ORDER BY s.turn
        LIMIT ${options.max}::int
      ), failed AS (
        UPDATE webhook_delivery d
        SET status = 'FAILED', next_attempt_at = NULL, lease_token = NULL, lease_expires_at = NULL,
            response_status = NULL, response_body = NULL, latency_ms = NULL,
            last_error = 'TIMEOUT: the instance sending this attempt stopped before it recorded an answer (its lease ran out)'
        FROM picked p
        WHERE d.id = p.id AND p.spent AND d.status = 'PENDING' AND d.lease_expires_at <= now()
      ), claimed AS (
        UPDATE webhook_delivery d
        SET lease_token = ${leaseToken}::uuid,
            lease_expires_at = now() + ${options.leaseMs}::int * interval '1 millisecond',
            attempts = d.attempts + 1,
            last_attempt_at = now()
        FROM picked p
        WHERE d.id = p.id AND NOT p.spent AND d.status = 'PENDING' AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= now())
        RETURNING d.id, p.turn, d.endpoint_id, p.url, d.message_id, d.payload, p.secret, p.previous_secret,
                  d.attempts - d.retry_base AS attempt_in_cycle
      )
      SELECT id::text AS id, endpoint_id::text AS endpoint_id, url, message_id, payload, secret, previous_secret, attempt_in_cycle
      FROM claimed ORDER BY turn, id`);
    return rows.map((r) => ({
      id: r.id,
      endpointId: r.endpoint_id,
      url: r.url,
      messageId: r.message_id,
      payload: r.payload,
      secrets: r.previous_secret ? [r.secret, r.previous_secret] : [r.secret],
      attemptInCycle: Number(r.attempt_in_cycle),
      leaseToken,
    }));
  }));
}

/** What one attempt came to, to record. */
export interface AttemptRecord {
  outcome: 'DELIVERED' | 'RETRY' | 'FAILED';
  /** RETRY: the wait before the next attempt. */
  retryInMs?: number;
  responseStatus: number | null;
  responseBody: string | null;
  latencyMs: number;
  error: string | null;
}

/**
 * Records an attempt under its lease (a process that lost its lease records nothing: another one
 * owns the delivery now) and updates the endpoint's health in the same transaction: a success
 * clears `failing_since`; a failure sets it if unset, and disables the endpoint, with the reason,
 * once it has been failing for `disableAfterMs`. Returns whether the endpoint was disabled now.
 */
export async function recordAttempt(
  ctx: Pick<ServiceContext, 'db'>,
  delivery: Pick<ClaimedDelivery, 'id' | 'endpointId' | 'leaseToken'>,
  attempt: AttemptRecord,
  disableAfterMs: number,
): Promise<{ recorded: boolean; disabled: boolean }> {
  return againIfStatementLost(() => inTransaction(ctx.db.pool, async (tx) => {
    // Lock order: the endpoint, then its delivery (as deleting an endpoint does), so that the two
    // cannot deadlock. The endpoint's latest version decides whether it has failed long enough.
    const [endpoint] = await tx.rows<{ enabled: boolean; failing_for_ms: number | null }>(Prisma.sql`
      SELECT enabled, (extract(epoch FROM now() - failing_since) * 1000)::float8 AS failing_for_ms
      FROM webhook_endpoint WHERE id = ${delivery.endpointId}::uuid FOR NO KEY UPDATE`);
    if (!endpoint) return { recorded: false, disabled: false };
    const status = attempt.outcome === 'RETRY' ? 'PENDING' : attempt.outcome;
    const next =
      attempt.outcome === 'RETRY'
        ? Prisma.sql`now() + ${Math.max(0, Math.round(attempt.retryInMs ?? 0))}::bigint * interval '1 millisecond'`
        : Prisma.sql`NULL`;
    const updated = await tx.rows<{ id: string }>(Prisma.sql`
      UPDATE webhook_delivery
      SET status = ${status}::"WebhookDeliveryStatus", next_attempt_at = ${next},
          lease_token = NULL, lease_expires_at = NULL,
          response_status = ${attempt.responseStatus}::int, response_body = ${storableText(attempt.responseBody)},
          latency_ms = ${attempt.latencyMs}::int, last_error = ${storableText(attempt.error)},
          delivered_at = ${attempt.outcome === 'DELIVERED' ? Prisma.sql`now()` : Prisma.sql`NULL`}
      WHERE id = ${delivery.id}::bigint AND lease_token = ${delivery.leaseToken}::uuid
      RETURNING id::text AS id`);
    if (updated.length === 0) return { recorded: false, disabled: false };
    if (attempt.outcome === 'DELIVERED') {
      if (endpoint.failing_for_ms !== null) {
        await tx.rows(Prisma.sql`UPDATE webhook_endpoint SET failing_since = NULL WHERE id = ${delivery.endpointId}::uuid`);
      }
      return { recorded: true, disabled: false };
    }
    const disable = endpoint.enabled && endpoint.failing_for_ms !== null && endpoint.failing_for_ms >= disableAfterMs;
    if (disable) {
      await tx.rows(Prisma.sql`
        UPDATE webhook_endpoint
        SET enabled = false, updated_at = now(),
            disabled_reason = 'Disabled automatically: every delivery attempt since '
              || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') || ' failed (last: '
              || ${describeFailure(attempt)} || '). Fix the receiver, then enable the endpoint again: pending deliveries resume.'
        WHERE id = ${delivery.endpointId}::uuid`);
    } else if (endpoint.failing_for_ms === null) {
      await tx.rows(Prisma.sql`UPDATE webhook_endpoint SET failing_since = now() WHERE id = ${delivery.endpointId}::uuid`);
    }
    return { recorded: true, disabled: disable };
  }));
}

function describeFailure(attempt: AttemptRecord): string {
  return attempt.responseStatus !== null ? `HTTP ${attempt.responseStatus}` : (attempt.error ?? 'no answer').slice(0, 120);
}

/** Deletes finished deliveries older than `retentionMs` (a batch at a time; any process may). */
export async function pruneDeliveries(ctx: Pick<ServiceContext, 'db'>, retentionMs: number): Promise<number> {
  return ctx.db.prisma.$executeRaw(Prisma.sql`
    DELETE FROM webhook_delivery WHERE id IN (
      SELECT id FROM webhook_delivery
      WHERE status <> 'PENDING' AND created_at < now() - ${retentionMs}::bigint * interval '1 millisecond'
      LIMIT 10000)`);
}

/** PENDING deliveries to enabled endpoints (the backlog gauge). */
export async function countDeliveryBacklog(ctx: Pick<ServiceContext, 'db'>): Promise<{ pending: number; due: number }> {
  const [row] = await ctx.db.prisma.$queryRaw<Array<{ pending: number; due: number }>>(Prisma.sql`
    SELECT count(*)::int AS pending, count(*) FILTER (WHERE d.next_attempt_at <= now())::int AS due
    FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id
    WHERE d.status = 'PENDING' AND e.enabled`);
  return row ?? { pending: 0, due: 0 };
}

/**
 * Text a TEXT column can hold: PostgreSQL refuses a NUL character, which an answer's body may well
 * have (a gzip or other binary body), and the attempt would then never be recorded: the delivery
 * sent again at every lease's end, for ever. A NUL is kept as U+FFFD, as undecodable bytes are.
 */
function storableText(text: string | null): string | null {
  return text === null ? null : text.replaceAll('\u0000', '\uFFFD');
}
