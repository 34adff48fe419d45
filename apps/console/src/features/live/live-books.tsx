'use client';

import { Button } from '@/components/controls/button';
import { EmptyState } from '@/components/feedback/states';
import type { LiveBookTileFragment as Tile } from '@/gql/graphql';
import { formatCount } from '@/lib/format/format';
import { BookStatsPanel } from '../books/book-stats-panel';
import styles from './live-dashboard.module.css';
import { BookStatusBadge } from '@/features/books/book-status-badge';

interface TileActions {
  pinnedIds: ReadonlySet<string>;
  busy: boolean;
  onPin(book: Tile): void;
  onUnpin(book: Tile): void;
}

/** The books this admin pinned, in pin order, each with its events in the window (quiet ones say so). */
export function PinnedBooks({ books, eventsOf, windowMinutes, ...actions }: { books: Tile[]; eventsOf: ReadonlyMap<string, number>; windowMinutes: number } & TileActions) {
  return (
    <section aria-labelledby="live-pinned-title" className="stack" data-testid="pinned-books">
      <h2 id="live-pinned-title">Pinned</h2>
      {books.length === 0 ? (
        <p className="muted">Pin a book to keep it on this screen, busy or not. Pins are saved for you on the server.</p>
      ) : (
        <ul className={`grid grid--cards ${styles.tiles}`}>
          {books.map((book) => (
            <BookTile key={book.id} book={book} events={eventsOf.get(book.id) ?? 0} windowMinutes={windowMinutes} {...actions} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** The busiest books by recent coupon events, ranked by the server; pinned ones are shown above, not again. */
export function BusiestBooks({ rows, windowMinutes, ...actions }: { rows: Array<{ events: number; book: Tile }>; windowMinutes: number } & TileActions) {
  const unpinned = rows.filter((row) => !actions.pinnedIds.has(row.book.id));
  return (
    <section aria-labelledby="live-busiest-title" className="stack" data-testid="busiest-books">
      <h2 id="live-busiest-title">Busiest in the last {windowMinutes} minutes</h2>
      {rows.length === 0 ? (
        <EmptyState title="No activity">No claims, locks or redemptions in the last {windowMinutes} minutes.</EmptyState>
      ) : unpinned.length === 0 ? (
        <p className="muted">The busiest books are all pinned above.</p>
      ) : (
        <ol className={`grid grid--cards ${styles.tiles}`}>
          {unpinned.map((row) => (
            <BookTile key={row.book.id} book={row.book} events={row.events} windowMinutes={windowMinutes} {...actions} />
          ))}
        </ol>
      )}
    </section>
  );
}

function BookTile({ book, events, windowMinutes, pinnedIds, busy, onPin, onUnpin }: { book: Tile; events: number; windowMinutes: number } & TileActions) {
  const pinned = pinnedIds.has(book.id);
  return (
    <li className={styles.tile} data-book={book.id} data-events={events}>
      <BookStatsPanel bookId={book.id} initial={book.counts} compact title={book.name} />
      <div className={styles.tileFooter}>
        <BookStatusBadge book={book} />
        <span className={styles.events} data-stat="events">
          {events === 0 ? `No events in ${windowMinutes} min` : `${formatCount(events)} event${events === 1 ? '' : 's'} in ${windowMinutes} min`}
        </span>
        <Button
          size="small"
          variant={pinned ? 'ghost' : 'secondary'}
          aria-label={pinned ? `Unpin ${book.name}` : `Pin ${book.name}`}
          disabled={busy}
          onClick={() => (pinned ? onUnpin(book) : onPin(book))}
        >
          {pinned ? 'Unpin' : 'Pin'}
        </Button>
      </div>
    </li>
  );
}
