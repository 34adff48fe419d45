'use client';

import { useQuery } from '@apollo/client/react';
import { graphql } from '@/gql';

/**
 * A book's headline fields by id. Coupons and redemptions carry only `bookId`; the cache
 * redirect on `Query.book` (create-apollo-client.ts) answers this from books already loaded by
 * any list, so a page of coupons costs no extra request per row; unknown books are fetched once.
 */
const BookSummaryQuery = graphql(`
  query BookSummary($id: ID!) {
    book(id: $id) {
      id
      ...BookSummaryFields
    }
  }
`);

export function useBookSummary(bookId: string) {
  const { data } = useQuery(BookSummaryQuery, { variables: { id: bookId }, fetchPolicy: 'cache-first' });
  return data?.book ?? null;
}
