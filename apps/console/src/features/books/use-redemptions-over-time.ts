'use client';

import { useQuery, useSubscription } from '@apollo/client/react';
import { useMemo } from 'react';
import { graphql } from '@/gql';
import { serverNow } from '@/lib/clock/server-clock';
import { useCoalescedCallback } from '@/lib/hooks/use-coalesced-callback';
import { CHART_RANGES, type ChartRange, rangeFrom } from './redemption-chart-range';

export const BookRedemptionsOverTimeQuery = graphql(`
  query BookRedemptionsOverTime($id: ID!, $from: DateTime, $bucket: TimeBucket!) {
    book(id: $id) {
      id
      redemptionsOverTime(from: $from, bucket: $bucket) {
        ...RedemptionChartBucket
      }
      claimsOverTime(from: $from, bucket: $bucket) {
        ...ClaimChartBucket
      }
    }
  }
`);

/** Every claim, redemption and reversal of the book is a coupon event (so are locks: coalesced away). */
const BookActivityChangedSubscription = graphql(`
  subscription BookActivityChanged($bookId: ID!) {
    couponEvents(bookId: $bookId) {
      id
    }
  }
`);

/** One bucket of the chart: its claims, redemptions and the redemptions reversed since. */
export interface ActivityBucket {
  at: string;
  claims: number;
  redemptions: number;
  reversals: number;
}

/**
 * A busy book claims and redeems every second; an hourly or daily chart needs no faster refresh, and each
 * read aggregates the period's redemptions (about 0.3 s for 250,000 over 26 weeks, measured).
 */
const LIVE_REFRESH_MS = 10_000;

export interface RedemptionsOverTimeOptions {
  /** Follow the book's redemptions live (off in unit tests, which have no socket). */
  live?: boolean;
  /** The clock the period ends on (default: the API server's, as best known). */
  now?: () => number;
}

/**
 * A book's claims and redemptions per bucket over one of the chart's periods, ending with the
 * current bucket, both read in one request. The period starts where it was chosen (the API extends
 * the end to the current bucket), and each coupon event of the book (a claim, a redemption, a
 * reversal …) reads it again, coalesced to one read per {@link LIVE_REFRESH_MS}.
 */
export function useRedemptionsOverTime(bookId: string, range: ChartRange, { live = true, now = serverNow }: RedemptionsOverTimeOptions = {}) {
  const { bucket } = CHART_RANGES[range];
  // `now` is read when the period changes, not on each render: a new `from` is a new query.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the clock is sampled per chosen period on purpose
  const from = useMemo(() => rangeFrom(range, now()), [range]);
  const { data, loading, error, refetch } = useQuery(BookRedemptionsOverTimeQuery, { variables: { id: bookId, from, bucket } });
  const refetchSoon = useCoalescedCallback(() => void refetch().catch(() => undefined), LIVE_REFRESH_MS);
  useSubscription(BookActivityChangedSubscription, { variables: { bookId }, skip: !live, onData: () => refetchSoon() });
  const book = data?.book;
  const buckets = useMemo<ActivityBucket[] | undefined>(() => {
    if (!book) return undefined;
    // Both lists hold the same buckets; matched by start all the same.
    const claims = new Map(book.claimsOverTime.map((c) => [c.at, c.claims]));
    return book.redemptionsOverTime.map((r) => ({ at: r.at, claims: claims.get(r.at) ?? 0, redemptions: r.redemptions, reversals: r.reversals }));
  }, [book]);
  return {
    /** `undefined` until the period's first answer. */
    buckets,
    bucket,
    loading,
    error,
    refetch: () => void refetch().catch(() => undefined),
  };
}
