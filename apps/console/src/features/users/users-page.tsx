'use client';

import Link from 'next/link';
import { Badge } from '@/components/controls/badge';
import { LockCountdown } from '@/components/coupons/lock-countdown';
import { StateBadge } from '@/components/coupons/state-badge';
import { type Column, DataTable } from '@/components/data-table/data-table';
import { TableCard } from '@/components/data-table/table-card';
import { useUrlPaging, useUrlSearchInput } from '@/components/data-table/use-url-paging';
import { useUrlState } from '@/components/data-table/use-url-state';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { graphql } from '@/gql';
import type { UserCouponRowFragment, UserTableRowFragment } from '@/gql/graphql';
import { formatCount, formatDateTime } from '@/lib/format/format';
import { BookName } from '../books/book-summary';
import { AssignCouponPanel } from '../assign/assign-coupon-panel';
import { UserAdminPanel } from './user-admin-panel';
import styles from './users-page.module.css';
import { type UserSelection, USER_COUPONS_PAGE, USERS_PAGE, useUserCoupons, useUsers } from './use-users';
import { PageHeader } from '@/components/page/page-header';

/** What one row of the users table shows. */
export const UserTableRow = graphql(`
  fragment UserTableRow on User {
    id
    email
    externalId
    role
    disabled
    createdAt
  }
`);

/** What one row of a user's coupons shows: what the user's own card of it shows. */
export const UserCouponRow = graphql(`
  fragment UserCouponRow on Coupon {
    ...MyCoupon
  }
`);

const roleName = (role: string) => (role === 'ADMIN' ? 'Admin' : 'User');
const none = <span className="muted">—</span>;
/** How a shop's customer (no email: known by the shop's id of them) is named on the page. */
const customerName = (externalId: string) => `Customer ${externalId}`;

const COUPON_COLUMNS: Column<UserCouponRowFragment>[] = [
  { key: 'code', header: 'Code', rowHeader: true, variant: 'mono', cell: (c) => <Link href={`/coupons/${encodeURIComponent(c.code)}`}>{c.code}</Link> },
  { key: 'book', header: 'Book', cell: (c) => <BookName bookId={c.bookId} link /> },
  { key: 'state', header: 'State', cell: (c) => <StateBadge state={c.state} /> },
  { key: 'lock', header: 'Lock', cell: (c) => (c.state === 'LOCKED' && c.lockExpiresAt ? <LockCountdown lockExpiresAt={c.lockExpiresAt} /> : none) },
  { key: 'redemptions', header: 'Redemptions', numeric: true, cell: (c) => formatCount(c.redemptionCount) },
  { key: 'assigned', header: 'Assigned', variant: 'nowrap', cell: (c) => formatDateTime(c.assignedAt) },
];

const ROLES = ['ADMIN', 'USER'] as const;

/** Admin: find people by email and a shop's customers by their id, and look at one's coupons. Search, filters, page and the chosen user live in the URL. */
export function UsersPage() {
  const chosen = useUrlState(['email', 'customer', 'cpage', 'cafter']);
  const selectedEmail = chosen.values.email || null;
  const selectedCustomer = chosen.values.customer || null;
  const selection: UserSelection | null = selectedEmail ? { email: selectedEmail } : selectedCustomer ? { externalId: selectedCustomer } : null;
  const paging = useUrlPaging(['search', 'role', 'status'], { label: 'User pages', testId: 'user-page', defaultSize: USERS_PAGE });
  const role = ROLES.find((r) => r === paging.filters.role) ?? null;
  const status = paging.filters.status;
  const search = useUrlSearchInput(paging.filters.search, (text) => paging.applyFilters({ search: text }, { replace: true }));
  const users = useUsers(
    { search: paging.filters.search, role, disabled: status === 'disabled' ? true : status === 'enabled' ? false : null },
    { pageSize: paging.pageSize, start: paging.start },
  );

  // The selected email or customer id lives in the URL (never a token), so the view can be linked and reloaded.
  const select = (next: UserSelection | null) =>
    chosen.apply({ email: next && 'email' in next ? next.email : '', customer: next && 'externalId' in next ? next.externalId : '', cpage: '', cafter: '' }, { replace: true });

  const columns: Column<UserTableRowFragment>[] = [
    {
      key: 'email',
      header: 'Email or customer id',
      rowHeader: true,
      cell: (u) => {
        if (u.email) {
          const email = u.email;
          return (
            <button type="button" className={styles.select} aria-pressed={selectedEmail === email} onClick={() => select({ email })}>
              {email}
            </button>
          );
        }
        if (u.externalId) {
          const externalId = u.externalId;
          return (
            <button type="button" className={styles.select} aria-pressed={selectedCustomer === externalId} onClick={() => select({ externalId })}>
              <span className="muted">Customer </span>
              <span className="mono">{externalId}</span>
            </button>
          );
        }
        return none;
      },
    },
    {
      key: 'role',
      header: 'Role',
      cell: (u) => (
        <Badge kind="role" tone={u.role === 'ADMIN' ? 'primary' : 'muted'}>
          {roleName(u.role)}
        </Badge>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      cell: (u) => (u.disabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="success">Enabled</Badge>),
    },
  ];

  return (
    <div className="stack">
      <PageHeader title="Users" lead="Find an account (a person, or a shop’s customer made by an API key), see the coupons it holds, change a person’s role, disable or erase it." />
      <div className="grid grid--sidebar-left">
        <TableCard
          title="Search"
          titleId="user-search-title"
          toolbar={
            <>
              <search className="field">
                <label htmlFor="user-search" className="field__label">
                  Email contains
                </label>
                <input
                  id="user-search"
                  type="search"
                  value={search.value}
                  onChange={(e) => search.onChange(e.target.value)}
                  placeholder="e.g. @example.com"
                  aria-describedby="user-search-hint"
                />
                <p className="field__hint" id="user-search-hint">
                  Also finds a shop’s customers by their id.
                </p>
                <div className={styles.filters}>
                  <label htmlFor="user-role-filter">Role</label>
                  <select id="user-role-filter" value={role ?? ''} onChange={(e) => paging.applyFilters({ role: e.target.value })}>
                    <option value="">Any</option>
                    <option value="ADMIN">Admin</option>
                    <option value="USER">User</option>
                  </select>
                  <label htmlFor="user-disabled-filter">Status</label>
                  <select id="user-disabled-filter" value={status === 'enabled' || status === 'disabled' ? status : ''} onChange={(e) => paging.applyFilters({ status: e.target.value })}>
                    <option value="">Any</option>
                    <option value="enabled">Enabled</option>
                    <option value="disabled">Disabled</option>
                  </select>
                </div>
              </search>
              {users.totalCount !== undefined ? (
                <p className="muted" aria-live="polite">
                  {formatCount(users.totalCount)} {users.totalCount === 1 ? 'user' : 'users'}
                </p>
              ) : null}
            </>
          }
          caption="Users"
          columns={columns}
          {...paging.table(users)}
          rowKey={(u) => u.id}
          loadingLabel="Loading users…"
          empty="No user matches"
        />
        {selection ? (
          <UserCoupons key={selectedEmail ?? `customer:${selectedCustomer}`} selection={selection} onErased={() => select(null)} />
        ) : (
          <section className="card">
            <EmptyState title="Choose a user">Their coupons appear here.</EmptyState>
          </section>
        )}
      </div>
    </div>
  );
}

function UserCoupons({ selection, onErased }: { selection: UserSelection; onErased(): void }) {
  // The coupons' page lives in the URL beside the users list's (prefix 'c'); choosing another user starts at page 1.
  const paging = useUrlPaging([], { prefix: 'c', label: 'Coupon pages', testId: 'user-coupon-page', defaultSize: USER_COUPONS_PAGE });
  const { user, coupons, loaded, loading, error, refetch } = useUserCoupons(selection, { pageSize: paging.pageSize, start: paging.start });
  const customer = 'externalId' in selection;
  const name = customer ? customerName(selection.externalId) : selection.email;
  return (
    <section className="card" aria-labelledby="user-coupons-title" aria-busy={loading}>
      <h2 id="user-coupons-title">{name}</h2>
      {error && !loaded ? <ErrorState error={error} onRetry={refetch} /> : null}
      {loading && !loaded ? <LoadingState label="Loading coupons…" /> : null}
      {loaded && !user ? <EmptyState title={customer ? 'No customer with this id' : 'No user with this email'} /> : null}
      {user ? (
        <>
          <p className="muted">
            {customer ? 'Shop customer (acted for by API keys; never signs in)' : roleName(user.role)} since {formatDateTime(user.createdAt)} ·{' '}
            {formatCount(user.coupons.totalCount)} {user.coupons.totalCount === 1 ? 'coupon' : 'coupons'}
            {user.disabled ? ` · disabled ${formatDateTime(user.disabledAt)}` : ''}
          </p>
          <UserAdminPanel user={user} onErased={onErased} />
          {user.disabled ? null : <AssignCouponPanel key={user.id} user={{ id: user.id, name }} embedded />}
          <DataTable caption={`Coupons of ${name}`} compact columns={COUPON_COLUMNS} {...paging.table(coupons)} rowKey={(c) => c.id} empty="No coupons yet" />
        </>
      ) : null}
    </section>
  );
}
