'use client';

import { LiveIndicator } from '@/components/feedback/live-indicator';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { BookStatsPanel } from '../books/book-stats-panel';
import { RedemptionFeed } from './redemption-feed';
import { useLiveFeed } from './use-live-feed';

/** A wall screen: redemptions as they happen and live stats of the busiest books. */
export function LiveDashboard() {
  const { books, feed, freshIds, loaded, loading, error, refetch } = useLiveFeed();

  if (loading && !loaded) return <LoadingState label="Loading the dashboard…" />;
  if (error && !loaded) return <ErrorState error={error} onRetry={refetch} />;

  return (
    <div className="stack">
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
          {!books?.length ? (
            <EmptyState title="No books yet" />
          ) : (
            <div className="grid grid--cards">
              {books.map((book) => (
                <BookStatsPanel key={book.id} bookId={book.id} initial={book.counts} compact title={book.name} />
              ))}
            </div>
          )}
        </section>
        <RedemptionFeed items={feed} freshIds={freshIds} />
      </div>
    </div>
  );
}
