'use client';

import { useQuery } from '@apollo/client/react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useDeferredValue, useState } from 'react';
import { LockCountdown } from '@/components/coupons/lock-countdown';
import { StateBadge } from '@/components/coupons/state-badge';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { formatCount, formatDateTime } from '@/lib/format/format';
import { BookName } from '../books/book-summary';
import { AdminUsersQuery, UserCouponsQuery } from './users.documents';

const PAGE = 50;

/** Admin: find users by email and look at one user's coupons. */
export function UsersPage() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const selected = params.get('email');
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search.trim());
  const { data, previousData, loading, error, refetch } = useQuery(AdminUsersQuery, { variables: { emailContains: deferred || null, first: PAGE } });
  const users = (data ?? previousData)?.users;

  // The selected email lives in the URL (never a token), so the view can be linked and reloaded.
  const select = (email: string | null) => router.replace(email ? `${pathname}?email=${encodeURIComponent(email)}` : (pathname ?? '/users'));

  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Users</h1>
          <p className="page-header__lead">Find an account and see the coupons it holds.</p>
        </div>
      </div>
      <div className="grid grid--sidebar-left">
        <section className="card" aria-labelledby="user-search-title">
          <h2 id="user-search-title">Search</h2>
          <search className="field">
            <label htmlFor="user-search" className="field__label">
              Email contains
            </label>
            <input id="user-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="e.g. @example.com" />
          </search>
          {error && !users ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
          {!users && loading ? <LoadingState label="Loading users…" /> : null}
          {users ? (
            <p className="muted" aria-live="polite">
              {formatCount(users.totalCount)} {users.totalCount === 1 ? 'user' : 'users'}
              {users.pageInfo.hasNextPage ? ` (first ${PAGE} shown; refine the search)` : ''}
            </p>
          ) : null}
          {users && users.edges.length === 0 ? <EmptyState title="No user matches" /> : null}
          {users && users.edges.length > 0 ? (
            <ul className="list list--selectable" aria-label="Users">
              {users.edges.map(({ node: user }) => (
                <li key={user.id} className="list__item">
                  <button type="button" className="list__button" aria-pressed={selected === user.email} onClick={() => select(user.email)}>
                    <span>{user.email}</span>
                    <span className={`role role--${user.role.toLowerCase()}`}>{user.role === 'ADMIN' ? 'Admin' : 'User'}</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
        {selected ? (
          <UserCoupons email={selected} />
        ) : (
          <section className="card">
            <EmptyState title="Choose a user">Their coupons appear here.</EmptyState>
          </section>
        )}
      </div>
    </div>
  );
}

function UserCoupons({ email }: { email: string }) {
  const { data, loading, error, refetch } = useQuery(UserCouponsQuery, { variables: { email, first: 100 } });
  const user = data?.userByEmail;
  return (
    <section className="card" aria-labelledby="user-coupons-title" aria-busy={loading}>
      <h2 id="user-coupons-title">{email}</h2>
      {error && !data ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      {loading && !data ? <LoadingState label="Loading coupons…" /> : null}
      {data && !user ? <EmptyState title="No user with this email" /> : null}
      {user ? (
        <>
          <p className="muted">
            {user.role === 'ADMIN' ? 'Admin' : 'User'} since {formatDateTime(user.createdAt)} · {formatCount(user.coupons.totalCount)} coupons
          </p>
          {user.coupons.edges.length === 0 ? (
            <EmptyState title="No coupons yet" />
          ) : (
            <table className="table table--compact">
              <caption className="visually-hidden">Coupons of {user.email}</caption>
              <thead>
                <tr>
                  <th scope="col">Code</th>
                  <th scope="col">Book</th>
                  <th scope="col">State</th>
                  <th scope="col">Lock</th>
                  <th scope="col" className="num">
                    Redemptions
                  </th>
                  <th scope="col">Assigned</th>
                </tr>
              </thead>
              <tbody>
                {user.coupons.edges.map(({ node: coupon }) => (
                  <tr key={coupon.id}>
                    <th scope="row" className="mono">
                      {coupon.code}
                    </th>
                    <td>
                      <BookName bookId={coupon.bookId} link />
                    </td>
                    <td>
                      <StateBadge state={coupon.state} />
                    </td>
                    <td>{coupon.state === 'LOCKED' && coupon.lockExpiresAt ? <LockCountdown lockExpiresAt={coupon.lockExpiresAt} /> : <span className="muted">—</span>}</td>
                    <td className="num">{formatCount(coupon.redemptionCount)}</td>
                    <td className="nowrap">{formatDateTime(coupon.assignedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : null}
    </section>
  );
}
