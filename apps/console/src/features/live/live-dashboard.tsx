'use client';

import { formatClock, LiveIndicator } from '@/components/feedback/live-indicator';
import { ErrorState, LoadingState } from '@/components/feedback/states';
import { useToast } from '@/components/toast/toast-provider';
import type { LiveBookTileFragment as Tile } from '@/gql/graphql';
import { useConnectionHealth } from '@/lib/apollo/live-status';
import { BusiestBooks, PinnedBooks } from './live-books';
import styles from './live-dashboard.module.css';
import { PinBookSearch } from './pin-book-search';
import { RedemptionFeed } from './redemption-feed';
import { ACTIVITY_WINDOW_SECONDS, useLiveBooks } from './use-live-books';
import { useLiveFeed } from './use-live-feed';
import { PageHeader } from '@/components/page/page-header';

const WINDOW_MINUTES = ACTIVITY_WINDOW_SECONDS / 60;

/**
 * A wall screen: the busiest books by recent coupon events (ranked by the server), the books
 * this admin pinned, and redemptions and reversals as they happen. When the connection is down
 * the numbers are dimmed and the page says since when: they are what was last heard, not now.
 */
export function LiveDashboard() {
  const books = useLiveBooks();
  const feed = useLiveFeed();
  const health = useConnectionHealth();
  const toast = useToast();

  if ((books.loading && !books.loaded) || (feed.loading && !feed.loaded)) return <LoadingState label="Loading the dashboard…" />;
  if (books.error && !books.loaded) return <ErrorState error={books.error} onRetry={books.refetch} />;
  if (feed.error && !feed.loaded) return <ErrorState error={feed.error} onRetry={feed.refetch} />;

  const stale = health.kind === 'offline' || health.kind === 'failing';
  const change = async (action: 'pin' | 'unpin', book: Pick<Tile, 'id' | 'name'>) => {
    try {
      await (action === 'pin' ? books.pin(book.id) : books.unpin(book.id));
      toast.success(action === 'pin' ? `${book.name} is pinned.` : `${book.name} is no longer pinned.`);
    } catch (failure) {
      toast.error(failure, `Could not ${action} ${book.name}`);
    }
  };
  const actions = {
    pinnedIds: books.pinnedIds,
    busy: books.changing,
    onPin: (book: Tile) => void change('pin', book),
    onUnpin: (book: Tile) => void change('unpin', book),
  };

  return (
    <div className="stack">
      <PageHeader title="Live" lead="The busiest books, your pinned ones, and redemptions as they happen.">
        <LiveIndicator />
      </PageHeader>
      {stale ? (
        <p className={`notice notice--warning ${styles.offline}`} data-testid="offline-notice">
          {health.kind === 'offline'
            ? `Offline since ${formatClock(health.since)}. The numbers below stopped updating; they catch up when the connection is back.`
            : `Server not answering since ${formatClock(health.since)}. The ranking and actions wait for it; numbers may be out of date.`}
        </p>
      ) : null}
      <div className={`grid grid--sidebar ${styles.live}`} data-stale={stale}>
        <div className="stack">
          <PinBookSearch pinnedIds={books.pinnedIds} busy={books.changing} onPin={(id, name) => void change('pin', { id, name })} />
          <PinnedBooks books={books.pinned ?? []} eventsOf={books.eventsOf} windowMinutes={WINDOW_MINUTES} {...actions} />
          <BusiestBooks rows={books.busiest ?? []} windowMinutes={WINDOW_MINUTES} {...actions} />
        </div>
        <RedemptionFeed entries={feed.entries} freshKeys={feed.freshKeys} />
      </div>
    </div>
  );
}
