import type { Clock } from '../src/shared/context.ts';

/** A clock tests move by hand: lock expiry, token expiry, rate-limit windows without sleeping. */
export interface TestClock extends Clock {
  /** Jumps to `date`. */
  set(date: Date | string | number): void;
  /** Moves forward by `ms` (or by `seconds` with `advance({ seconds })`). */
  advance(by: number | { ms?: number; seconds?: number; minutes?: number }): void;
}

/** A settable clock starting at `start` (default: the real now). */
export function createTestClock(start: Date | string | number = Date.now()): TestClock {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    set(date) {
      now = new Date(date).getTime();
    },
    advance(by) {
      now += typeof by === 'number' ? by : (by.ms ?? 0) + (by.seconds ?? 0) * 1000 + (by.minutes ?? 0) * 60_000;
    },
  };
}
