import type { ServiceContext } from '../shared/context.ts';
import { literalAddressRefusal, pinnedLookup } from './webhook.address.ts';
import { type AttemptRecord, type ClaimedDelivery, claimDueDeliveries, pruneDeliveries, recordAttempt } from './webhook-delivery.sql.ts';
import { fanOutWebhookEvents } from './webhook.fanout.ts';
import { postWebhook, type WebhookHttpResult } from './webhook.http.ts';
import { attemptVerdict, retryDelayMs } from './webhook.retry.ts';
import type { WebhookSettings } from './webhook.settings.ts';
import { signWebhook } from './webhook.signing.ts';

/** One finished attempt, for metrics and logs. */
export interface WebhookAttemptReport {
  deliveryId: string;
  endpointId: string;
  outcome: 'DELIVERED' | 'RETRY' | 'FAILED';
  status: number | null;
  /** TIMEOUT, CONNECTION, REFUSED_ADDRESS, or null when there was an answer. */
  error: string | null;
  latencyMs: number;
  /** The endpoint was disabled by this attempt (it had been failing for too long). */
  endpointDisabled: boolean;
  /** False when the lease had been lost (another process owns the delivery now). */
  recorded: boolean;
}

export interface WebhookDispatcherOptions {
  ctx: Pick<ServiceContext, 'db' | 'clock'>;
  settings: WebhookSettings;
  onAttempt?: (report: WebhookAttemptReport) => void;
  onError?: (error: unknown, during: 'fan-out' | 'claim' | 'record' | 'prune') => void;
}

const PRUNE_INTERVAL_MS = 10 * 60_000;
const FAN_OUT_RECHECK_MS = 50;
/**
 * While no endpoint is enabled, the least time between two rounds that new events start: the
 * events are read only to move the cursor past them, so under a steady stream of transitions a
 * round reads what gathered in this time instead of the few events of one listener batch (at 750
 * claims/s, from a round every few milliseconds, a transaction of four statements each, to ten a
 * second). With an endpoint enabled every batch starts a round at once, for the receivers'
 * sake; a new endpoint is seen by the next round, at most this long after an event.
 */
const IDLE_EVENTS_ROUND_GAP_MS = 100;

/**
 * The webhook sender of one API process. Every process runs one: the fan-out cursor row and the
 * claim's `SKIP LOCKED` share the work between them, so there is no separate worker to deploy,
 * size or watch, and sending scales with the API. A round (`wake()`; also every poll interval):
 *
 * 1. fans the outbox out into deliveries (one process at a time; see webhook.fanout.ts);
 * 2. claims due deliveries into this process's free slots (at most `maxInFlight` at once, and
 *    `concurrencyPerEndpoint` per endpoint across all processes), each under a lease, the
 *    endpoints taking turns (a backlog on some does not hold the others back until it drains);
 * 3. sends each one (signed, pinned to checked addresses, 10 s timeout, no redirects) and records
 *    the result under its lease: DELIVERED, a retry at a backed-off time, or FAILED.
 *
 * A process killed mid-send holds its leases until they run out; then any process claims those
 * deliveries again (at least once: the receiver deduplicates by `webhook-id`).
 */
export class WebhookDispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private pollTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAt = Number.POSITIVE_INFINITY;
  private round: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private lastPrune = 0;
  private lastRoundAt = Number.NEGATIVE_INFINITY;
  /** The last fan-out that matched events found no enabled endpoint. */
  private noEndpoints = false;
  /** The endpoint this process last claimed for: the next claim starts after it (endpoints take turns). */
  private claimAfter: string | null = null;

  constructor(private readonly options: WebhookDispatcherOptions) {}

  /** Starts polling (and runs a round at once: deliveries left by a previous process are picked up). */
  start(): void {
    if (this.pollTimer || this.stopped) return;
    this.pollTimer = setInterval(() => this.wake(), this.options.settings.pollIntervalMs);
    this.pollTimer.unref();
    this.wake();
  }

  /** Runs a round soon (new events committed, a test or redelivery requested, a slot freed). */
  wake(): void {
    if (this.stopped) return;
    if (this.round) {
      this.again = true;
      return;
    }
    this.round = this.runRound().finally(() => {
      this.round = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /**
   * New events were committed (a listener batch): a round now; while no endpoint is enabled, at
   * most one every {@link IDLE_EVENTS_ROUND_GAP_MS}.
   */
  wakeForEvents(): void {
    const next = this.lastRoundAt + IDLE_EVENTS_ROUND_GAP_MS;
    if (!this.noEndpoints || Date.now() >= next) this.wake();
    else this.wakeAt(next);
  }

  /** Waits until the current round (if any) and every send in flight have finished. */
  async idle(): Promise<void> {
    while (this.round || this.inFlight.size > 0) {
      await Promise.all([this.round, ...this.inFlight]);
    }
  }

  /** Stops claiming; sends in flight finish (each within its timeout) and are recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.idle();
  }

  private async runRound(): Promise<void> {
    const { ctx, settings, onError } = this.options;
    this.lastRoundAt = Date.now();
    try {
      for (let batches = 0; batches < 20; batches++) {
        const fanned = await fanOutWebhookEvents(ctx);
        // Another process holds the cursor: it may have read just before the events that woke
        // us, so look again shortly rather than at the next poll.
        if (fanned === null) this.wakeAt(Date.now() + FAN_OUT_RECHECK_MS);
        if (fanned && fanned.enabledEndpoints !== null) this.noEndpoints = fanned.enabledEndpoints === 0;
        if (!fanned?.more) break;
      }
    } catch (error) {
      onError?.(error, 'fan-out');
    }
    if (this.stopped) return;
    try {
      const free = settings.maxInFlight - this.inFlight.size;
      const claimed = await claimDueDeliveries(ctx, {
        max: free,
        perEndpoint: settings.concurrencyPerEndpoint,
        leaseMs: settings.leaseMs,
        maxAttempts: settings.retry.maxAttempts,
        after: this.claimAfter,
      });
      if (claimed.length > 0) this.claimAfter = claimed[claimed.length - 1].endpointId;
      for (const delivery of claimed) this.track(this.send(delivery));
      // A full claim may have left due work behind: go again once this one is under way.
      if (claimed.length > 0 && claimed.length === free) this.again = true;
    } catch (error) {
      onError?.(error, 'claim');
    }
    if (Date.now() - this.lastPrune > PRUNE_INTERVAL_MS) {
      this.lastPrune = Date.now();
      pruneDeliveries(ctx, settings.retentionMs).catch((error) => onError?.(error, 'prune'));
    }
  }

  private track(sending: Promise<void>): void {
    this.inFlight.add(sending);
    sending.finally(() => {
      this.inFlight.delete(sending);
      this.wake(); // a slot is free: the endpoint may have more due
    });
  }

  private async send(delivery: ClaimedDelivery): Promise<void> {
    const { ctx, settings, onAttempt, onError } = this.options;
    const result = await this.post(delivery);
    const verdict = attemptVerdict(result.kind === 'response' ? result : { kind: 'error', error: result.error });
    const outcome: AttemptRecord['outcome'] =
      verdict === 'DELIVERED' ? 'DELIVERED' : verdict === 'RETRY' && delivery.attemptInCycle < settings.retry.maxAttempts ? 'RETRY' : 'FAILED';
    const retryInMs =
      outcome === 'RETRY'
        ? retryDelayMs(delivery.attemptInCycle, settings.retry, result.kind === 'response' ? result.retryAfterMs : null)
        : undefined;
    const record: AttemptRecord = {
      outcome,
      retryInMs,
      responseStatus: result.kind === 'response' ? result.status : null,
      responseBody: result.kind === 'response' ? result.body : null,
      latencyMs: result.latencyMs,
      error: result.kind === 'error' ? `${result.error}: ${result.message}` : null,
    };
    let written = { recorded: false, disabled: false };
    try {
      written = await recordAttempt(ctx, delivery, record, settings.disableAfterMs);
    } catch (error) {
      // The lease runs out and the delivery is sent again: at least once, never lost.
      onError?.(error, 'record');
    }
    if (retryInMs !== undefined && written.recorded) this.wakeAt(Date.now() + retryInMs);
    onAttempt?.({
      deliveryId: delivery.id,
      endpointId: delivery.endpointId,
      outcome,
      status: record.responseStatus,
      error: result.kind === 'error' ? result.error : null,
      latencyMs: result.latencyMs,
      endpointDisabled: written.disabled,
      recorded: written.recorded,
    });
  }

  /** Signs (at send time: the timestamp is this attempt's) and POSTs one delivery. */
  private post(delivery: ClaimedDelivery): Promise<WebhookHttpResult> {
    const { settings } = this.options;
    let url: URL;
    try {
      url = new URL(delivery.url);
    } catch {
      return Promise.resolve({ kind: 'error', error: 'CONNECTION', message: 'The endpoint URL is not valid', latencyMs: 0 });
    }
    const refusal = literalAddressRefusal(settings.policy, url);
    if (refusal) return Promise.resolve({ kind: 'error', error: 'REFUSED_ADDRESS', message: refusal.message, latencyMs: 0 });
    const headers = signWebhook(delivery.secrets, {
      id: delivery.messageId,
      timestamp: Math.floor(Date.now() / 1000),
      body: delivery.payload,
    });
    return postWebhook({
      url,
      headers: { ...headers },
      body: delivery.payload,
      timeoutMs: settings.timeoutMs,
      maxBodyBytes: settings.responseBodyBytes,
      lookup: pinnedLookup(settings.policy, url, settings.resolve),
    });
  }

  /** A retry (or an event round held back) due before the next poll gets a round of its own at its time. */
  private wakeAt(at: number): void {
    if (at - Date.now() >= this.options.settings.pollIntervalMs || at >= this.retryAt || this.stopped) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryAt = at;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryAt = Number.POSITIVE_INFINITY;
      this.wake();
    }, Math.max(0, at - Date.now()) + 5);
    this.retryTimer.unref();
  }
}
