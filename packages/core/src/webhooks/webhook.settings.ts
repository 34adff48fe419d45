import type { Config } from '@coupons/config';
import type { WebhookResolver, WebhookUrlPolicy } from './webhook.address.ts';
import type { RetrySchedule } from './webhook.retry.ts';

/** How webhooks behave in this process (from the configuration; tests shorten the waits). */
export interface WebhookSettings {
  policy: WebhookUrlPolicy;
  retry: RetrySchedule;
  /** One attempt's limit (`WEBHOOK_TIMEOUT_MS`, 10 s). */
  timeoutMs: number;
  /** How long a claimed delivery is held by its process (`WEBHOOK_LEASE_MS`); longer than a timeout, so a live sender never loses it. */
  leaseMs: number;
  /** Attempts in flight to one endpoint, across every process (`WEBHOOK_CONCURRENCY_PER_ENDPOINT`). */
  concurrencyPerEndpoint: number;
  /** Attempts in flight in this process, to all endpoints together. */
  maxInFlight: number;
  /** An endpoint whose attempts have failed for this long, with no success between, is disabled. */
  disableAfterMs: number;
  /** How long the old secret keeps signing after `rotateWebhookSecret` (24 h). */
  secretOverlapMs: number;
  /** How much of a response body the delivery log keeps. */
  responseBodyBytes: number;
  /** Looks for due deliveries this often even when nothing wakes it (`WEBHOOK_POLL_INTERVAL_MS`). */
  pollIntervalMs: number;
  /** DELIVERED and FAILED deliveries older than this are deleted (`WEBHOOK_RETENTION_DAYS`). */
  retentionMs: number;
  /** The resolver of the address checks (the system's; tests inject one). */
  resolve?: WebhookResolver;
}

/** The settings the configuration gives. */
export function webhookSettingsFrom(config: Config): WebhookSettings {
  return {
    policy: { strict: config.isProduction, allowedHosts: config.WEBHOOK_ALLOWED_HOSTS },
    retry: { baseMs: config.WEBHOOK_RETRY_BASE_MS, maxDelayMs: config.WEBHOOK_RETRY_MAX_DELAY_MS, maxAttempts: config.WEBHOOK_MAX_ATTEMPTS },
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    leaseMs: config.WEBHOOK_LEASE_MS,
    concurrencyPerEndpoint: config.WEBHOOK_CONCURRENCY_PER_ENDPOINT,
    maxInFlight: 64,
    disableAfterMs: config.WEBHOOK_DISABLE_AFTER_HOURS * 3_600_000,
    secretOverlapMs: 24 * 3_600_000,
    responseBodyBytes: 1024,
    pollIntervalMs: config.WEBHOOK_POLL_INTERVAL_MS,
    retentionMs: config.WEBHOOK_RETENTION_DAYS * 86_400_000,
  };
}
