'use client';

import { useMutation } from '@apollo/client/react';
import Link from 'next/link';
import { LockCountdown } from '@/components/coupons/lock-countdown';
import { StateBadge } from '@/components/coupons/state-badge';
import { type Column, DataTable } from '@/components/data-table/data-table';
import { LiveIndicator } from '@/components/feedback/live-indicator';
import { Button } from '@/components/controls/button';
import { EmptyState } from '@/components/feedback/states';
import { graphql } from '@/gql';
import type { CouponRowFragment, CouponState } from '@/gql/graphql';
import { CouponActions } from '../coupons/coupon-actions';
import { UnassignCouponMutation, VoidCouponMutation } from '../coupons/use-coupon';
import { formatCount, formatDateTime, STATE_LABELS } from '@/lib/format/format';
import { ListFilterBar } from './list-filter-bar';
import { anyFilter, type FilterField } from './list-filters';
import styles from './coupon-table.module.css';
import { useBookCoupons } from './use-book-coupons';
import { useUrlFilters } from './use-url-filters';

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

type CouponFilterKey = 'state' | 'email' | 'codePrefix' | 'assignedAfter' | 'assignedBefore';

/** The coupon list's filters, by the names of the root `coupons` search (also their URL keys). */
export const COUPON_FILTERS: ReadonlyArray<FilterField<CouponFilterKey>> = [
  { key: 'state', apiField: 'state', label: 'State', kind: 'choice', options: [{ value: '', label: 'All states' }, ...STATES.map((s) => ({ value: s, label: STATE_LABELS[s] ?? s }))] },
  { key: 'email', apiField: 'email', label: 'Holder’s email', kind: 'email', placeholder: 'name@example.com' },
  { key: 'codePrefix', apiField: 'codePrefix', label: 'Code starts with', kind: 'codePrefix', placeholder: 'SPRING-' },
  { key: 'assignedAfter', apiField: 'assignedAfter', label: 'Assigned after', kind: 'after' },
  { key: 'assignedBefore', apiField: 'assignedBefore', label: 'Assigned before', kind: 'before' },
];
// The page (its number, the cursor it starts after) and the page size live in the URL with the
// filters; applying filters clears them, so a new search starts on page 1.
const COUPON_FILTER_KEYS = [...COUPON_FILTERS.map((f) => f.key), 'page', 'after', 'size'] as const;
const PAGE_SIZES = [20, 50, 100] as const;
const none = <span className="muted">—</span>;

const COLUMNS: Column<CouponRowFragment>[] = [
  { key: 'code', header: 'Code', rowHeader: true, variant: 'mono', cell: (c) => <Link href={`/coupons/${encodeURIComponent(c.code)}`}>{c.code}</Link> },
  { key: 'state', header: 'State', cell: (c) => <StateBadge state={c.state} /> },
  { key: 'owner', header: 'Owner', cell: (c) => c.user?.email ?? none },
  { key: 'lock', header: 'Lock', cell: (c) => (c.state === 'LOCKED' && c.lockExpiresAt ? <LockCountdown lockExpiresAt={c.lockExpiresAt} /> : none) },
  { key: 'redemptions', header: 'Redemptions', numeric: true, cell: (c) => formatCount(c.redemptionCount) },
  { key: 'assigned', header: 'Assigned', variant: 'nowrap', cell: (c) => formatDateTime(c.assignedAt) },
  { key: 'actions', header: 'Actions', hideHeader: true, variant: 'actions', cell: (c) => <CouponRowActions code={c.code} state={c.state} /> },
];

/** Unassign and Void from the row, each asking for a reason (the coupon page's own dialog); the row follows by the table's live updates. */
function CouponRowActions({ code, state }: { code: string; state: CouponState }) {
  const [voidIt, voiding] = useMutation(VoidCouponMutation);
  const [unassign, unassigning] = useMutation(UnassignCouponMutation);
  return (
    <CouponActions
      compact
      code={code}
      state={state}
      busy={voiding.loading || unassigning.loading}
      voidCoupon={async (reason) => void (await voidIt({ variables: { code, reason } }))}
      unassignCoupon={async (reason) => void (await unassign({ variables: { code, reason } }))}
    />
  );
}

/** The book's coupons, live, narrowed by filters kept in the page's URL, a page at a time (page, its cursor and the page size in the URL too). */
export function CouponTable({ bookId, live = true }: { bookId: string; live?: boolean }) {
  const filters = useUrlFilters(COUPON_FILTER_KEYS);
  const { state, email, codePrefix, assignedAfter, assignedBefore, page: pageParam, after, size: sizeParam } = filters.values;
  const filtered = anyFilter({ state, email, codePrefix, assignedAfter, assignedBefore });
  const pageSize = PAGE_SIZES.find((n) => String(n) === sizeParam) ?? 50;
  const page = after && /^\d+$/.test(pageParam) && Number(pageParam) > 1 ? Number(pageParam) : 1;
  const coupons = useBookCoupons(bookId, {
    // A state the URL may hold that is none (a hand-edited link) means any state.
    state: STATES.find((s) => s === state) ?? null,
    email: email || null,
    codePrefix: codePrefix || null,
    assignedAfter: assignedAfter || null,
    assignedBefore: assignedBefore || null,
  }, { live, pageSize, start: page > 1 ? after : null });
  const pages = coupons.totalCount === undefined ? undefined : Math.max(1, Math.ceil(coupons.totalCount / pageSize));
  const noun = (n: number) => (n === 1 ? 'coupon' : 'coupons');

  return (
    <section className="card" aria-labelledby="coupons-title">
      <div className="card__header">
        <h2 id="coupons-title">Coupons</h2>
        <LiveIndicator />
      </div>
      <ListFilterBar label="Filter coupons" fields={COUPON_FILTERS} values={filters.values} onApply={(values) => filters.apply({ ...values, size: sizeParam })} onClear={filters.clear} error={coupons.error} />
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
        summary={coupons.totalCount === undefined ? null : `${formatCount(coupons.totalCount)} ${noun(coupons.totalCount)}${filtered ? (coupons.totalCount === 1 ? ' matches' : ' match') : ''}`}
        empty={
          filtered ? (
            <EmptyState title="No coupon matches these filters">
              <Button size="small" onClick={filters.clear}>
                Clear filters
              </Button>
            </EmptyState>
          ) : (
            <EmptyState title="No codes yet">Upload a CSV or generate codes above.</EmptyState>
          )
        }
      />
      <nav className={styles.pager} aria-label="Coupon pages">
        <span data-testid="coupon-page">
          Page {formatCount(page)}
          {pages === undefined ? '' : ` of ${formatCount(pages)}`}
        </span>
        <label>
          Per page{' '}
          <select value={pageSize} onChange={(e) => filters.apply({ ...filters.values, size: e.target.value === '50' ? '' : e.target.value, page: '', after: '' })}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        {page > 1 ? (
          <Button size="small" onClick={() => filters.apply({ ...filters.values, page: '', after: '' })}>
            First page
          </Button>
        ) : null}
        {coupons.hasMore && coupons.endCursor ? (
          <Button size="small" onClick={() => filters.apply({ ...filters.values, page: String(page + 1), after: coupons.endCursor ?? '' })}>
            Next page
          </Button>
        ) : null}
      </nav>
    </section>
  );
}
