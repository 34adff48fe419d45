'use client';

import { useSubscription } from '@apollo/client/react';
import { useState } from 'react';
import { graphql } from '@/gql';
import { noteServerTime } from '@/lib/clock/server-clock';

const BookStatsSubscription = graphql(`
  subscription BookStatsLive($bookId: ID!) {
    bookStats(bookId: $bookId) {
      bookId
      unassigned
      assigned
      locked
      redeemed
      activeLocks
      redemptionsLastMinute
      serverTime
    }
  }
`);

export interface StatsSample {
  at: number;
  redemptionsLastMinute: number;
  unassigned: number;
}

const MAX_SAMPLES = 60;

/** A book's live counts (`bookStats`) and the last minute or so of samples for its trends. */
export function useBookStats(bookId: string) {
  const [samples, setSamples] = useState<StatsSample[]>([]);
  const { data } = useSubscription(BookStatsSubscription, {
    variables: { bookId },
    onData: ({ data: result }) => {
      const stats = result.data?.bookStats;
      if (!stats) return;
      noteServerTime(stats.serverTime);
      setSamples((all) => [...all.slice(-(MAX_SAMPLES - 1)), { at: Date.parse(stats.serverTime), redemptionsLastMinute: stats.redemptionsLastMinute, unassigned: stats.unassigned }]);
    },
  });
  return { stats: data?.bookStats ?? null, samples };
}
