'use client';

import { useQuery } from '@apollo/client/react';
import Link from 'next/link';
import { graphql } from '@/gql';

/**
 * A book's headline fields by id. Coupons and redemptions carry only `bookId`; the cache
 * redirect on `Query.book` (create-apollo-client.ts) answers this from books already loaded by
 * any list, so a page of coupons costs no extra request per row; unknown books are fetched once.
 */
export const BookSummaryQuery = graphql(`
  query BookSummary($id: ID!) {
    book(id: $id) {
      id
      name
      discountType
      discountValue
      validUntil
      isActive
    }
  }
`);

export function useBookSummary(bookId: string) {
  const { data } = useQuery(BookSummaryQuery, { variables: { id: bookId }, fetchPolicy: 'cache-first' });
  return data?.book ?? null;
}

/** The book's name, linked to its page for admins. */
export function BookName({ bookId, link = false }: { bookId: string; link?: boolean }) {
  const book = useBookSummary(bookId);
  if (!book) return <span className="muted">…</span>;
  return link ? <Link href={`/books/${book.id}`}>{book.name}</Link> : book.name;
}
