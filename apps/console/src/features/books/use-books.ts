'use client';

import { graphql } from '@/gql';
import { usePagedQuery } from '@/lib/apollo/use-paged-query';

const PAGE = 25;

export const BooksQuery = graphql(`
  query Books($first: Int, $after: String, $search: String) {
    books(first: $first, after: $after, search: $search) {
      totalCount
      pageInfo {
        ...NextPage
      }
      edges {
        cursor
        node {
          ...BookTableRow
        }
      }
    }
  }
`);

/** The books matching `search`, a page at a time. */
export function useBooks(search: string) {
  return usePagedQuery(BooksQuery, {
    variables: { search: search || null },
    pageSize: PAGE,
    connection: (data) => data.books,
  });
}
