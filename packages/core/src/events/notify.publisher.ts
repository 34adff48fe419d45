import { preparedName } from '@coupons/db';
import type pg from 'pg';
import type { EventAnnouncer } from '../shared/context.ts';

/** The channel committed CouponEvent ids are announced on (payload: comma-separated ids). */
export const COUPON_EVENTS_CHANNEL = 'coupon_events';
/** The channel code-job progress is announced on (payload: the job id; the row holds the progress). */
export const CODE_JOBS_CHANNEL = 'coupon_code_jobs';

const NOTIFY_STATEMENT = 'SELECT pg_notify(ch, p) FROM unnest($1::text[], $2::text[]) AS t(ch, p)';
const NOTIFY_NAME = preparedName('cbs_notify', NOTIFY_STATEMENT);

/** NOTIFY payloads must stay under 8,000 bytes; ids are ≤ 20 digits, so this stays near 2 kB. */
const MAX_IDS_PER_PAYLOAD = 100;

export interface NotifyPublisherOptions {
  pool: Pick<pg.Pool, 'query'>;
  /** How long announcements are gathered before one NOTIFY round trip (default 2 ms). */
  coalesceMs?: number;
  /** A failed NOTIFY only delays delivery (listeners poll the outbox); it is reported here. */
  onError?: (error: unknown) => void;
}

/**
 * The {@link EventAnnouncer} of an API process: after a commit, services hand it event ids;
 * it gathers them for a few milliseconds and sends them with `pg_notify` in one statement on a
 * pooled connection. That statement is its own (autocommit) transaction, never the
 * claim/lock/redeem transaction: a transaction that notifies takes a database-wide lock at commit,
 * which would serialise every commit. Losing a notify (crash, error) costs a delay only: every
 * listener also polls the outbox by id.
 */
export class NotifyPublisher implements EventAnnouncer {
  private eventIds: string[] = [];
  private readonly jobIds = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: NotifyPublisherOptions) {}

  announce(eventIds: readonly string[]): void {
    if (this.closed || eventIds.length === 0) return;
    this.eventIds.push(...eventIds);
    this.schedule();
  }

  /** Tells other processes that a code job's stored progress changed. */
  announceCodeJob(jobId: string): void {
    if (this.closed) return;
    this.jobIds.add(jobId);
    this.schedule();
  }

  /** Sends what is pending now and waits for every send so far. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.send();
    await this.inFlight;
  }

  /** Sends what is pending, then ignores further announcements (shutdown). */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.send();
    }, this.options.coalesceMs ?? 2);
  }

  private send(): void {
    const channels: string[] = [];
    const payloads: string[] = [];
    for (let i = 0; i < this.eventIds.length; i += MAX_IDS_PER_PAYLOAD) {
      channels.push(COUPON_EVENTS_CHANNEL);
      payloads.push(this.eventIds.slice(i, i + MAX_IDS_PER_PAYLOAD).join(','));
    }
    for (const jobId of this.jobIds) {
      channels.push(CODE_JOBS_CHANNEL);
      payloads.push(jobId);
    }
    this.eventIds = [];
    this.jobIds.clear();
    if (payloads.length === 0) return;
    // Sends are chained so notifications leave in announcement order.
    this.inFlight = this.inFlight.then(() =>
      this.options.pool
        // Named: parsed and planned once per connection rather than on every send.
        .query({ name: NOTIFY_NAME, text: NOTIFY_STATEMENT, values: [channels, payloads] })
        .then(
          () => undefined,
          (error: unknown) => this.options.onError?.(error),
        ),
    );
  }
}
