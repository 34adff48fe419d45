'use client';

import type { ApolloCache } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { useMemo } from 'react';
import { graphql } from '@/gql';
import { useMutationAction } from '@/lib/apollo/use-mutation-action';

/** What a book's tile on the Live page starts from. */
export const LiveBookTile = graphql(`
  fragment LiveBookTile on Book {
    id
    updatedAt
    name
    status
    validFrom
    validUntil
    ...BookStatsCounts
  }
`);

export const LiveBooksQuery = graphql(`
  query LiveBooks($window: Int, $first: Int) {
    busiestBooks(window: $window, first: $first) {
      events
      book {
        ...LiveBookTile
      }
    }
    pinnedBooks {
      ...LiveBookTile
    }
  }
`);

export const PinBookMutation = graphql(`
  mutation PinBook($bookId: ID!) {
    pinBook(bookId: $bookId) {
      ...LiveBookTile
    }
  }
`);

export const UnpinBookMutation = graphql(`
  mutation UnpinBook($bookId: ID!) {
    unpinBook(bookId: $bookId) {
      ...LiveBookTile
    }
  }
`);

/** The window the busiest books are counted over, in seconds (the API's default). */
export const ACTIVITY_WINDOW_SECONDS = 300;
const BUSIEST_SHOWN = 12;
/** The ranking is computed by the server; read again this often (live numbers come by subscription). */
const RANKING_REFRESH_MS = 10_000;

/**
 * The Live page's books: the busiest by recent coupon events (computed by the server over
 * {@link ACTIVITY_WINDOW_SECONDS}, read again every {@link RANKING_REFRESH_MS}) and the books this
 * admin pinned (saved on the server, so they follow the admin to any screen), with pin and unpin.
 * A pin answers the whole pinned list, which replaces the cached one.
 */
export function useLiveBooks() {
  const { data, loading, error, refetch } = useQuery(LiveBooksQuery, {
    variables: { window: ACTIVITY_WINDOW_SECONDS, first: BUSIEST_SHOWN },
    pollInterval: RANKING_REFRESH_MS,
  });
  const pin = useMutationAction(PinBookMutation, (answer) => answer.pinBook, { update: (cache, { data: result }) => result && replacePinned(cache, result.pinBook) });
  const unpin = useMutationAction(UnpinBookMutation, (answer) => answer.unpinBook, {
    update: (cache, { data: result }) => result && replacePinned(cache, result.unpinBook),
  });

  const pinned = data?.pinnedBooks;
  const pinnedIds = useMemo(() => new Set(pinned?.map((book) => book.id)), [pinned]);
  const eventsOf = useMemo(() => new Map(data?.busiestBooks.map((row) => [row.book.id, row.events])), [data]);

  return {
    busiest: data?.busiestBooks,
    pinned,
    pinnedIds,
    /** Coupon events of a book in the window, when it is among the busiest read (else 0 or unknown). */
    eventsOf,
    loaded: data !== undefined,
    loading,
    error,
    refetch: () => void refetch(),
    pin: (bookId: string) => pin.run({ bookId }),
    unpin: (bookId: string) => unpin.run({ bookId }),
    changing: pin.loading || unpin.loading,
    changeError: pin.error ?? unpin.error,
  };
}

/** The pinned list as a pin or unpin answered it (the books themselves are in the cache from the answer). */
function replacePinned(cache: ApolloCache, pinned: ReadonlyArray<{ id: string }>): void {
  cache.modify({
    id: 'ROOT_QUERY',
    fields: { pinnedBooks: (_existing, { toReference }) => pinned.map((book) => toReference({ __typename: 'Book', id: book.id })) },
  });
}
