'use client';

import { Badge } from '@/components/controls/badge';
import { EmptyState } from '@/components/feedback/states';
import { graphql } from '@/gql';
import { formatTime } from '@/lib/format/format';
import { BookName } from '../books/book-summary';
import type { FeedEntry } from './feed-entries';
import styles from './redemption-feed.module.css';
import { RelativeTime } from '@/components/time/relative-time';

/** What one line of the redemption feed shows (a redemption line, or its reversal's): a book page's row of it, and its book. */
export const RedemptionFeedItem = graphql(`
  fragment RedemptionFeedItem on Redemption {
    ...RedemptionRow
    bookId
  }
`);

/**
 * Redemptions and reversals as they happen, newest first; the latest arrivals flash. A reversal
 * is its own line, and the redemption it reverses is marked. A feed (an ordered list announced
 * as it grows), not a table: it is read as a stream, not compared across columns.
 */
export function RedemptionFeed({ entries, freshKeys }: { entries: FeedEntry[]; freshKeys: ReadonlySet<string> }) {
  return (
    <section className="card" aria-labelledby="feed-title">
      <h2 id="feed-title">Redemption feed</h2>
      {entries.length === 0 ? (
        <EmptyState title="No redemptions yet">They appear here the moment they happen.</EmptyState>
      ) : (
        <ol className={styles.list} aria-live="polite" aria-relevant="additions">
          {entries.map((entry) => (
            <FeedLine key={entry.key} entry={entry} fresh={freshKeys.has(entry.key)} />
          ))}
        </ol>
      )}
    </section>
  );
}

function FeedLine({ entry, fresh }: { entry: FeedEntry; fresh: boolean }) {
  const { redemption } = entry;
  const reversal = entry.kind === 'REVERSED';
  const classes = ['feed__item', styles.item, reversal ? styles.reversal : null, entry.kind === 'REDEEMED' && entry.reversed ? styles.reversed : null, fresh ? styles.fresh : null];
  return (
    // `feed__item` stays as a plain class: a stable hook for end-to-end tests (with data-kind, data-reversed).
    <li
      className={classes.filter(Boolean).join(' ')}
      data-kind={entry.kind}
      data-redemption={redemption.id}
      data-reversed={entry.kind === 'REDEEMED' ? String(entry.reversed) : undefined}
    >
      <RelativeTime at={entry.at} className={styles.time} />
      <span className={styles.what}>
        {reversal ? (
          <Badge tone="warning">Reversal</Badge>
        ) : entry.reversed ? (
          <Badge tone="muted">Redeemed · reversed</Badge>
        ) : (
          <Badge tone="success">Redeemed</Badge>
        )}
        <span className={`mono ${styles.code}`}>{redemption.coupon?.code ?? '—'}</span>
      </span>
      <span className={styles.who}>{redemption.user?.email ?? 'a deleted user'}</span>
      {reversal ? (
        <span className={styles.detail}>
          Gave back the use redeemed at <time dateTime={redemption.redeemedAt}>{formatTime(redemption.redeemedAt)}</time>
          {redemption.reversalReason ? `: ${redemption.reversalReason}` : ''}
        </span>
      ) : null}
      <span className={styles.book}>
        <BookName bookId={redemption.bookId} link />
      </span>
    </li>
  );
}
