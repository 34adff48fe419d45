import type { TimeBucket } from '@/gql/graphql';

/** The periods the book page's redemption chart offers, each with the bucket that keeps it readable. */
export type ChartRange = 'DAY' | 'MONTH' | 'HALF_YEAR';

export interface ChartRangeSpec {
  /** What the period selector and the summary say ("the last 24 hours"). */
  label: string;
  bucket: TimeBucket;
  /** How many buckets the period covers, the current one included. */
  buckets: number;
}

export const CHART_RANGES: Record<ChartRange, ChartRangeSpec> = {
  DAY: { label: 'the last 24 hours', bucket: 'HOUR', buckets: 24 },
  MONTH: { label: 'the last 30 days', bucket: 'DAY', buckets: 30 },
  HALF_YEAR: { label: 'the last 26 weeks', bucket: 'WEEK', buckets: 26 },
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const BUCKET_MS: Record<TimeBucket, number> = { MINUTE: 60_000, HOUR: HOUR_MS, DAY: DAY_MS, WEEK: 7 * DAY_MS };
/** 1970-01-05 was a Monday: the API's weeks start on Monday 00:00 UTC. */
const MONDAY_EPOCH_MS = 4 * DAY_MS;

/** The start of the bucket holding `timeMs`, on the API's UTC boundaries. */
export function bucketStartMs(timeMs: number, bucket: TimeBucket): number {
  const width = BUCKET_MS[bucket];
  const offset = bucket === 'WEEK' ? MONDAY_EPOCH_MS : 0;
  return Math.floor((timeMs - offset) / width) * width + offset;
}

/**
 * The `from` of a period ending now: the start of the bucket `buckets − 1` before the current one,
 * so the API (which ends the range with the current bucket) answers exactly `buckets` buckets.
 */
export function rangeFrom(range: ChartRange, nowMs: number): string {
  const { bucket, buckets } = CHART_RANGES[range];
  return new Date(bucketStartMs(nowMs, bucket) - (buckets - 1) * BUCKET_MS[bucket]).toISOString();
}

const hourTick = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayTick = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const hourLong = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
const dayLong = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

/**
 * A bucket's label on the axis (short) or in the table (long). Hours read in the viewer's time;
 * days and weeks are UTC days (where the API cuts them), so they are dated in UTC, not shifted a
 * day back west of Greenwich.
 */
export function bucketLabel(at: string, bucket: TimeBucket, form: 'tick' | 'long'): string {
  const date = new Date(at);
  if (bucket === 'HOUR' || bucket === 'MINUTE') return (form === 'tick' ? hourTick : hourLong).format(date);
  if (form === 'tick') return dayTick.format(date);
  return bucket === 'WEEK' ? `Week of ${dayLong.format(date)} (UTC)` : `${dayLong.format(date)} (UTC)`;
}
