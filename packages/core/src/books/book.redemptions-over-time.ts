import { Prisma } from '@coupons/db';
import { requireAdmin } from '../shared/access.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput } from '../shared/errors.ts';
import { requireDateTime, requireUuid } from '../shared/validation.ts';

/** The width of one bucket of {@link redemptionsOverTime}; buckets start on UTC boundaries (weeks on Mondays). */
export type TimeBucket = 'MINUTE' | 'HOUR' | 'DAY' | 'WEEK';

/** One bucket: redemptions made in it, and how many of those have been reversed since. */
export interface RedemptionBucket {
  /** Start of the bucket (inclusive); it ends where the next one starts. */
  at: Date;
  redemptions: number;
  reversals: number;
}

export interface RedemptionsOverTimeArgs {
  /** Inclusive; default: the start of the {@link DEFAULT_BUCKETS}th bucket back, `to`'s own counting as the first. */
  from?: Date | null;
  /** Exclusive; default: the end of the bucket holding now (so the current bucket is whole). */
  to?: Date | null;
  bucket?: TimeBucket | null;
}

/**
 * At most this many buckets per answer: a year of days, ten weeks of hours. Past it a chart is no
 * longer readable, and generate_series would build an unbounded result from two dates.
 */
export const MAX_TIME_BUCKETS = 1000;
/** Buckets when `from` is left out: a day of hours. */
export const DEFAULT_BUCKETS = 24;

const BUCKET_MS: Record<TimeBucket, number> = { MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000, WEEK: 7 * 86_400_000 };
const UNIT: Record<TimeBucket, string> = { MINUTE: 'minute', HOUR: 'hour', DAY: 'day', WEEK: 'week' };
/** 1970-01-05 was a Monday: UTC weeks start on Mondays, as date_trunc('week') has them. */
const MONDAY_EPOCH_MS = 4 * 86_400_000;

/** The start of the UTC bucket holding `time` (what date_trunc(unit, time AT TIME ZONE 'UTC') gives). */
export function bucketStart(time: Date, bucket: TimeBucket): Date {
  const width = BUCKET_MS[bucket];
  const offset = bucket === 'WEEK' ? MONDAY_EPOCH_MS : 0;
  return new Date(Math.floor((time.getTime() - offset) / width) * width + offset);
}

/** The buckets of one answer: `[from, to)` cut into `unit`s, `first` and `last` their starts. */
interface BucketRange {
  from: Date;
  to: Date;
  first: Date;
  last: Date;
  unit: string;
}

/**
 * The checked range of an over-time answer (shared by redemptions and claims): defaults filled in
 * from the server's clock, an empty range and more than {@link MAX_TIME_BUCKETS} buckets refused
 * before any database work (BAD_USER_INPUT).
 */
function bucketRange(ctx: ServiceContext, args: RedemptionsOverTimeArgs): BucketRange {
  const bucket = args.bucket ?? 'HOUR';
  const width = BUCKET_MS[bucket];
  const to = args.to ? requireDateTime('to', args.to) : new Date(bucketStart(ctx.clock.now(), bucket).getTime() + width);
  const from = args.from
    ? requireDateTime('from', args.from)
    : new Date(bucketStart(new Date(to.getTime() - 1), bucket).getTime() - (DEFAULT_BUCKETS - 1) * width);
  if (from.getTime() >= to.getTime()) throw badInput('to', 'must be later than from');
  const first = bucketStart(from, bucket);
  // `to` is exclusive: the last bucket is the one holding the last millisecond before it.
  const last = bucketStart(new Date(to.getTime() - 1), bucket);
  const count = (last.getTime() - first.getTime()) / width + 1;
  if (count > MAX_TIME_BUCKETS) {
    throw badInput('bucket', `${count} ${UNIT[bucket]}s from ${from.toISOString()} to ${to.toISOString()} is more than ${MAX_TIME_BUCKETS} buckets: choose a wider bucket or a shorter range`);
  }
  return { from, to, first, last, unit: UNIT[bucket] };
}

/**
 * A book's redemptions per time bucket over `[from, to)` (ADMIN), every bucket present, empty ones
 * with zeros, oldest first. `reversals` counts the redemptions of the bucket that were reversed
 * since (a reversal never deletes its redemption), so `redemptions − reversals` is what still
 * stands of that bucket. The first and last buckets count only what falls inside `[from, to)`.
 *
 * One statement: a GROUP BY over the book's redemptions in the window, read through the
 * (book_id, redeemed_at) index, joined to generate_series for the empty buckets. Buckets are
 * computed on UTC wall time (`timestamp` arithmetic), so neither the session's TimeZone nor a
 * daylight-saving change shifts them; clients label them in their own zone. More than
 * {@link MAX_TIME_BUCKETS} buckets are refused before any database work (BAD_USER_INPUT).
 */
export async function redemptionsOverTime(ctx: ServiceContext, bookId: string, args: RedemptionsOverTimeArgs = {}): Promise<RedemptionBucket[]> {
  requireAdmin(ctx);
  const id = requireUuid('bookId', bookId);
  const { from, to, first, last, unit } = bucketRange(ctx, args);
  const step = `1 ${unit}`;
  const rows = await ctx.db.prisma.$queryRaw<Array<{ at: Date; redemptions: number; reversals: number }>>(Prisma.sql`
    WITH counted AS (
      SELECT date_trunc(${unit}, r.redeemed_at AT TIME ZONE 'UTC') AS bucket,
             count(*)::int AS redemptions,
             count(r.reversed_at)::int AS reversals
        FROM redemption r
       WHERE r.book_id = ${id}::uuid
         AND r.redeemed_at >= ${from}::timestamptz
         AND r.redeemed_at < ${to}::timestamptz
       GROUP BY 1
    )
    SELECT s.bucket AT TIME ZONE 'UTC' AS at,
           coalesce(c.redemptions, 0) AS redemptions,
           coalesce(c.reversals, 0) AS reversals
      FROM generate_series(${first}::timestamptz AT TIME ZONE 'UTC', ${last}::timestamptz AT TIME ZONE 'UTC', ${step}::interval) AS s(bucket)
      LEFT JOIN counted c ON c.bucket = s.bucket
     ORDER BY s.bucket`);
  return rows.map((row) => ({ at: row.at, redemptions: row.redemptions, reversals: row.reversals }));
}

/** One bucket of {@link claimsOverTime}: the book's coupons claimed in it. */
export interface ClaimBucket {
  /** Start of the bucket (inclusive); it ends where the next one starts. */
  at: Date;
  claims: number;
}

/**
 * A book's claims per time bucket over `[from, to)` (ADMIN), with the same buckets, defaults and
 * limits as {@link redemptionsOverTime}: every coupon of the book assigned to someone, counted in
 * the bucket of its `assigned_at` (a claim by the shopper, an assignment by an admin or a pool
 * distribution alike). A claim undone since (unassign, a customer erased) gives its code back
 * and leaves its bucket, so the chart shows the claims that stand; a redeemed coupon keeps its
 * claim. One statement: a GROUP BY over the partial (book_id, assigned_at) index, joined to
 * generate_series for the empty buckets.
 */
export async function claimsOverTime(ctx: ServiceContext, bookId: string, args: RedemptionsOverTimeArgs = {}): Promise<ClaimBucket[]> {
  requireAdmin(ctx);
  const id = requireUuid('bookId', bookId);
  const { from, to, first, last, unit } = bucketRange(ctx, args);
  const step = `1 ${unit}`;
  const rows = await ctx.db.prisma.$queryRaw<Array<{ at: Date; claims: number }>>(Prisma.sql`
    WITH counted AS (
      SELECT date_trunc(${unit}, c.assigned_at AT TIME ZONE 'UTC') AS bucket,
             count(*)::int AS claims
        FROM coupon c
       WHERE c.book_id = ${id}::uuid
         AND c.assigned_at IS NOT NULL
         AND c.assigned_at >= ${from}::timestamptz
         AND c.assigned_at < ${to}::timestamptz
       GROUP BY 1
    )
    SELECT s.bucket AT TIME ZONE 'UTC' AS at,
           coalesce(c.claims, 0) AS claims
      FROM generate_series(${first}::timestamptz AT TIME ZONE 'UTC', ${last}::timestamptz AT TIME ZONE 'UTC', ${step}::interval) AS s(bucket)
      LEFT JOIN counted c ON c.bucket = s.bucket
     ORDER BY s.bucket`);
  return rows.map((row) => ({ at: row.at, claims: row.claims }));
}
