'use client';

import { useQuery } from '@apollo/client/react';
import Link from 'next/link';
import { useDeferredValue, useEffect, useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { formatCount, formatDateTime, formatDiscount } from '@/lib/format/format';
import { BooksQuery } from './books.documents';

const PAGE = 25;

interface PageEnd {
  endCursor: string | null;
  hasNextPage: boolean;
  totalCount: number;
}

/** All coupon books with a search box and the number of coupons in each state. */
export function BookList() {
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search.trim());
  // One entry per loaded page: the cursor it starts after.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [ends, setEnds] = useState<Record<number, PageEnd>>({});
  // A new search starts again from the first page (adjusting state during render, not in an effect).
  const [pagedSearch, setPagedSearch] = useState(deferredSearch);
  if (pagedSearch !== deferredSearch) {
    setPagedSearch(deferredSearch);
    setCursors([null]);
    setEnds({});
  }
  const firstEnd = ends[0];
  const lastEnd = ends[cursors.length - 1];

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

      <search className="toolbar">
        <label htmlFor="book-search" className="visually-hidden">
          Search books
        </label>
        <input id="book-search" type="search" placeholder="Search books by name" value={search} onChange={(e) => setSearch(e.target.value)} />
        {firstEnd ? (
          <p className="toolbar__meta" aria-live="polite">
            {formatCount(firstEnd.totalCount)} {firstEnd.totalCount === 1 ? 'book' : 'books'}
          </p>
        ) : null}
      </search>

      {firstEnd && firstEnd.totalCount === 0 ? (
        <EmptyState title={deferredSearch ? `No book matches “${deferredSearch}”` : 'No books yet'}>
          {deferredSearch ? null : (
            <Link href="/books/new" className="btn btn--primary">
              Create the first book
            </Link>
          )}
        </EmptyState>
      ) : (
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
            {cursors.map((after, index) => (
              <BookPage
                key={`${deferredSearch}:${after ?? 'first'}`}
                search={deferredSearch}
                after={after}
                onEnd={(end) =>
                  setEnds((all) => (all[index]?.endCursor === end.endCursor && all[index]?.totalCount === end.totalCount ? all : { ...all, [index]: end }))
                }
              />
            ))}
          </table>
        </div>
      )}

      {lastEnd?.hasNextPage && lastEnd.endCursor ? (
        <button type="button" className="btn" onClick={() => setCursors((all) => [...all, lastEnd.endCursor])}>
          Show more books
        </button>
      ) : null}
    </section>
  );
}

function BookPage({ search, after, onEnd }: { search: string; after: string | null; onEnd(end: PageEnd): void }) {
  const { data, previousData, loading, error, refetch } = useQuery(BooksQuery, { variables: { first: PAGE, after, search: search || null } });
  const books = (data ?? previousData)?.books;
  useEffect(() => {
    if (books) onEnd({ endCursor: books.pageInfo.endCursor ?? null, hasNextPage: books.pageInfo.hasNextPage, totalCount: books.totalCount });
  }, [books, onEnd]);

  const message = (content: React.ReactNode) => (
    <tbody>
      <tr>
        <td colSpan={8}>{content}</td>
      </tr>
    </tbody>
  );
  if (error && !books) return message(<ErrorState error={error} onRetry={() => void refetch()} />);
  if (!books) return loading ? message(<LoadingState label="Loading books…" />) : null;
  return (
    <tbody>
      {books.edges.map(({ node: book }) => (
        <tr key={book.id}>
          <th scope="row">
            <Link href={`/books/${book.id}`}>{book.name}</Link>
            {book.isActive ? null : <span className="badge badge--muted">Inactive</span>}
          </th>
          <td>{formatDiscount(book.discountType, book.discountValue)}</td>
          <td className="nowrap">{book.validFrom || book.validUntil ? `${formatDateTime(book.validFrom)} – ${formatDateTime(book.validUntil)}` : 'Always'}</td>
          <td className="num">{formatCount(book.counts.unassigned)}</td>
          <td className="num">{formatCount(book.counts.assigned)}</td>
          <td className="num">{formatCount(book.counts.locked)}</td>
          <td className="num">{formatCount(book.counts.redeemed)}</td>
          <td className="num">{formatCount(book.counts.total)}</td>
        </tr>
      ))}
    </tbody>
  );
}
