import type { Database } from '@coupons/db';
import { isAdmin } from '../shared/access.ts';
import { type Clock, requireCaller, type ServiceContext } from '../shared/context.ts';
import { forbidden, notFound } from '../shared/errors.ts';
import { requireUuid } from '../shared/validation.ts';
import { type BookStats, sameBookStats, unsafeReadBookStats } from './book-stats.sql.ts';
import type { LiveEventBus } from './coupon-event.bus.ts';
import { EventStream } from './event.stream.ts';

export interface BookStatsFeedOptions {
  db: Database;
  clock: Clock;
  /** At most one recount per book per this many ms (default 250: ≤ 4 pushes per second). */
  minIntervalMs?: number;
  /** Recount watched books this often even without events: `redemptionsLastMinute` decays (default 5 s). */
  refreshMs?: number;
  onError?: (error: unknown) => void;
}

interface WatchedBook {
  streams: Set<EventStream<BookStats>>;
  /** The newest counters known: what every stream saw last. */
  last: BookStats | null;
  /** Orders the starts and returns of this book's reads (a recount and first reads may overlap). */
  tick: number;
  /** When the read that gave `last` started and came back, in ticks. */
  lastReadStart: number;
  lastReadEnd: number;
  /** Subscribers whose first read is in flight: the book stays watched for them. */
  joining: number;
  lastRunAt: number;
  timer: NodeJS.Timeout | null;
  running: boolean;
  dirty: boolean;
}

/**
 * Live counters per book. A change is any committed event of the book (heard on the bus); the
 * recount is shared by every subscriber of the book in this process and throttled (leading and
 * trailing edge) to `minIntervalMs`, so a burst of 1,000 redemptions costs a handful of counts
 * and pushes. A value is pushed only when it differs from the last one pushed.
 *
 * A new subscriber's first read runs beside the recount, so reads of one book can overlap and
 * come back in any order. A value is taken (pushed to all, kept as `last`) only when its read
 * started after the read of `last` came back: PostgreSQL then took its snapshot later, so no
 * stream ever goes back to older counts. See {@link BookStatsFeed.offer}.
 */
export class BookStatsFeed {
  private readonly books = new Map<string, WatchedBook>();
  private refreshTimer: NodeJS.Timeout | null = null;
  private detach: (() => void) | null = null;
  private closed = false;

  constructor(private readonly options: BookStatsFeedOptions) {}

  /** Starts hearing which books change (and the periodic refresh). */
  attach(bus: LiveEventBus): void {
    this.detach = bus.onBatch((events) => {
      for (const bookId of new Set(events.map((event) => event.bookId))) this.touch(bookId);
    });
    this.refreshTimer = setInterval(() => {
      for (const bookId of this.books.keys()) this.touch(bookId);
    }, this.options.refreshMs ?? 5_000);
    this.refreshTimer.unref();
  }

  /**
   * A stream of a book's counters: the current value at once, then each change, ending when the
   * book is deleted. ADMIN only (the numbers describe the whole campaign); NOT_FOUND for an
   * unknown book.
   */
  async subscribe(ctx: ServiceContext, rawBookId: string): Promise<EventStream<BookStats>> {
    requireCaller(ctx);
    const bookId = requireUuid('bookId', rawBookId);
    // An admin, or an API key with the ADMIN scope (a key's caller always has the ADMIN role).
    if (!isAdmin(ctx)) throw forbidden('Only an admin may watch book statistics');
    if (this.closed) return this.endedStream(bookId);
    // Watched before the read, so the read is ordered against the recounts that run meanwhile.
    const book = this.watch(bookId);
    book.joining += 1;
    let initial: BookStats;
    try {
      initial = await this.readFirst(bookId, book);
    } catch (error) {
      book.joining -= 1;
      this.unwatchIfIdle(bookId, book);
      throw error;
    }
    book.joining -= 1;
    const stream: EventStream<BookStats> = new EventStream<BookStats>({
      maxBuffered: 100,
      onClose: () => {
        book.streams.delete(stream);
        this.unwatchIfIdle(bookId, book);
      },
    });
    stream.push(initial);
    if (this.closed) stream.end();
    else book.streams.add(stream);
    return stream;
  }

  /** Ends every stream and stops recounting. */
  close(): void {
    this.closed = true;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.detach?.();
    for (const [bookId, book] of this.books) {
      for (const stream of [...book.streams]) stream.end();
      this.unwatch(bookId, book);
    }
  }

  /** After close: the current value, then the end (NOT_FOUND for an unknown book, as ever). */
  private async endedStream(bookId: string): Promise<EventStream<BookStats>> {
    const initial = (await unsafeReadBookStats(this.options.db, [bookId], this.options.clock.now())).get(bookId);
    if (!initial) throw notFound('Book', bookId);
    const stream = new EventStream<BookStats>();
    stream.push(initial);
    stream.end();
    return stream;
  }

  private watch(bookId: string): WatchedBook {
    let book = this.books.get(bookId);
    if (!book) {
      book = {
        streams: new Set(),
        last: null,
        tick: 0,
        lastReadStart: 0,
        lastReadEnd: 0,
        joining: 0,
        lastRunAt: 0,
        timer: null,
        running: false,
        dirty: false,
      };
      this.books.set(bookId, book);
    }
    return book;
  }

  /** Stops watching a book nobody watches or is joining any more. */
  private unwatchIfIdle(bookId: string, book: WatchedBook): void {
    if (book.streams.size === 0 && book.joining === 0 && this.books.get(bookId) === book) this.unwatch(bookId, book);
  }

  private unwatch(bookId: string, book: WatchedBook): void {
    if (book.timer) clearTimeout(book.timer);
    book.timer = null;
    this.books.delete(bookId);
  }

  /** Reads a book's counters; `startedAt` places the read among the book's other reads. */
  private async read(bookId: string, book: WatchedBook): Promise<{ stats: BookStats | undefined; startedAt: number }> {
    const startedAt = ++book.tick;
    const stats = (await unsafeReadBookStats(this.options.db, [bookId], this.options.clock.now())).get(bookId);
    return { stats, startedAt };
  }

  /**
   * Takes a read's counters when they are surely the newest: the read started after the read of
   * `last` came back, so its snapshot is later (the order reads start in would not do: they run
   * on different pooled connections, which PostgreSQL may serve in either order). They become
   * `last` and go to every stream when they differ. A read that overlapped the read of `last` may
   * be older or newer, so it changes nothing; the caller reads again when it must know.
   */
  private offer(book: WatchedBook, stats: BookStats, startedAt: number): boolean {
    if (startedAt < book.lastReadEnd) return false;
    book.lastReadStart = startedAt;
    book.lastReadEnd = ++book.tick;
    if (!sameBookStats(book.last, stats)) {
      book.last = stats;
      for (const stream of book.streams) stream.push(stats);
    }
    return true;
  }

  /**
   * A new subscriber's first counters: never older than `last` (what the others see), and read
   * after the call (so they hold every write the caller committed before subscribing). When a
   * read that overlapped ours gave `last` first and disagrees, `last` will do if its read started
   * after ours; otherwise we read again, now after it came back. Each retry means a read that
   * started before our first one came back meanwhile, so the retries are few (the recount runs
   * alone). NOT_FOUND for an unknown book.
   */
  private async readFirst(bookId: string, book: WatchedBook): Promise<BookStats> {
    let since: number | null = null;
    for (;;) {
      const { stats, startedAt } = await this.read(bookId, book);
      since ??= startedAt;
      if (!stats) throw notFound('Book', bookId);
      if (this.offer(book, stats, startedAt)) return stats;
      if (book.last && (book.lastReadStart > since || sameBookStats(book.last, stats))) return book.last;
    }
  }

  /** Asks for a recount of a watched book, throttled. */
  private touch(bookId: string): void {
    const book = this.books.get(bookId);
    if (!book || this.closed) return;
    if (book.running || book.timer) {
      book.dirty = true;
      return;
    }
    const wait = Math.max(0, book.lastRunAt + (this.options.minIntervalMs ?? 250) - Date.now());
    book.timer = setTimeout(() => {
      book.timer = null;
      void this.recount(bookId, book);
    }, wait);
  }

  private async recount(bookId: string, book: WatchedBook): Promise<void> {
    book.running = true;
    book.dirty = false;
    book.lastRunAt = Date.now();
    try {
      const { stats, startedAt } = await this.read(bookId, book);
      if (!stats) {
        // The book was deleted (no coupon event says so: the periodic refresh finds it). Its
        // dashboards complete, as when the server stops; each stream's close unwatches the book.
        for (const stream of [...book.streams]) stream.end();
        return;
      }
      // Overlapped by a first read that came back first and disagrees: count again to settle it.
      if (!this.offer(book, stats, startedAt) && !sameBookStats(book.last, stats)) book.dirty = true;
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      book.running = false;
    }
    if (book.dirty && this.books.get(bookId) === book) {
      book.dirty = false;
      this.touch(bookId);
    }
  }
}
