'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useDeferredValue, useState } from 'react';
import { Badge } from '@/components/controls/badge';
import { LockCountdown } from '@/components/coupons/lock-countdown';
import { StateBadge } from '@/components/coupons/state-badge';
import { type Column, DataTable } from '@/components/data-table/data-table';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { graphql } from '@/gql';
import type { Role, UserCouponRowFragment, UserTableRowFragment } from '@/gql/graphql';
import { formatCount, formatDateTime } from '@/lib/format/format';
import { BookName } from '../books/book-summary';
import { AssignCouponPanel } from '../assign/assign-coupon-panel';
import { UserAdminPanel } from './user-admin-panel';
import styles from './users-page.module.css';
import { type UserSelection, USERS_SHOWN, useUserCoupons, useUsers } from './use-users';

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

/** What one row of a user's coupons shows. */
export const UserCouponRow = graphql(`
  fragment UserCouponRow on Coupon {
    id
    code
    state
    lockExpiresAt
    redemptionCount
    assignedAt
    bookId
  }
`);

const roleName = (role: string) => (role === 'ADMIN' ? 'Admin' : 'User');
const none = <span className="muted">—</span>;
/** How a shop's customer (no email: known by the shop's id of them) is named on the page. */
const customerName = (externalId: string) => `Customer ${externalId}`;

const COUPON_COLUMNS: Column<UserCouponRowFragment>[] = [
  { key: 'code', header: 'Code', rowHeader: true, variant: 'mono', cell: (c) => <Link href={`/coupons/${encodeURIComponent(c.code)}`}>{c.code}</Link>, sortValue: (c) => c.code },
  { key: 'book', header: 'Book', cell: (c) => <BookName bookId={c.bookId} link /> },
  { key: 'state', header: 'State', cell: (c) => <StateBadge state={c.state} />, sortValue: (c) => c.state },
  { key: 'lock', header: 'Lock', cell: (c) => (c.state === 'LOCKED' && c.lockExpiresAt ? <LockCountdown lockExpiresAt={c.lockExpiresAt} /> : none) },
  { key: 'redemptions', header: 'Redemptions', numeric: true, cell: (c) => formatCount(c.redemptionCount), sortValue: (c) => c.redemptionCount },
  { key: 'assigned', header: 'Assigned', variant: 'nowrap', cell: (c) => formatDateTime(c.assignedAt), sortValue: (c) => (c.assignedAt ? Date.parse(c.assignedAt) : null) },
];

/** Admin: find people by email and a shop's customers by their id, and look at one's coupons. */
export function UsersPage() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const selectedEmail = params.get('email');
  const selectedCustomer = params.get('customer');
  const selection: UserSelection | null = selectedEmail ? { email: selectedEmail } : selectedCustomer ? { externalId: selectedCustomer } : null;
  const [search, setSearch] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [disabled, setDisabled] = useState<'' | 'true' | 'false'>('');
  const deferred = useDeferredValue(search.trim());
  const { users, totalCount, hasMore, loading, error, refetch } = useUsers({ search: deferred, role: role || null, disabled: disabled === '' ? null : disabled === 'true' });

  // The selected email or customer id lives in the URL (never a token), so the view can be linked and reloaded.
  const select = (chosen: UserSelection | null) => {
    const query = chosen === null ? '' : 'email' in chosen ? `?email=${encodeURIComponent(chosen.email)}` : `?customer=${encodeURIComponent(chosen.externalId)}`;
    router.replace(`${pathname ?? '/users'}${query}`);
  };

  const columns: Column<UserTableRowFragment>[] = [
    {
      key: 'email',
      header: 'Email or customer id',
      rowHeader: true,
      sortValue: (u) => u.email ?? u.externalId,
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
      sortValue: (u) => u.role,
    },
    {
      key: 'status',
      header: 'Status',
      cell: (u) => (u.disabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="success">Enabled</Badge>),
      sortValue: (u) => u.disabled,
    },
  ];

  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Users</h1>
          <p className="page-header__lead">
            Find an account (a person, or a shop’s customer made by an API key), see the coupons it holds, change a person’s role, disable or erase it.
          </p>
        </div>
      </div>
      <div className="grid grid--sidebar-left">
        <section className="card" aria-labelledby="user-search-title">
          <h2 id="user-search-title">Search</h2>
          <search className="field">
            <label htmlFor="user-search" className="field__label">
              Email contains
            </label>
            <input
              id="user-search"
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              placeholder="e.g. @example.com"
              aria-describedby="user-search-hint"
            />
            <p className="field__hint" id="user-search-hint">
              Also finds a shop’s customers by their id.
            </p>
            <div className={styles.filters}>
              <label htmlFor="user-role-filter">Role</label>
              <select id="user-role-filter" value={role} onChange={(e) => setRole(e.target.value as Role | '')}>
                <option value="">Any</option>
                <option value="ADMIN">Admin</option>
                <option value="USER">User</option>
              </select>
              <label htmlFor="user-disabled-filter">Status</label>
              <select id="user-disabled-filter" value={disabled} onChange={(e) => setDisabled(e.target.value as '' | 'true' | 'false')}>
                <option value="">Any</option>
                <option value="false">Enabled</option>
                <option value="true">Disabled</option>
              </select>
            </div>
          </search>
          {totalCount !== undefined ? (
            <p className="muted" aria-live="polite">
              {formatCount(totalCount)} {totalCount === 1 ? 'user' : 'users'}
              {hasMore ? ` (first ${USERS_SHOWN} shown; refine the search)` : ''}
            </p>
          ) : null}
          <DataTable
            caption="Users"
            compact
            columns={columns}
            rows={users}
            rowKey={(u) => u.id}
            loading={loading}
            loadingLabel="Loading users…"
            error={error}
            onRetry={refetch}
            empty="No user matches"
          />
        </section>
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
  const { user, coupons, loaded, loading, error, refetch } = useUserCoupons(selection);
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
          <DataTable caption={`Coupons of ${name}`} compact columns={COUPON_COLUMNS} rows={coupons} rowKey={(c) => c.id} empty="No coupons yet" />
        </>
      ) : null}
    </section>
  );
}
