import type { LiveCouponEvent } from './coupon-event.record.ts';
import { EventStream } from './event.stream.ts';

/** Chooses the events a subscriber receives (book, code, and the caller's right to see each one). */
export type EventFilter = (event: LiveCouponEvent) => boolean;

/**
 * The in-process fan-out of committed, hydrated coupon events. The process's one listener
 * publishes each batch once; every subscription of this process reads from it through its own
 * bounded {@link EventStream}. Batches arrive in delivery order, so each subscriber sees one
 * coupon's events in the order they committed.
 */
export class LiveEventBus {
  private readonly subscribers = new Set<{ filter: EventFilter; stream: EventStream<LiveCouponEvent> }>();
  private readonly batchListeners = new Set<(events: readonly LiveCouponEvent[]) => void>();
  private closed = false;

  constructor(private readonly options: { maxBuffered?: number; onOverflow?: () => void } = {}) {}

  /** Number of open subscriptions (metrics, tests). */
  get size(): number {
    return this.subscribers.size;
  }

  /** A stream of the events `filter` accepts, from now on; `return()` unsubscribes. */
  subscribe(filter: EventFilter): EventStream<LiveCouponEvent> {
    const entry = {
      filter,
      stream: new EventStream<LiveCouponEvent>({
        maxBuffered: this.options.maxBuffered,
        onOverflow: this.options.onOverflow,
        onClose: () => this.subscribers.delete(entry),
      }),
    };
    if (this.closed) entry.stream.end();
    else this.subscribers.add(entry);
    return entry.stream;
  }

  /** Hears every batch (book statistics use it to know which books changed). Returns the unsubscribe. */
  onBatch(listener: (events: readonly LiveCouponEvent[]) => void): () => void {
    this.batchListeners.add(listener);
    return () => this.batchListeners.delete(listener);
  }

  /**
   * Delivers a batch to every subscriber whose filter accepts each event (a throwing filter skips
   * that subscriber), then to the batch listeners. A batch read without hydration (`hydrated`
   * false: nobody subscribed when it was read, so its events committed before any subscriber now
   * here) goes to the batch listeners only.
   */
  publish(events: readonly LiveCouponEvent[], hydrated = true): void {
    if (this.closed || events.length === 0) return;
    for (const { filter, stream } of hydrated ? this.subscribers : []) {
      for (const event of events) {
        let accepted = false;
        try {
          accepted = filter(event);
        } catch {
          accepted = false;
        }
        if (accepted && !stream.push(event)) break;
      }
    }
    for (const listener of this.batchListeners) {
      try {
        listener(events);
      } catch {
        // One consumer's bug must not stop the others.
      }
    }
  }

  /** Ends every stream (they finish what is buffered) and refuses new subscribers. */
  close(): void {
    this.closed = true;
    for (const { stream } of [...this.subscribers]) stream.end();
    this.batchListeners.clear();
  }
}
