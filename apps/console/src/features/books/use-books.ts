'use client';

import { graphql } from '@/gql';
import type { BookStatus } from '@/gql/graphql';
import { usePagedQuery } from '@/lib/apollo/use-paged-query';

const PAGE = 20;

export const BooksQuery = graphql(`
  query Books($first: Int, $after: String, $search: String, $status: BookStatus) {
    books(first: $first, after: $after, search: $search, status: $status) {
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

/** The books matching `search` (and `status`; null: every book but archived ones), a page at a time (`start`: the cursor it starts after). */
export function useBooks(search: string, status: BookStatus | null = null, { pageSize = PAGE, start = null }: { pageSize?: number; start?: string | null } = {}) {
  return usePagedQuery(BooksQuery, {
    variables: { search: search || null, status },
    pageSize,
    start,
    connection: (data) => data.books,
  });
}
