'use client';

import { useQuery, useSubscription } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { LockCountdown } from '@/components/coupons/lock-countdown';
import { StateBadge } from '@/components/coupons/state-badge';
import { LiveIndicator } from '@/components/feedback/live-indicator';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { noteServerTime } from '@/lib/clock/server-clock';
import { formatCount, formatDateTime } from '@/lib/format/format';
import { useCoalescedCallback } from '@/lib/hooks/use-coalesced-callback';
import type { CouponState } from '@/gql/graphql';
import { BookCouponEventsSubscription, BookCouponsQuery } from './book-detail.documents';

/** The API serves at most 100 items per page; 50 keeps a page light. */
const PAGE = 50;
const STATES: CouponState[] = ['UNASSIGNED', 'ASSIGNED', 'LOCKED', 'REDEEMED'];

interface PageEnd {
  endCursor: string | null;
  hasNextPage: boolean;
}

/**
 * The book's coupons, live. Coupon events carry the changed coupon, which Apollo merges into the
 * rows already shown (same `Coupon:id`), so a lock or a redemption changes its row in place. Only
 * when an event concerns a coupon not on screen (new codes, a filter the change moves it across)
 * are the pages read again, at most a few times a second.
 */
export function CouponTable({ bookId }: { bookId: string }) {
  const [state, setState] = useState<CouponState | ''>('');
  // One entry per loaded page: the cursor it starts after (null: the first page).
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [ends, setEnds] = useState<Record<number, PageEnd>>({});
  const [refresh, setRefresh] = useState(0);
  const shownIds = useRef(new Set<string>());

  const refreshSoon = useCoalescedCallback(() => setRefresh((n) => n + 1), 300);
  useSubscription(BookCouponEventsSubscription, {
    variables: { bookId },
    onData: ({ data: event }) => {
      const payload = event.data?.couponEvents;
      if (!payload) return;
      noteServerTime(payload.serverTime);
      if (!payload.coupon || state || !shownIds.current.has(payload.coupon.id)) refreshSoon();
    },
  });

  const changeFilter = (next: CouponState | '') => {
    setState(next);
    setCursors([null]);
    setEnds({});
  };
  const lastEnd = ends[cursors.length - 1];

  return (
    <section className="card" aria-labelledby="coupons-title">
      <div className="card__header">
        <h2 id="coupons-title">Coupons</h2>
        <LiveIndicator />
      </div>
      <div className="toolbar">
        <label htmlFor="coupon-state-filter">Show</label>
        <select id="coupon-state-filter" value={state} onChange={(e) => changeFilter(e.target.value as CouponState | '')}>
          <option value="">All states</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s.charAt(0) + s.slice(1).toLowerCase()}
            </option>
          ))}
        </select>
      </div>
      <div className="table-wrap">
        <table className="table table--compact" aria-labelledby="coupons-title">
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
          {cursors.map((after, index) => (
            <CouponPage
              key={`${state}:${after ?? 'first'}`}
              bookId={bookId}
              state={state || null}
              after={after}
              refresh={refresh}
              first={index === 0}
              onEnd={(end) => setEnds((all) => (all[index]?.endCursor === end.endCursor && all[index]?.hasNextPage === end.hasNextPage ? all : { ...all, [index]: end }))}
              onIds={(ids) => {
                for (const id of ids) shownIds.current.add(id);
              }}
            />
          ))}
        </table>
      </div>
      {lastEnd?.hasNextPage && lastEnd.endCursor ? (
        <button type="button" className="btn" onClick={() => setCursors((all) => [...all, lastEnd.endCursor])}>
          Show more coupons
        </button>
      ) : null}
    </section>
  );
}

interface CouponPageProps {
  bookId: string;
  state: CouponState | null;
  after: string | null;
  refresh: number;
  first: boolean;
  onEnd(end: PageEnd): void;
  onIds(ids: string[]): void;
}

/** One page of the table (its own `<tbody>`), read again whenever `refresh` changes. */
function CouponPage({ bookId, state, after, refresh, first, onEnd, onIds }: CouponPageProps) {
  const { data, previousData, loading, error, refetch } = useQuery(BookCouponsQuery, { variables: { id: bookId, first: PAGE, after, state } });
  const coupons = (data ?? previousData)?.book?.coupons;

  const initialRefresh = useRef(refresh);
  useEffect(() => {
    if (refresh !== initialRefresh.current) void refetch().catch(() => undefined);
  }, [refresh, refetch]);
  useEffect(() => {
    if (!coupons) return;
    onIds(coupons.edges.map((e) => e.node.id));
    onEnd({ endCursor: coupons.pageInfo.endCursor ?? null, hasNextPage: coupons.pageInfo.hasNextPage });
  }, [coupons, onEnd, onIds]);

  const message = (content: React.ReactNode) => (
    <tbody>
      <tr>
        <td colSpan={6}>{content}</td>
      </tr>
    </tbody>
  );
  if (error && !coupons) return message(<ErrorState error={error} onRetry={() => void refetch()} />);
  if (!coupons) return loading ? message(<LoadingState label="Loading coupons…" />) : null;
  if (first && coupons.edges.length === 0) {
    return message(<EmptyState title={state ? 'No coupon in this state' : 'No codes yet'}>{state ? null : 'Upload a CSV or generate codes above.'}</EmptyState>);
  }
  return (
    <tbody>
      {first ? (
        <tr className="table__meta">
          <td colSpan={6}>
            {formatCount(coupons.totalCount)} {coupons.totalCount === 1 ? 'coupon' : 'coupons'}
          </td>
        </tr>
      ) : null}
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
  );
}
