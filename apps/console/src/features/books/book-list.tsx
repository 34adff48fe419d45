'use client';

import { ButtonLink } from '@/components/controls/button';
import { useUrlPaging, useUrlSearchInput } from '@/components/data-table/use-url-paging';
import { EmptyState } from '@/components/feedback/states';
import type { BookStatus } from '@/gql/graphql';
import { formatCount } from '@/lib/format/format';
import { BookTable } from './book-table';
import { useBooks } from './use-books';
import { PageHeader } from '@/components/page/page-header';

const STATUSES: BookStatus[] = ['ACTIVE', 'PAUSED', 'ARCHIVED'];

/** All coupon books with a search box and the number of coupons in each state; search, status and page in the URL. */
export function BookList() {
  const paging = useUrlPaging(['search', 'status'], { label: 'Book pages', testId: 'book-page', defaultSize: 20 });
  const deferredSearch = paging.filters.search;
  const status = STATUSES.find((s) => s === paging.filters.status) ?? '';
  const search = useUrlSearchInput(deferredSearch, (text) => paging.applyFilters({ search: text }, { replace: true }));
  const books = useBooks(deferredSearch, status || null, { pageSize: paging.pageSize, start: paging.start });

  return (
    <section aria-labelledby="books-title">
      <PageHeader title="Books" titleId="books-title" lead="Coupon campaigns, their codes and how they are used.">
        <ButtonLink variant="primary" href="/books/new">
          New book
        </ButtonLink>
      </PageHeader>

      <search className="toolbar">
        <label htmlFor="book-search" className="visually-hidden">
          Search books
        </label>
        <input id="book-search" type="search" placeholder="Search books by name" value={search.value} onChange={(e) => search.onChange(e.target.value)} />
        <label htmlFor="book-status-filter">Status</label>
        <select id="book-status-filter" value={status} onChange={(e) => paging.applyFilters({ status: e.target.value })}>
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
        {...paging.table(books)}
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
