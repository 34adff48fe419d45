import type { Database } from '@coupons/db';
import { startLockSweeper } from '../coupons/lock-sweeper.ts';
import { type Clock, type ServiceContext, systemClock } from '../shared/context.ts';
import { BookStatsFeed } from './book-stats.feed.ts';
import { CodeJobFeed } from './code-job.feed.ts';
import { LiveEventBus } from './coupon-event.bus.ts';
import { NotifyPublisher } from './notify.publisher.ts';
import type { OutboxCursorOptions } from './outbox.cursor.ts';
import { errorSummary, type ListenerLogger, OutboxListener } from './outbox.listener.ts';

export interface LiveEventsOptions {
  db: Database;
  /** `DATABASE_LISTEN_URL ?? DATABASE_URL`: a direct session for LISTEN. */
  listenUrl: string;
  clock?: Clock;
  /** The lock sweeper's period (config `LOCK_SWEEP_INTERVAL_MS`); 0 disables it (tools, some tests). */
  sweepIntervalMs: number;
  logger?: ListenerLogger;
  /** `application_name` of the LISTEN connection (default 'coupon-listener'). */
  listenerName?: string;
  pollIntervalMs?: number;
  bookStatsIntervalMs?: number;
  cursor?: Partial<OutboxCursorOptions>;
}

/** Everything live in one API process; the server owns its lifetime. */
export interface LiveEvents {
  /** Give it to every ServiceContext (`ctx.events`): services announce committed events here. */
  announcer: NotifyPublisher;
  /** Committed, hydrated coupon events of every process, once each, in commit order per coupon. */
  couponEvents: LiveEventBus;
  bookStats: BookStatsFeed;
  codeJobs: CodeJobFeed;
  listener: OutboxListener;
  /** Connects the listener (rejects if the database is unreachable), then starts the feeds and the sweeper. */
  start(): Promise<void>;
  /** Readiness: the LISTEN connection is up. */
  isReady(): boolean;
  /** Waits until everything committed and announced so far has reached the bus (tests, shutdown). */
  settle(): Promise<void>;
  /** Stops the sweeper, sends pending notifications, releases the LISTEN connection, ends every stream. */
  stop(): Promise<void>;
}

/**
 * The live-event machinery of one API process: the NOTIFY publisher, the one LISTEN connection
 * with its outbox cursor, the in-process bus, the book-stats and code-job feeds, and the lock
 * sweeper (every process runs one; `FOR UPDATE SKIP LOCKED` makes them safe together, and its
 * LOCK_EXPIRED events go through the same outbox, so countdowns end on every screen within a
 * sweep interval plus one notification). Nothing runs until `start()`; `announcer` may be handed
 * to request contexts before that (it only sends NOTIFYs).
 */
export function createLiveEvents(options: LiveEventsOptions): LiveEvents {
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const warn = (message: string) => (error: unknown) => logger?.warn({ err: errorSummary(error) }, message);
  const announcer = new NotifyPublisher({
    pool: options.db.pool,
    onError: warn('NOTIFY failed; listeners will catch up by polling'),
  });
  const system: ServiceContext = { db: options.db, caller: null, clock, events: announcer };
  const couponEvents = new LiveEventBus({
    onOverflow: () => logger?.warn({}, 'A live subscriber fell too far behind and was ended'),
  });
  const bookStats = new BookStatsFeed({
    db: options.db,
    clock,
    minIntervalMs: options.bookStatsIntervalMs,
    onError: warn('Book statistics recount failed'),
  });
  const codeJobs = new CodeJobFeed({
    system,
    announce: (jobId) => announcer.announceCodeJob(jobId),
    onError: warn('Code job progress read failed'),
  });
  const listener = new OutboxListener({
    connectionString: options.listenUrl,
    applicationName: options.listenerName,
    clock,
    logger,
    pollIntervalMs: options.pollIntervalMs,
    cursor: options.cursor,
    // Only a process with a live subscriber hydrates events (the common shop-facing process has none).
    hydrate: () => couponEvents.size > 0,
    onEvents: (events, hydrated) => couponEvents.publish(events, hydrated),
    onCodeJob: (jobId) => codeJobs.onAnnounced(jobId),
  });
  let sweeper: { stop(): Promise<void> } | null = null;
  let stopping: Promise<void> | null = null;

  return {
    announcer,
    couponEvents,
    bookStats,
    codeJobs,
    listener,
    async start() {
      await listener.start();
      bookStats.attach(couponEvents);
      codeJobs.start();
      if (options.sweepIntervalMs > 0) {
        sweeper = startLockSweeper(system, { intervalMs: options.sweepIntervalMs, onError: warn('Lock sweep failed') });
      }
    },
    isReady: () => listener.connected,
    async settle() {
      await announcer.flush();
      await listener.catchUp();
    },
    stop() {
      stopping ??= (async () => {
        await sweeper?.stop(); // a sweep in progress finishes and announces
        await announcer.close();
        await listener.stop();
        couponEvents.close();
        bookStats.close();
        codeJobs.close();
      })();
      return stopping;
    },
  };
}

/** Creates and starts {@link createLiveEvents} in one call (tools and tests). */
export async function startLiveEvents(options: LiveEventsOptions): Promise<LiveEvents> {
  const live = createLiveEvents(options);
  try {
    await live.start();
  } catch (error) {
    await live.stop();
    throw error;
  }
  return live;
}
