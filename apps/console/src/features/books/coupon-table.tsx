'use client';

import { useMutation } from '@apollo/client/react';
import { actionsColumn } from '@/components/data-table/actions-column';
import Link from 'next/link';
import { LockCountdown } from '@/components/coupons/lock-countdown';
import { StateBadge } from '@/components/coupons/state-badge';
import type { Column } from '@/components/data-table/data-table';
import { TableCard } from '@/components/data-table/table-card';
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
import { useUrlPaging } from '@/components/data-table/use-url-paging';
import { COUPONS_PAGE, useBookCoupons } from './use-book-coupons';

/** What one row of a book's coupon table shows. */
export const CouponRow = graphql(`
  fragment CouponRow on Coupon {
    id
    code
    state
    # The cache keeps the copy with the later updatedAt (lib/apollo/cache.ts).
    updatedAt
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
const COUPON_FILTER_KEYS = COUPON_FILTERS.map((f) => f.key);
const none = <span className="muted">—</span>;

const COLUMNS: Column<CouponRowFragment>[] = [
  { key: 'code', header: 'Code', rowHeader: true, variant: 'mono', cell: (c) => <Link href={`/coupons/${encodeURIComponent(c.code)}`}>{c.code}</Link> },
  { key: 'state', header: 'State', cell: (c) => <StateBadge state={c.state} /> },
  { key: 'owner', header: 'Owner', cell: (c) => c.user?.email ?? none },
  { key: 'lock', header: 'Lock', cell: (c) => (c.state === 'LOCKED' && c.lockExpiresAt ? <LockCountdown lockExpiresAt={c.lockExpiresAt} /> : none) },
  { key: 'redemptions', header: 'Redemptions', numeric: true, cell: (c) => formatCount(c.redemptionCount) },
  { key: 'assigned', header: 'Assigned', variant: 'nowrap', cell: (c) => formatDateTime(c.assignedAt) },
  actionsColumn((c) => <CouponRowActions code={c.code} state={c.state} />),
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
  const paging = useUrlPaging(COUPON_FILTER_KEYS, { label: 'Coupon pages', testId: 'coupon-page', defaultSize: COUPONS_PAGE });
  const { state, email, codePrefix, assignedAfter, assignedBefore } = paging.filters;
  const filtered = anyFilter(paging.filters);
  const coupons = useBookCoupons(bookId, {
    // A state the URL may hold that is none (a hand-edited link) means any state.
    state: STATES.find((s) => s === state) ?? null,
    email: email || null,
    codePrefix: codePrefix || null,
    assignedAfter: assignedAfter || null,
    assignedBefore: assignedBefore || null,
  }, { live, pageSize: paging.pageSize, start: paging.start });
  const noun = (n: number) => (n === 1 ? 'coupon' : 'coupons');

  return (
    <TableCard
      title="Coupons"
      titleId="coupons-title"
      aside={<LiveIndicator />}
      toolbar={<ListFilterBar label="Filter coupons" fields={COUPON_FILTERS} values={paging.filters} onApply={paging.applyFilters} onClear={paging.clearFilters} error={coupons.error} />}
      columns={COLUMNS}
      {...paging.table(coupons)}
      rowKey={(c) => c.id}
      rowAttributes={(c) => ({ 'data-code': c.code, 'data-state': c.state })}
      loadingLabel="Loading coupons…"
      summary={coupons.totalCount === undefined ? null : `${formatCount(coupons.totalCount)} ${noun(coupons.totalCount)}${filtered ? (coupons.totalCount === 1 ? ' matches' : ' match') : ''}`}
      empty={
        filtered ? (
          <EmptyState title="No coupon matches these filters">
            <Button size="small" onClick={paging.clearFilters}>
              Clear filters
            </Button>
          </EmptyState>
        ) : (
          <EmptyState title="No codes yet">Upload a CSV or generate codes above.</EmptyState>
        )
      }
    />
  );
}
