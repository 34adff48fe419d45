import { ApolloClient, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MockLink } from '@apollo/client/testing';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { BooksQuery, useBooks } from './use-books';

const book = (n: number) => ({
  __typename: 'Book' as const,
  updatedAt: '2026-12-07T10:00:00.000Z',
  id: `book-${n}`,
  name: `Book ${n}`,
  discountType: 'PERCENTAGE' as const,
  discountValue: 10,
  currency: null,
  validFrom: null,
  validUntil: null,
  isActive: true,
  status: 'ACTIVE' as const,
  counts: { __typename: 'BookCounts' as const, unassigned: n, assigned: 0, locked: 0, redeemed: 0, total: n },
});

const page = (numbers: number[], hasNextPage: boolean, totalCount: number) => ({
  books: {
    __typename: 'BookConnection' as const,
    totalCount,
    pageInfo: { __typename: 'PageInfo' as const, hasNextPage, endCursor: `cursor-${numbers.at(-1)}` },
    edges: numbers.map((n) => ({ __typename: 'BookEdge' as const, cursor: `cursor-${n}`, node: book(n) })),
  },
});

const mocks = [
  { request: { query: BooksQuery, variables: { search: 'fig', status: null, first: 20, after: null } }, result: { data: page([1, 2], true, 3) } },
  { request: { query: BooksQuery, variables: { search: 'fig', status: null, first: 20, after: 'cursor-2' } }, result: { data: page([3], false, 3) } },
];

/** A client whose mock link answers each request with its mock, as MockedProvider does. */
function withMockedApi() {
  const client = new ApolloClient({ link: new MockLink(mocks), cache: new InMemoryCache({ typePolicies: { BookCounts: { keyFields: false } } }) });
  return ({ children }: { children: ReactNode }) => <ApolloProvider client={client}>{children}</ApolloProvider>;
}

describe('useBooks', () => {
  it('reads the first page, then the next one on loadMore, keeping both in order', async () => {
    const { result } = renderHook(() => useBooks('fig'), { wrapper: withMockedApi() });
    expect(result.current.nodes).toBeUndefined();
    expect(result.current.loading).toBe(true);

    await waitFor(() => expect(result.current.nodes?.map((b) => b.name)).toEqual(['Book 1', 'Book 2']));
    expect(result.current.totalCount).toBe(3);
    expect(result.current.hasMore).toBe(true);

    act(() => result.current.loadMore());
    expect(result.current.loadingMore).toBe(true);
    await waitFor(() => expect(result.current.nodes?.map((b) => b.name)).toEqual(['Book 1', 'Book 2', 'Book 3']));
    expect(result.current.hasMore).toBe(false);
    expect(result.current.loadingMore).toBe(false);
  });

  it('starts at the page the URL names (the cursor it starts after), with the page size asked for', async () => {
    const { result } = renderHook(() => useBooks('fig', null, { pageSize: 20, start: 'cursor-2' }), { wrapper: withMockedApi() });
    await waitFor(() => expect(result.current.nodes?.map((b) => b.name)).toEqual(['Book 3']));
    expect(result.current.totalCount).toBe(3);
    expect(result.current.hasMore).toBe(false);
  });
});
