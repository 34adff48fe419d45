// When to try a delivery again (pure rules, unit-tested on their own).

/** The retry schedule (config WEBHOOK_RETRY_BASE_MS, WEBHOOK_RETRY_MAX_DELAY_MS, WEBHOOK_MAX_ATTEMPTS). */
export interface RetrySchedule {
  /** The wait after the first failed attempt; each further failure doubles it. */
  baseMs: number;
  /** No wait is longer (nor is a Retry-After honoured past it). */
  maxDelayMs: number;
  /** Attempts in all (since the last redelivery) before a delivery is FAILED. */
  maxAttempts: number;
}

/**
 * The defaults: 10 s doubling up to 6 h, 15 attempts — 10 s, 20 s, 40 s … 2.8 h, then 6 h three
 * times: about 24 hours from the first attempt to the last (19 to 25 h with the jitter, which never
 * takes a wait past the cap).
 */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = { baseMs: 10_000, maxDelayMs: 6 * 3_600_000, maxAttempts: 15 };

/** What an attempt's result means for the delivery. */
export type AttemptVerdict = 'DELIVERED' | 'RETRY' | 'GIVE_UP';

/** The result of one HTTP attempt, as far as the verdict cares. */
export type AttemptResult =
  | { kind: 'response'; status: number; retryAfterMs: number | null }
  | { kind: 'error'; error: 'TIMEOUT' | 'CONNECTION' | 'REFUSED_ADDRESS' };

/**
 * 2xx is delivered. Timeouts, connection errors (a refused address included: DNS may change
 * back), 429 and 5xx are retried; any other answer (a 3xx, since redirects are not followed, or a
 * 4xx) is final: the same request would get the same answer.
 */
export function attemptVerdict(result: AttemptResult): Exclude<AttemptVerdict, 'GIVE_UP'> | 'FINAL' {
  if (result.kind === 'error') return 'RETRY';
  if (result.status >= 200 && result.status < 300) return 'DELIVERED';
  if (result.status === 429 || result.status >= 500) return 'RETRY';
  return 'FINAL';
}

/**
 * How long to wait after the `attempt`-th failed attempt (1-based, counted since the last
 * redelivery): `baseMs · 2^(attempt-1)`, capped, times a jitter in [0.8, 1.2) so that many
 * deliveries that failed together (an endpoint down) do not come back together. A Retry-After
 * longer than that is honoured, up to the cap.
 */
export function retryDelayMs(attempt: number, schedule: RetrySchedule, retryAfterMs: number | null = null, random = Math.random): number {
  const exponential = Math.min(schedule.maxDelayMs, schedule.baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40));
  const jittered = Math.min(schedule.maxDelayMs, Math.round(exponential * (0.8 + 0.4 * random())));
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, schedule.maxDelayMs));
}

/** A `Retry-After` header (seconds, or an HTTP date) in milliseconds from `now`, or null. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now.getTime());
}
