import { describe, expect, it, vi } from 'vitest';
import { EventStream } from './event.stream.ts';

describe('EventStream', () => {
  it('hands pushed values to a waiting consumer in order', async () => {
    const stream = new EventStream<number>();
    const first = stream.next();
    stream.push(1);
    stream.push(2);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await stream.next()).toEqual({ value: 2, done: false });
  });

  it('finishes buffered values before ending', async () => {
    const stream = new EventStream<number>();
    stream.push(1);
    stream.end();
    expect(stream.push(2)).toBe(false);
    const seen: number[] = [];
    for await (const value of stream) seen.push(value);
    expect(seen).toEqual([1]);
  });

  it('calls onClose once when the consumer returns', async () => {
    const onClose = vi.fn();
    const stream = new EventStream<number>({ onClose });
    const pending = stream.next();
    await stream.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    await stream.return();
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('ends a consumer that falls too far behind', async () => {
    const onOverflow = vi.fn();
    const stream = new EventStream<number>({ maxBuffered: 2, onOverflow });
    expect(stream.push(1)).toBe(true);
    expect(stream.push(2)).toBe(true);
    expect(stream.push(3)).toBe(false);
    expect(onOverflow).toHaveBeenCalledTimes(1);
    const seen: number[] = [];
    for await (const value of stream) seen.push(value);
    expect(seen).toEqual([1, 2]);
  });
});
