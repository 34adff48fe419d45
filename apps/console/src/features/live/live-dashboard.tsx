'use client';

import { useQuery, useSubscription } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { LiveIndicator } from '@/components/feedback/live-indicator';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { formatTime } from '@/lib/format/format';
import type { RedemptionFeedItemFragment as FeedItem } from '@/gql/graphql';
import { BookStatsPanel } from '../books/book-stats-panel';
import { BookName } from '../books/book-summary';
import { LiveDashboardQuery, RedemptionEventsSubscription } from './live.documents';

const BOOKS_SHOWN = 12;
const FEED_LENGTH = 50;

/** A wall screen: redemptions as they happen and live stats of the busiest books. */
export function LiveDashboard() {
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
  const freshIds = new Set(arrived.slice(0, 5).map((i) => i.id));

  if (loading && !data) return <LoadingState label="Loading the dashboard…" />;
  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  const books = data?.books.edges.map((e) => e.node) ?? [];

  return (
    <div className="stack live-dashboard">
      <div className="page-header">
        <div>
          <h1>Live</h1>
          <p className="page-header__lead">Redemptions as they happen.</p>
        </div>
        <LiveIndicator />
      </div>
      <div className="grid grid--sidebar">
        <section aria-labelledby="live-books-title">
          <h2 id="live-books-title" className="visually-hidden">
            Books
          </h2>
          {books.length === 0 ? (
            <EmptyState title="No books yet" />
          ) : (
            <div className="grid grid--cards">
              {books.map((book) => (
                <BookStatsPanel key={book.id} bookId={book.id} initial={book.counts} compact title={book.name} />
              ))}
            </div>
          )}
        </section>
        <section className="card feed" aria-labelledby="feed-title">
          <h2 id="feed-title">Redemption feed</h2>
          {feed.length === 0 ? (
            <EmptyState title="No redemptions yet">They appear here the moment they happen.</EmptyState>
          ) : (
            <ol className="feed__list" aria-live="polite" aria-relevant="additions">
              {feed.map((item) => (
                <li key={item.id} className={`feed__item${freshIds.has(item.id) ? ' feed__item--fresh' : ''}`}>
                  <time dateTime={item.redeemedAt} className="feed__time">
                    {formatTime(item.redeemedAt)}
                  </time>
                  <span className="mono feed__code">{item.coupon?.code ?? '—'}</span>
                  <span className="feed__who">{item.user?.email ?? 'a deleted user'}</span>
                  <span className="feed__book">
                    <BookName bookId={item.bookId} link />
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </div>
  );
}
