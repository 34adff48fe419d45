'use client';

import { Button } from '@/components/controls/button';
import { StateBadge } from '@/components/coupons/state-badge';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { graphql } from '@/gql';
import type { CouponEventType, CouponTimelineEntryFragment } from '@/gql/graphql';
import type { PagedQueryResult } from '@/lib/apollo/use-paged-query';
import { formatEventTime } from '@/lib/format/format';
import styles from './coupon-page.module.css';

/** What one entry of a coupon's timeline shows. */
export const CouponTimelineEntry = graphql(`
  fragment CouponTimelineEntry on CouponEvent {
    id
    type
    at
    reason
    fromState
    toState
    actor {
      id
      email
      externalId
    }
  }
`);

export const EVENT_LABELS: Record<CouponEventType, string> = {
  CREATED_BULK: 'Created',
  ASSIGNED: 'Assigned',
  LOCKED: 'Locked for checkout',
  UNLOCKED: 'Unlocked',
  LOCK_EXPIRED: 'Lock expired',
  REDEEMED: 'Redeemed',
  REVERSED: 'Redemption reversed',
  UNASSIGNED: 'Unassigned',
  UPDATED: 'Overrides changed',
  VOIDED: 'Voided',
};

/** Who did it, in words: an email, a shop customer's id, or the system (lock sweeper, jobs). */
export function actorName(actor: CouponTimelineEntryFragment['actor']): string {
  if (!actor) return 'System';
  return actor.email ?? (actor.externalId ? `Customer ${actor.externalId}` : 'Erased user');
}

/** Every transition of a coupon, newest first, with who, why and when; "Show older" pages back. */
export function CouponTimeline({ timeline }: { timeline: PagedQueryResult<CouponTimelineEntryFragment> }) {
  const { nodes, error, loading } = timeline;
  return (
    <section className="card" aria-labelledby="coupon-timeline-title" aria-busy={loading}>
      <h2 id="coupon-timeline-title">History</h2>
      {error && !nodes ? <ErrorState error={error} onRetry={() => void timeline.refetch()} /> : null}
      {!nodes && !error ? <LoadingState label="Loading the history…" /> : null}
      {nodes && nodes.length === 0 ? <EmptyState title="Nothing happened to this code yet" /> : null}
      {nodes && nodes.length > 0 ? (
        <ol className={styles.timeline} aria-labelledby="coupon-timeline-title">
          {nodes.map((event) => (
            <li key={event.id} className={styles.event} data-type={event.type}>
              <p className={styles.eventHead}>
                <strong>{EVENT_LABELS[event.type] ?? event.type}</strong>
                {event.toState ? <StateBadge state={event.toState} /> : null}
                <time dateTime={event.at} className="muted">
                  {formatEventTime(event.at)}
                </time>
              </p>
              <p className={styles.eventBody}>
                <span>By {actorName(event.actor)}</span>
                {event.reason ? <span className={styles.reason}>Reason: {event.reason}</span> : null}
              </p>
            </li>
          ))}
        </ol>
      ) : null}
      {timeline.hasMore ? (
        <Button onClick={timeline.loadMore} disabled={timeline.loadingMore}>
          {timeline.loadingMore ? 'Loading…' : 'Show older events'}
        </Button>
      ) : null}
    </section>
  );
}
