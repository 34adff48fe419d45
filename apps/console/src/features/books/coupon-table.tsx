'use client';

import Link from 'next/link';
import { useState } from 'react';
import { LockCountdown } from '@/components/coupons/lock-countdown';
import { StateBadge } from '@/components/coupons/state-badge';
import { type Column, DataTable } from '@/components/data-table/data-table';
import { LiveIndicator } from '@/components/feedback/live-indicator';
import { EmptyState } from '@/components/feedback/states';
import { graphql } from '@/gql';
import type { CouponRowFragment, CouponState } from '@/gql/graphql';
import { formatCount, formatDateTime } from '@/lib/format/format';
import { useBookCoupons } from './use-book-coupons';

/** What one row of a book's coupon table shows. */
export const CouponRow = graphql(`
  fragment CouponRow on Coupon {
    id
    code
    state
    lockExpiresAt
    redemptionCount
    assignedAt
    user {
      id
      email
    }
  }
`);

const STATES: CouponState[] = ['UNASSIGNED', 'ASSIGNED', 'LOCKED', 'REDEEMED', 'VOID'];
const none = <span className="muted">—</span>;

const COLUMNS: Column<CouponRowFragment>[] = [
  { key: 'code', header: 'Code', rowHeader: true, variant: 'mono', cell: (c) => <Link href={`/coupons/${encodeURIComponent(c.code)}`}>{c.code}</Link> },
  { key: 'state', header: 'State', cell: (c) => <StateBadge state={c.state} /> },
  { key: 'owner', header: 'Owner', cell: (c) => c.user?.email ?? none },
  { key: 'lock', header: 'Lock', cell: (c) => (c.state === 'LOCKED' && c.lockExpiresAt ? <LockCountdown lockExpiresAt={c.lockExpiresAt} /> : none) },
  { key: 'redemptions', header: 'Redemptions', numeric: true, cell: (c) => formatCount(c.redemptionCount) },
  { key: 'assigned', header: 'Assigned', variant: 'nowrap', cell: (c) => formatDateTime(c.assignedAt) },
];

/** The book's coupons, live, filtered by state, a page at a time. */
export function CouponTable({ bookId }: { bookId: string }) {
  const [state, setState] = useState<CouponState | ''>('');
  const coupons = useBookCoupons(bookId, state || null);

  return (
    <section className="card" aria-labelledby="coupons-title">
      <div className="card__header">
        <h2 id="coupons-title">Coupons</h2>
        <LiveIndicator />
      </div>
      <div className="toolbar">
        <label htmlFor="coupon-state-filter">Show</label>
        <select id="coupon-state-filter" value={state} onChange={(e) => setState(e.target.value as CouponState | '')}>
          <option value="">All states</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {s.charAt(0) + s.slice(1).toLowerCase()}
            </option>
          ))}
        </select>
      </div>
      <DataTable
        labelledBy="coupons-title"
        compact
        columns={COLUMNS}
        rows={coupons.nodes}
        rowKey={(c) => c.id}
        rowAttributes={(c) => ({ 'data-code': c.code, 'data-state': c.state })}
        loading={coupons.loading}
        loadingLabel="Loading coupons…"
        error={coupons.error}
        onRetry={() => void coupons.refetch()}
        summary={coupons.totalCount === undefined ? null : `${formatCount(coupons.totalCount)} ${coupons.totalCount === 1 ? 'coupon' : 'coupons'}`}
        empty={<EmptyState title={state ? 'No coupon in this state' : 'No codes yet'}>{state ? null : 'Upload a CSV or generate codes above.'}</EmptyState>}
        pagination={{ hasMore: coupons.hasMore, loadingMore: coupons.loadingMore, onMore: coupons.loadMore, label: 'Show more coupons' }}
      />
    </section>
  );
}
