'use client';

import { EmptyState } from '@/components/feedback/states';
import { graphql } from '@/gql';
import type { RedemptionFeedItemFragment as FeedItem } from '@/gql/graphql';
import { formatTime } from '@/lib/format/format';
import { BookName } from '../books/book-summary';
import styles from './redemption-feed.module.css';

/** What one line of the redemption feed shows. */
export const RedemptionFeedItem = graphql(`
  fragment RedemptionFeedItem on Redemption {
    id
    redeemedAt
    coupon {
      id
      code
    }
    user {
      id
      email
    }
    bookId
  }
`);

/**
 * Redemptions as they happen, newest first; the latest arrivals flash. A feed (an ordered list
 * announced as it grows), not a table: it is read as a stream, not compared across columns.
 */
export function RedemptionFeed({ items, freshIds }: { items: FeedItem[]; freshIds: ReadonlySet<string> }) {
  return (
    <section className="card" aria-labelledby="feed-title">
      <h2 id="feed-title">Redemption feed</h2>
      {items.length === 0 ? (
        <EmptyState title="No redemptions yet">They appear here the moment they happen.</EmptyState>
      ) : (
        <ol className={styles.list} aria-live="polite" aria-relevant="additions">
          {items.map((item) => (
            // `feed__item` stays as a plain class: a stable hook for end-to-end tests.
            <li key={item.id} className={`feed__item ${styles.item}${freshIds.has(item.id) ? ` ${styles.fresh}` : ''}`}>
              <time dateTime={item.redeemedAt} className={styles.time}>
                {formatTime(item.redeemedAt)}
              </time>
              <span className={`mono ${styles.code}`}>{item.coupon?.code ?? '—'}</span>
              <span className={styles.who}>{item.user?.email ?? 'a deleted user'}</span>
              <span className={styles.book}>
                <BookName bookId={item.bookId} link />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
