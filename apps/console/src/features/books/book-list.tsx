'use client';

import { useDeferredValue, useState } from 'react';
import { ButtonLink } from '@/components/controls/button';
import { EmptyState } from '@/components/feedback/states';
import type { BookStatus } from '@/gql/graphql';
import { formatCount } from '@/lib/format/format';
import { BookTable } from './book-table';
import { useBooks } from './use-books';

/** All coupon books with a search box and the number of coupons in each state. */
export function BookList() {
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search.trim());
  const [status, setStatus] = useState<BookStatus | ''>('');
  const books = useBooks(deferredSearch, status || null);

  return (
    <section aria-labelledby="books-title">
      <div className="page-header">
        <div>
          <h1 id="books-title">Books</h1>
          <p className="page-header__lead">Coupon campaigns, their codes and how they are used.</p>
        </div>
        <ButtonLink variant="primary" href="/books/new">
          New book
        </ButtonLink>
      </div>

      <search className="toolbar">
        <label htmlFor="book-search" className="visually-hidden">
          Search books
        </label>
        <input id="book-search" type="search" placeholder="Search books by name" value={search} onChange={(e) => setSearch(e.target.value)} />
        <label htmlFor="book-status-filter">Status</label>
        <select id="book-status-filter" value={status} onChange={(e) => setStatus(e.target.value as BookStatus | '')}>
          <option value="">Active and paused</option>
          <option value="ACTIVE">Active</option>
          <option value="PAUSED">Paused</option>
          <option value="ARCHIVED">Archived</option>
        </select>
        {books.totalCount !== undefined ? (
          <p className="toolbar__meta" aria-live="polite">
            {formatCount(books.totalCount)} {books.totalCount === 1 ? 'book' : 'books'}
          </p>
        ) : null}
      </search>

      <BookTable
        books={books.nodes}
        loading={books.loading}
        error={books.error}
        onRetry={() => void books.refetch()}
        pagination={{ hasMore: books.hasMore, loadingMore: books.loadingMore, onMore: books.loadMore, label: 'Show more books' }}
        empty={
          <EmptyState title={deferredSearch ? `No book matches “${deferredSearch}”` : status ? 'No book has this status' : 'No books yet'}>
            {deferredSearch || status ? null : (
              <ButtonLink variant="primary" href="/books/new">
                Create the first book
              </ButtonLink>
            )}
          </EmptyState>
        }
      />
    </section>
  );
}
