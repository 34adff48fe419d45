'use client';

import { useDeferredValue, useState } from 'react';
import { ButtonLink } from '@/components/controls/button';
import { EmptyState } from '@/components/feedback/states';
import { formatCount } from '@/lib/format/format';
import { BookTable } from './book-table';
import { useBooks } from './use-books';

/** All coupon books with a search box and the number of coupons in each state. */
export function BookList() {
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search.trim());
  const books = useBooks(deferredSearch);

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
          <EmptyState title={deferredSearch ? `No book matches “${deferredSearch}”` : 'No books yet'}>
            {deferredSearch ? null : (
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
