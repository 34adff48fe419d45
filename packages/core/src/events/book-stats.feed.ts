import type { Database } from '@coupons/db';
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
  last: BookStats | null;
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
   * A stream of a book's counters: the current value at once, then each change. ADMIN only (the
   * numbers describe the whole campaign); NOT_FOUND for an unknown book.
   */
  async subscribe(ctx: ServiceContext, rawBookId: string): Promise<EventStream<BookStats>> {
    const caller = requireCaller(ctx);
    const bookId = requireUuid('bookId', rawBookId);
    if (caller.role !== 'ADMIN') throw forbidden('Only an admin may watch book statistics');
    const initial = (await unsafeReadBookStats(this.options.db, [bookId], this.options.clock.now())).get(bookId);
    if (!initial) throw notFound('Book', bookId);
    const book = this.watch(bookId);
    const stream: EventStream<BookStats> = new EventStream<BookStats>({
      maxBuffered: 100,
      onClose: () => {
        book.streams.delete(stream);
        if (book.streams.size === 0 && this.books.get(bookId) === book) this.unwatch(bookId, book);
      },
    });
    stream.push(initial);
    if (this.closed) {
      stream.end();
      return stream;
    }
    // A fresher value than the others have seen goes to them too, so all agree.
    if (!sameBookStats(book.last, initial)) {
      for (const other of book.streams) other.push(initial);
      book.last = initial;
    }
    book.streams.add(stream);
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

  private watch(bookId: string): WatchedBook {
    let book = this.books.get(bookId);
    if (!book) {
      book = { streams: new Set(), last: null, lastRunAt: 0, timer: null, running: false, dirty: false };
      this.books.set(bookId, book);
    }
    return book;
  }

  private unwatch(bookId: string, book: WatchedBook): void {
    if (book.timer) clearTimeout(book.timer);
    book.timer = null;
    this.books.delete(bookId);
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
      const stats = (await unsafeReadBookStats(this.options.db, [bookId], this.options.clock.now())).get(bookId);
      if (stats && !sameBookStats(book.last, stats)) {
        book.last = stats;
        for (const stream of book.streams) stream.push(stats);
      }
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
