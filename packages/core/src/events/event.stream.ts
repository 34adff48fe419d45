/**
 * A push-to-pull queue: producers `push`, one consumer iterates with `for await` (what graphql-js
 * expects from a subscription's source). Buffered values are bounded: a consumer that falls
 * `maxBuffered` behind (a stalled socket) is ended rather than let grow memory for ever; it may
 * subscribe again and read the audit trail for what it missed.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private ending = false;
  private closed = false;

  constructor(
    private readonly options: {
      maxBuffered?: number;
      /** Called once when the stream closes, however it closes (unsubscribe here). */
      onClose?: () => void;
      /** Called when the stream is ended because its consumer fell too far behind. */
      onOverflow?: () => void;
    } = {},
  ) {}

  /** Whether the consumer is gone or the stream was ended. */
  get isClosed(): boolean {
    return this.closed || this.ending;
  }

  /** Queues a value; returns false when the stream no longer accepts values. */
  push(value: T): boolean {
    if (this.closed || this.ending) return false;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value, done: false });
      return true;
    }
    if (this.buffer.length >= (this.options.maxBuffered ?? 10_000)) {
      this.options.onOverflow?.();
      this.end();
      return false;
    }
    this.buffer.push(value);
    return true;
  }

  /** Ends the stream once the buffered values have been read (a job finished, a server stops). */
  end(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    if (this.buffer.length === 0) this.finish();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift() as T;
      if (this.ending && this.buffer.length === 0) this.finish();
      return Promise.resolve({ value, done: false });
    }
    if (this.closed || this.ending) {
      this.finish();
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** The consumer is done (client unsubscribed or disconnected). */
  return(): Promise<IteratorResult<T>> {
    this.buffer.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.buffer.length = 0;
    this.finish();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.ending = true;
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.({ value: undefined, done: true });
    this.options.onClose?.();
  }
}
