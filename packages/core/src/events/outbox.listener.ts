import pg from 'pg';
import type { Clock } from '../shared/context.ts';
import type { LiveCouponEvent } from './coupon-event.record.ts';
import { CODE_JOBS_CHANNEL, COUPON_EVENTS_CHANNEL } from './notify.publisher.ts';
import { type GapRange, OutboxCursor, type OutboxCursorOptions } from './outbox.cursor.ts';
import { hydrateOutboxEvents, readOutbox, readOutboxStart } from './outbox.sql.ts';

/** The subset of a pino logger the listener uses. */
export interface ListenerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface OutboxListenerOptions {
  /** A direct connection (not through a transaction-mode PgBouncer: LISTEN needs a session). */
  connectionString: string;
  /** Shows in `pg_stat_activity.application_name`, so operators (and tests) can find it. */
  applicationName?: string;
  clock: Clock;
  /**
   * Receives each batch of newly visible events, in id order, exactly once per process; `hydrated`
   * is false when {@link OutboxListenerOptions.hydrate} said no when the batch was read.
   */
  onEvents: (events: LiveCouponEvent[], hydrated: boolean) => void;
  /**
   * Asked before each read: whether events need their coupon, redemption and actor (someone in
   * the process subscribes to them). Default: always.
   */
  hydrate?: () => boolean;
  /** Receives code-job ids announced by any process. */
  onCodeJob?: (jobId: string) => void;
  logger?: ListenerLogger;
  /** Safety-net poll of the outbox when no notification arrives (default 1,000 ms). */
  pollIntervalMs?: number;
  /** Rows read per statement (default 1,000); a full batch is followed by another at once. */
  batchSize?: number;
  /** Reconnect backoff: first wait and cap (defaults 100 ms, 5,000 ms), with jitter. */
  backoff?: { initialMs: number; maxMs: number };
  cursor?: Partial<OutboxCursorOptions>;
}

/**
 * How far below the newest event a new listener looks for ids still in flight
 * ({@link readOutboxStart}): a thousand when no other transaction is in flight, else 1.1 million:
 * the largest distribution (1,000,000 events in one transaction) and 100,000 events committed
 * beside it. A transaction holding ids further down when a process starts (a larger one, or one
 * held open past that many others) has its events pushed by the processes that were running,
 * not by this one (they stay in the table and in `Coupon.events`). Missing ids are kept as
 * ranges, so the width costs one pass over the index at start (about 0.7 s when busy), no more.
 */
const START_GAP_WINDOW = { quiet: 1_000, busy: 1_100_000 };

/**
 * The one LISTEN connection of an API process. It is a plain `pg.Client` (Prisma cannot LISTEN)
 * that hears `NOTIFY coupon_events` from every process, and reads the outbox table itself:
 * a notification only says "look now". Reading by id from a cursor (see {@link OutboxCursor} for
 * how gaps from out-of-order commits are handled) rather than trusting payloads means:
 *
 * - a lost notification (a crash between commit and announce, a dropped connection) costs at most
 *   `pollIntervalMs` of delay, never the event;
 * - each event is delivered exactly once per process, however many notifications name it;
 * - one statement per batch hydrates all its events for every subscriber of the process.
 *
 * When the connection drops it reconnects with exponential backoff, LISTENs again and then reads
 * from the cursor, so everything committed while it was away is delivered (late, in order).
 */
export class OutboxListener {
  private client: pg.Client | null = null;
  private cursor: OutboxCursor | null = null;
  private stopped = false;
  private started = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private connectedAt: Date | null = null;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly options: OutboxListenerOptions) {}

  /** True while the LISTEN connection is up (the readiness check). */
  get connected(): boolean {
    return this.client !== null && this.connectedAt !== null;
  }

  /** The server process id of the LISTEN connection (tests terminate it). */
  get backendPid(): number | null {
    return this.connected ? ((this.client as unknown as { processID?: number }).processID ?? null) : null;
  }

  /** Connects, LISTENs and sets the cursor at the newest event. Rejects if the first connection fails. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.connect();
    this.pollTimer = setInterval(() => this.requestRead(), this.options.pollIntervalMs ?? 1_000);
    this.pollTimer.unref();
  }

  /**
   * Reads the outbox now; resolves once a read that began after this call has finished (tests and
   * shutdown use it to be sure everything committed so far has been delivered).
   */
  catchUp(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.requestRead();
    });
  }

  /** Stops polling and reconnecting and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.reading?.catch(() => {});
    const client = this.client;
    this.client = null;
    this.connectedAt = null;
    await client?.end().catch(() => {});
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName ?? 'coupon-listener',
      keepAlive: true,
      // A read that hangs (a half-open TCP connection) counts as a dropped connection.
      query_timeout: 15_000,
    });
    let failed = false;
    const fail = (error?: unknown) => {
      if (failed) return;
      failed = true;
      this.onConnectionLost(client, error);
    };
    client.on('error', fail);
    client.on('end', () => fail());
    client.on('notification', (message) => this.onNotification(message));
    try {
      await client.connect();
      // Every read of this connection finds coupon_event rows (and their coupon, redemption and
      // actor) by primary key, as one statement prepared once and kept for the connection's life.
      // A plan made while coupon_event was small (a new database, a TRUNCATE, right after VACUUM
      // ANALYZE of an empty table) scanned the whole table on every later read until the next
      // ANALYZE: 0.10 ms of this backend's CPU per claim at 750 claims/s, against 0.02 ms with
      // index scans (bench/tools/pg-cpu-by-role.ts). No read here is better off scanning.
      await client.query('SET enable_seqscan = off');
      await client.query(`LISTEN ${COUPON_EVENTS_CHANNEL}`);
      await client.query(`LISTEN ${CODE_JOBS_CHANNEL}`);
      // The cursor starts at the newest event once, on the first connection; later connections
      // keep it, which is how a reconnect catches up on what it missed.
      if (!this.cursor) {
        const start = await readOutboxStart(client, START_GAP_WINDOW);
        this.cursor = new OutboxCursor(start.mark, start.gaps, Date.now(), this.options.cursor);
      }
    } catch (error) {
      failed = true;
      client.removeAllListeners();
      client.on('error', () => {});
      await client.end().catch(() => {});
      throw error;
    }
    if (this.stopped || failed) {
      // Stopped meanwhile, or the connection died between LISTEN and here (its error was ignored
      // because it was not the current client yet): drop it; a failure goes back to the backoff.
      await client.end().catch(() => {});
      if (failed && !this.stopped) throw new Error('The LISTEN connection closed while it was being set up');
      return;
    }
    this.client = client;
    this.connectedAt = new Date();
    if (this.attempt > 0) this.options.logger?.info({ attempts: this.attempt }, 'Event listener reconnected');
    this.attempt = 0;
    this.requestRead();
  }

  private onConnectionLost(client: pg.Client, error: unknown): void {
    client.on('error', () => {}); // later errors of a dead client are expected noise
    if (this.client !== client) return;
    this.client = null;
    this.connectedAt = null;
    client.end().catch(() => {});
    if (this.stopped) return;
    this.options.logger?.warn({ err: errorSummary(error) }, 'Event listener connection lost; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 100, maxMs: 5_000 };
    const base = Math.min(maxMs, initialMs * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2); // jitter: N processes do not reconnect in step
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().catch((error) => {
        this.options.logger?.warn({ err: errorSummary(error), attempt: this.attempt }, 'Event listener reconnect failed');
        this.scheduleReconnect();
      });
    }, delay);
  }

  private onNotification(message: pg.Notification): void {
    if (message.channel === CODE_JOBS_CHANNEL) {
      if (message.payload) this.options.onCodeJob?.(message.payload);
      // A job's chunk commits CREATED_BULK summaries without announcing them: read them now.
      this.requestRead();
      return;
    }
    // The payload (event ids) is only a hint; the outbox read decides what is new.
    this.requestRead();
  }

  /** Coalesces requests: one read at a time, and one more after it if anything asked meanwhile. */
  private requestRead(): void {
    if (this.stopped) {
      for (const resolve of this.waiters.splice(0)) resolve();
      return;
    }
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    const waiters = this.waiters.splice(0);
    this.reading = this.readLoop()
      .catch((error) => {
        this.options.logger?.warn({ err: errorSummary(error) }, 'Event listener read failed');
        // A failed read on a live connection means the connection is suspect: start afresh.
        if (this.client) this.onConnectionLost(this.client, error);
      })
      .finally(() => {
        this.reading = null;
        for (const resolve of waiters) resolve();
        if (this.readAgain || this.waiters.length > 0) {
          this.readAgain = false;
          this.requestRead();
        }
      });
  }

  private async readLoop(): Promise<void> {
    for (;;) {
      const client = this.client;
      const cursor = this.cursor;
      if (!client || !cursor || this.stopped) return;
      const wanted = () => this.options.hydrate?.() ?? true;
      const hydrate = wanted();
      const result = await readOutbox(client, {
        mark: cursor.mark,
        gaps: cursor.openGaps(),
        limit: this.options.batchSize ?? 1_000,
        now: this.options.clock.now(),
        hydrate,
      });
      const advanced = cursor.advance(result.events, result.snapshot, Date.now(), result.gapsReadThrough);
      const { abandoned } = advanced;
      let { deliver } = advanced;
      let hydrated = hydrate;
      if (!hydrate && deliver.length > 0 && wanted()) {
        // A subscriber arrived while the batch was read without hydration; some of these events
        // may have committed after it subscribed: hydrate them now, as of now (as any read does).
        deliver = await hydrateOutboxEvents(client, deliver.map((event) => event.id), this.options.clock.now());
        hydrated = true;
      }
      if (abandoned.length > 0) {
        this.options.logger?.warn(
          { ids: abandoned.slice(0, 20).map(([from, to]) => (from === to ? String(from) : `${from}-${to}`)), count: countIds(abandoned) },
          'Gave up waiting for outbox ids (a transaction stayed open too long); their live events are skipped',
        );
      }
      if (deliver.length > 0) {
        try {
          this.options.onEvents(deliver, hydrated);
        } catch (error) {
          // The cursor has moved on: a consumer's bug must not turn into a reconnect loop.
          this.options.logger?.error({ err: errorSummary(error) }, 'Live event consumer failed');
        }
      }
      if (!result.full) return;
    }
  }
}

/** How many ids these ranges hold. */
function countIds(ranges: readonly GapRange[]): number {
  return ranges.reduce((n, [from, to]) => n + Number(to - from + 1n), 0);
}

/** The loggable part of an error (message and SQLSTATE), never its parameters. */
export function errorSummary(error: unknown): { message?: string; code?: string } | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { message?: string; code?: string };
  return { message: e.message, code: e.code };
}
