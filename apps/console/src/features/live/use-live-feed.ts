'use client';

import { useQuery, useSubscription } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { graphql } from '@/gql';
import type { RedemptionFeedItemFragment as FeedItem } from '@/gql/graphql';

const LiveDashboardQuery = graphql(`
  query LiveDashboard($books: Int, $redemptions: Int) {
    books(first: $books) {
      edges {
        node {
          id
          name
          ...BookStatsCounts
        }
      }
    }
    redemptions(first: $redemptions) {
      edges {
        node {
          ...RedemptionFeedItem
        }
      }
    }
  }
`);

const RedemptionEventsSubscription = graphql(`
  subscription RedemptionFeed {
    redemptionEvents {
      ...RedemptionFeedItem
    }
  }
`);

const BOOKS_SHOWN = 12;
const FEED_LENGTH = 50;
const FRESH = 5;

/**
 * The wall screen's data: the books to show stats for, and the redemption feed: the latest
 * redemptions read once, then every `redemptionEvents` in front, newest first, without duplicates.
 */
export function useLiveFeed() {
  const { data, loading, error, refetch } = useQuery(LiveDashboardQuery, { variables: { books: BOOKS_SHOWN, redemptions: FEED_LENGTH } });
  const [arrived, setArrived] = useState<FeedItem[]>([]);
  useSubscription(RedemptionEventsSubscription, {
    onData: ({ data: result }) => {
      const item = result.data?.redemptionEvents;
      if (item) setArrived((all) => [item, ...all.filter((i) => i.id !== item.id)].slice(0, FEED_LENGTH));
    },
  });

  const feed = useMemo(() => {
    const byId = new Map<string, FeedItem>();
    for (const item of [...arrived, ...(data?.redemptions.edges.map((e) => e.node) ?? [])]) if (!byId.has(item.id)) byId.set(item.id, item);
    return [...byId.values()].sort((a, b) => Date.parse(b.redeemedAt) - Date.parse(a.redeemedAt)).slice(0, FEED_LENGTH);
  }, [arrived, data]);
  const freshIds = useMemo(() => new Set(arrived.slice(0, FRESH).map((i) => i.id)), [arrived]);

  return {
    books: data?.books.edges.map((e) => e.node),
    feed,
    freshIds,
    loaded: data !== undefined,
    loading,
    error,
    refetch: () => void refetch(),
  };
}
