'use client';

import { useQuery, useSubscription } from '@apollo/client/react';
import { useRef, useState } from 'react';
import { LockCountdown } from '@/components/coupons/lock-countdown';
import { StateBadge } from '@/components/coupons/state-badge';
import { LiveIndicator } from '@/components/feedback/live-indicator';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { noteServerTime } from '@/lib/clock/server-clock';
import { useCoalescedCallback } from '@/lib/hooks/use-coalesced-callback';
import { formatCount, formatDateTime } from '@/lib/format/format';
import type { CouponState } from '@/gql/graphql';
import { BookCouponEventsSubscription, BookCouponsQuery } from './book-detail.documents';

const PAGE = 50;
const STATES: CouponState[] = ['UNASSIGNED', 'ASSIGNED', 'LOCKED', 'REDEEMED'];

/**
 * The book's coupons, live. Coupon events carry the changed coupon, which Apollo merges into the
 * rows already shown (same `Coupon:id`), so a lock or a redemption appears in place. Only when an
 * event concerns a coupon the table does not show (or the filter would move it) is the page
 * refetched, at most a few times a second.
 */
export function CouponTable({ bookId }: { bookId: string }) {
  const [state, setState] = useState<CouponState | ''>('');
  const [limit, setLimit] = useState(PAGE);
  const { data, previousData, loading, error, refetch } = useQuery(BookCouponsQuery, {
    variables: { id: bookId, first: limit, state: state || null },
  });
  const coupons = (data ?? previousData)?.book?.coupons;
  const shownIds = useRef(new Set<string>());
  shownIds.current = new Set(coupons?.edges.map((e) => e.node.id) ?? []);

  const refetchSoon = useCoalescedCallback(() => void refetch(), 300);

  useSubscription(BookCouponEventsSubscription, {
    variables: { bookId },
    onData: ({ data: event }) => {
      const payload = event.data?.couponEvents;
      if (!payload) return;
      noteServerTime(payload.serverTime);
      // CREATED_BULK (no coupon: a batch of new codes), a coupon not on screen, or a filter the
      // change may move it across: the page has to be read again.
      if (!payload.coupon || state || !shownIds.current.has(payload.coupon.id)) refetchSoon();
    },
  });
  return (
    <section className="card" aria-labelledby="coupons-title">
      <div className="card__header">
        <h2 id="coupons-title">Coupons</h2>
        <LiveIndicator />
      </div>
      <div className="toolbar">
        <label htmlFor="coupon-state-filter">Show</label>
        <select
          id="coupon-state-filter"
          value={state}
          onChange={(e) => {
            setState(e.target.value as CouponState | '');
            setLimit(PAGE);
          }}
        >
          <option value="">All states</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s.charAt(0) + s.slice(1).toLowerCase()}
            </option>
          ))}
        </select>
        {coupons ? (
          <p className="toolbar__meta">
            {formatCount(Math.min(coupons.edges.length, coupons.totalCount))} of {formatCount(coupons.totalCount)}
          </p>
        ) : null}
      </div>

      {error && !coupons ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      {!coupons && loading ? <LoadingState label="Loading coupons…" /> : null}
      {coupons && coupons.edges.length === 0 ? (
        <EmptyState title={state ? 'No coupon in this state' : 'No codes yet'}>{state ? null : 'Upload a CSV or generate codes above.'}</EmptyState>
      ) : null}
      {coupons && coupons.edges.length > 0 ? (
        <div className="table-wrap">
          <table className="table table--compact" aria-describedby="coupons-title">
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">State</th>
                <th scope="col">Owner</th>
                <th scope="col">Lock</th>
                <th scope="col" className="num">
                  Redemptions
                </th>
                <th scope="col">Assigned</th>
              </tr>
            </thead>
            <tbody>
              {coupons.edges.map(({ node: coupon }) => (
                <tr key={coupon.id} data-code={coupon.code} data-state={coupon.state}>
                  <th scope="row" className="mono">
                    {coupon.code}
                  </th>
                  <td>
                    <StateBadge state={coupon.state} />
                  </td>
                  <td>{coupon.user?.email ?? <span className="muted">—</span>}</td>
                  <td>{coupon.state === 'LOCKED' && coupon.lockExpiresAt ? <LockCountdown lockExpiresAt={coupon.lockExpiresAt} /> : <span className="muted">—</span>}</td>
                  <td className="num">{formatCount(coupon.redemptionCount)}</td>
                  <td className="nowrap">{formatDateTime(coupon.assignedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {coupons?.pageInfo.hasNextPage ? (
        <button type="button" className="btn" onClick={() => setLimit((n) => n + PAGE)} disabled={loading}>
          {loading ? 'Loading…' : 'Show more coupons'}
        </button>
      ) : null}
    </section>
  );
}
