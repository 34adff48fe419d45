'use client';

import { useQuery, useSubscription } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { graphql } from '@/gql';
import type { RedemptionFeedItemFragment as FeedItem } from '@/gql/graphql';
import { arrivalKey, toFeedEntries } from './feed-entries';

const LiveFeedQuery = graphql(`
  query LiveFeed($redemptions: Int, $reversals: Int) {
    redemptions(first: $redemptions) {
      edges {
        node {
          ...RedemptionFeedItem
        }
      }
    }
    reversals: redemptions(first: $reversals, reversed: true) {
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

const FEED_LENGTH = 50;
/** Recent reversals read at first, so one of an older redemption still shows with its line. */
const REVERSALS_READ = 20;
const FRESH = 5;

/**
 * The Live feed: the latest redemptions and reversals read once, then every `redemptionEvents`
 * message (a redemption, or the same redemption again when it is reversed) in front. A reversal
 * is a line of its own and marks its redemption's line as reversed (feed-entries.ts).
 */
export function useLiveFeed() {
  const { data, loading, error, refetch } = useQuery(LiveFeedQuery, { variables: { redemptions: FEED_LENGTH, reversals: REVERSALS_READ } });
  const [arrived, setArrived] = useState<FeedItem[]>([]);
  useSubscription(RedemptionEventsSubscription, {
    onData: ({ data: result }) => {
      const item = result.data?.redemptionEvents;
      if (item) setArrived((all) => [item, ...all].slice(0, 2 * FEED_LENGTH));
    },
  });

  const entries = useMemo(
    () => toFeedEntries([...arrived, ...(data?.redemptions.edges.map((e) => e.node) ?? []), ...(data?.reversals.edges.map((e) => e.node) ?? [])], FEED_LENGTH),
    [arrived, data],
  );
  const freshKeys = useMemo(() => new Set(arrived.slice(0, FRESH).map(arrivalKey)), [arrived]);

  return { entries, freshKeys, loaded: data !== undefined, loading, error, refetch: () => void refetch() };
}
