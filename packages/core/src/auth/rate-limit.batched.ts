import type pg from 'pg';
import type { Clock } from '../shared/context.ts';
import { DomainError } from '../shared/errors.ts';

/** Options of {@link BatchedRateLimiter}. */
export interface BatchedRateLimiterOptions {
  /** Where the shared counters live (`db.pool`); the sync statement runs here, off the request. */
  pool: Pick<pg.Pool, 'query'>;
  clock: Clock;
  /** Fixed windows aligned to the epoch, as {@link consumeRateLimit}'s. */
  windowSeconds: number;
  /** How long admissions are gathered before one sync statement (default 250 ms). */
  syncIntervalMs?: number;
  /**
   * Share of a key's limit one instance may admit on its own view, before PostgreSQL has counted
   * them (default 0.05, at least one request). Past it, a request waits for the next sync.
   */
  localShare?: number;
  /** A failed sync only loosens the limit for a moment (requests are let through); reported here. */
  onError?: (error: unknown) => void;
}

interface Waiter {
  /** Admissions of its key sent before it in the same sync: its place in the increment. */
  offset: number;
  limit: number;
  resolve(): void;
  reject(error: unknown): void;
}

interface Bucket {
  windowStart: number;
  /** The key's count in PostgreSQL (every instance's) as of this instance's last sync. */
  known: number;
  /** Admitted here, not yet sent. */
  pending: number;
  /** Admitted here, in the sync statement in flight. */
  sending: number;
  /** Requests past the local share, waiting for the next sync to place them (all in `pending`). */
  waiters: Waiter[];
}

interface Sent {
  key: string;
  bucket: Bucket;
  windowStart: number;
  count: number;
  waiters: Waiter[];
}

const DEFAULT_SYNC_INTERVAL_MS = 250;
const DEFAULT_LOCAL_SHARE = 0.05;
const EVICT_EVERY_MS = 1000;

/**
 * A fixed-window rate limit held in PostgreSQL (`rate_limit_bucket`, like the login limit) without
 * a database round trip on the request path — for mutations, whose hot paths (assign, lock,
 * redeem) are single statements that an extra upsert would double.
 *
 * How: each instance admits from memory while its view of a key (the count PostgreSQL returned at
 * its last sync, plus what it admitted since) is under the limit *and* it has admitted fewer than
 * the local share (5 % of the limit) since that sync. Every 250 ms one statement adds all keys'
 * new admissions to their shared counters and returns the totals (every instance's), which become
 * the new view. A request past the local share waits for that statement, started at once and
 * shared by every request waiting in the same tick; it is admitted only if its place in the
 * atomic increment is within the limit, so confirmed admissions are exact.
 *
 * What that guarantees: one instance enforces the limit exactly. With N instances, a key can
 * exceed it by at most (N − 1) × the local share in a window (each other instance may admit its
 * share on a view that misses the latest admissions elsewhere): with the default 600 and two
 * instances, 630 at most. An ordinary caller never waits. The alternative, a per-instance budget
 * of limit ÷ N in memory, needs N configured, breaks when N changes (autoscaling), and refuses a
 * caller whose keep-alive connection pins them to one instance at 1/N of their limit.
 *
 * Refused requests that reached the database count as attempts. A failed sync lets its waiting
 * requests through (fail open: the mutation needs the database anyway) and retries its counts.
 */
export class BatchedRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly dirty = new Set<string>();
  private readonly windowMs: number;
  private readonly syncIntervalMs: number;
  private readonly localShare: number;
  private waiting = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerDue = 0;
  private running: Promise<void> | null = null;
  private notBefore = 0;
  private lastEviction = 0;
  private closed = false;

  constructor(private readonly options: BatchedRateLimiterOptions) {
    this.windowMs = options.windowSeconds * 1000;
    this.syncIntervalMs = options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
    this.localShare = options.localShare ?? DEFAULT_LOCAL_SHARE;
  }

  /**
   * Counts one request against `key`. Returns `undefined` when admitted at once, a promise when
   * the request must wait for the next sync (it resolves when admitted), and throws
   * RATE_LIMITED with `retryAfterSeconds` when the limit is reached.
   */
  admit(key: string, limit: number): Promise<void> | undefined {
    const now = this.options.clock.now().getTime();
    const bucket = this.bucketFor(key, now);
    const unconfirmed = bucket.pending + bucket.sending;
    if (bucket.known + unconfirmed >= limit) throw this.refusal(bucket, now);
    if (this.closed) return undefined;
    this.dirty.add(key);
    if (unconfirmed < Math.max(1, Math.floor(limit * this.localShare))) {
      bucket.pending++;
      this.schedule(this.syncIntervalMs);
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      bucket.waiters.push({ offset: bucket.pending, limit, resolve, reject });
      bucket.pending++;
      this.waiting++;
      this.schedule(0);
    });
  }

  /** Sends every admission counted so far and waits for the answer (tests, shutdown). One attempt. */
  async flush(): Promise<void> {
    if (this.running) await this.running;
    if (this.dirty.size > 0) await this.startSync();
  }

  /** Sends what is pending, then admits without counting (the server has stopped taking requests). */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.notBefore = 0;
    await this.flush();
    this.closed = true;
  }

  private bucketFor(key: string, now: number): Bucket {
    const windowStart = Math.floor(now / this.windowMs) * this.windowMs;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { windowStart, known: 0, pending: 0, sending: 0, waiters: [] };
      this.buckets.set(key, bucket);
    } else if (bucket.windowStart !== windowStart) {
      // A new window: the count starts again. Requests still waiting on the old one go through.
      for (const waiter of bucket.waiters) waiter.resolve();
      this.waiting -= bucket.waiters.length;
      Object.assign(bucket, { windowStart, known: 0, pending: 0, sending: 0, waiters: [] });
    }
    return bucket;
  }

  private refusal(bucket: Bucket, now: number): DomainError {
    const retryAfterSeconds = Math.max(1, Math.ceil((bucket.windowStart + this.windowMs - now) / 1000));
    return new DomainError('RATE_LIMITED', `Too many requests; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }

  /** Runs a sync within `delayMs` (an earlier due time wins); after a failure, not before `notBefore`. */
  private schedule(delayMs: number): void {
    if (this.running) return; // it reschedules itself when it ends
    const due = Math.max(Date.now() + delayMs, this.notBefore);
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => void this.startSync(), due - Date.now());
    this.timer.unref();
  }

  /** One sync at a time: admissions made meanwhile go in the next, scheduled when this one ends. */
  private startSync(): Promise<void> {
    if (this.running) return this.running;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const run = this.sync().finally(() => {
      this.running = null;
      if (this.dirty.size > 0 && !this.closed) this.schedule(this.waiting > 0 ? 0 : this.syncIntervalMs);
    });
    this.running = run;
    return run;
  }

  private async sync(): Promise<void> {
    const sent: Sent[] = [];
    for (const key of this.dirty) {
      const bucket = this.buckets.get(key);
      if (!bucket || bucket.pending === 0) continue;
      sent.push({ key, bucket, windowStart: bucket.windowStart, count: bucket.pending, waiters: bucket.waiters });
      this.waiting -= bucket.waiters.length;
      bucket.sending += bucket.pending;
      bucket.pending = 0;
      bucket.waiters = [];
    }
    this.dirty.clear();
    if (sent.length > 0) {
      try {
        const totals = await this.addToSharedCounters(sent);
        for (const entry of sent) this.settle(entry, totals.get(entry.key));
      } catch (error) {
        this.options.onError?.(error);
        this.notBefore = Date.now() + this.syncIntervalMs;
        for (const entry of sent) this.giveBack(entry);
      }
    }
    this.evictPastWindows();
  }

  /**
   * One statement for every key: add this instance's admissions to the shared counters and read
   * the totals. Rows are locked in key order, so two instances syncing overlapping keys cannot
   * deadlock; an increment for a window the row has already left is dropped (it no longer counts).
   */
  private async addToSharedCounters(sent: Sent[]): Promise<Map<string, { count: number; windowStart: number }>> {
    const { rows } = await this.options.pool.query<{ key: string; count: number; window_start: Date }>(
      `INSERT INTO rate_limit_bucket AS b (key, window_start, count)
       SELECT t.key, t.window_start, t.count
       FROM unnest($1::text[], $2::timestamptz[], $3::int[]) AS t(key, window_start, count)
       ORDER BY t.key
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN b.window_start = EXCLUDED.window_start THEN b.count + EXCLUDED.count
                      WHEN b.window_start < EXCLUDED.window_start THEN EXCLUDED.count
                      ELSE b.count END,
         window_start = GREATEST(b.window_start, EXCLUDED.window_start)
       RETURNING key, count, window_start`,
      [sent.map((s) => s.key), sent.map((s) => new Date(s.windowStart).toISOString()), sent.map((s) => s.count)],
    );
    return new Map(rows.map((r) => [r.key, { count: Number(r.count), windowStart: new Date(r.window_start).getTime() }]));
  }

  /** Takes PostgreSQL's total as the new view and places each waiter in the increment. */
  private settle(entry: Sent, total: { count: number; windowStart: number } | undefined): void {
    const { bucket } = entry;
    const current = this.buckets.get(entry.key) === bucket && bucket.windowStart === entry.windowStart;
    if (current) bucket.sending -= entry.count;
    if (!current || !total || total.windowStart !== entry.windowStart) {
      // The window moved on while the statement ran: these admissions no longer count.
      for (const waiter of entry.waiters) waiter.resolve();
      return;
    }
    bucket.known = Math.max(bucket.known, total.count);
    const before = total.count - entry.count; // the key's count just before this increment
    const now = this.options.clock.now().getTime();
    for (const waiter of entry.waiters) {
      if (before + waiter.offset + 1 <= waiter.limit) waiter.resolve();
      else waiter.reject(this.refusal(bucket, now));
    }
  }

  /** After a failed sync: the counts are sent again next time; waiting requests go through. */
  private giveBack(entry: Sent): void {
    const { bucket } = entry;
    if (this.buckets.get(entry.key) === bucket && bucket.windowStart === entry.windowStart) {
      bucket.sending -= entry.count;
      bucket.pending += entry.count;
      if (bucket.pending > 0) this.dirty.add(entry.key);
    }
    for (const waiter of entry.waiters) waiter.resolve();
  }

  /** Forgets keys whose window has ended and that have nothing in flight: memory follows activity. */
  private evictPastWindows(): void {
    const now = this.options.clock.now().getTime();
    if (now - this.lastEviction < EVICT_EVERY_MS && this.lastEviction <= now) return;
    this.lastEviction = now;
    for (const [key, bucket] of this.buckets) {
      const idle = bucket.pending === 0 && bucket.sending === 0 && bucket.waiters.length === 0;
      if (idle && bucket.windowStart + this.windowMs <= now) this.buckets.delete(key);
    }
  }
}
