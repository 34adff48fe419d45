'use client';

import { useQuery } from '@apollo/client/react';
import Link from 'next/link';
import { useDeferredValue, useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { formatCount, formatDateTime, formatDiscount } from '@/lib/format/format';
import { BooksQuery } from './books.documents';

const PAGE = 25;

/** All coupon books with a search box and the number of coupons in each state. */
export function BookList() {
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search.trim());
  const [limit, setLimit] = useState(PAGE);
  const { data, previousData, loading, error, refetch } = useQuery(BooksQuery, {
    variables: { first: limit, search: deferredSearch || null },
  });
  const books = (data ?? previousData)?.books;

  return (
    <section aria-labelledby="books-title">
      <div className="page-header">
        <div>
          <h1 id="books-title">Books</h1>
          <p className="page-header__lead">Coupon campaigns, their codes and how they are used.</p>
        </div>
        <Link href="/books/new" className="btn btn--primary">
          New book
        </Link>
      </div>

      <div className="toolbar" role="search">
        <label htmlFor="book-search" className="visually-hidden">
          Search books
        </label>
        <input
          id="book-search"
          type="search"
          placeholder="Search books by name"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setLimit(PAGE);
          }}
        />
        {books ? (
          <p className="toolbar__meta" aria-live="polite">
            {formatCount(books.totalCount)} {books.totalCount === 1 ? 'book' : 'books'}
          </p>
        ) : null}
      </div>

      {error && !books ? <ErrorState error={error} onRetry={() => void refetch()} /> : null}
      {!books && loading ? <LoadingState label="Loading books…" /> : null}
      {books && books.edges.length === 0 ? (
        <EmptyState title={deferredSearch ? `No book matches “${deferredSearch}”` : 'No books yet'}>
          {deferredSearch ? null : (
            <Link href="/books/new" className="btn btn--primary">
              Create the first book
            </Link>
          )}
        </EmptyState>
      ) : null}

      {books && books.edges.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Books with coupons per state</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Discount</th>
                <th scope="col">Valid</th>
                <th scope="col" className="num">
                  Unassigned
                </th>
                <th scope="col" className="num">
                  Assigned
                </th>
                <th scope="col" className="num">
                  Locked
                </th>
                <th scope="col" className="num">
                  Redeemed
                </th>
                <th scope="col" className="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {books.edges.map(({ node: book }) => (
                <tr key={book.id}>
                  <th scope="row">
                    <Link href={`/books/${book.id}`}>{book.name}</Link>
                    {book.isActive ? null : <span className="badge badge--muted">Inactive</span>}
                  </th>
                  <td>{formatDiscount(book.discountType, book.discountValue)}</td>
                  <td className="nowrap">
                    {book.validFrom || book.validUntil ? `${formatDateTime(book.validFrom)} – ${formatDateTime(book.validUntil)}` : 'Always'}
                  </td>
                  <td className="num">{formatCount(book.counts.unassigned)}</td>
                  <td className="num">{formatCount(book.counts.assigned)}</td>
                  <td className="num">{formatCount(book.counts.locked)}</td>
                  <td className="num">{formatCount(book.counts.redeemed)}</td>
                  <td className="num">{formatCount(book.counts.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {books?.pageInfo.hasNextPage ? (
        <button type="button" className="btn" onClick={() => setLimit((n) => n + PAGE)} disabled={loading}>
          {loading ? 'Loading…' : 'Show more books'}
        </button>
      ) : null}
    </section>
  );
}
