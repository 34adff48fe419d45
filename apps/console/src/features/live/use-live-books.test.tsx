import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockedApi } from '../../../test/mocked-api';
import { LiveBooksQuery, PinBookMutation, UnpinBookMutation, useLiveBooks } from './use-live-books';

// The Live page's books: the server's ranking as it answered, the admin's pins from the server,
// and a pin or an unpin replacing the pinned list with the one the mutation answered.

const book = (n: number) => ({
  __typename: 'Book' as const,
  updatedAt: '2026-12-07T10:00:00.000Z',
  id: `00000000-0000-4000-8000-00000000000${n}`,
  name: `Book ${n}`,
  status: 'ACTIVE' as const,
  validFrom: null,
  validUntil: null,
  counts: { __typename: 'BookCounts' as const, unassigned: 10, assigned: n, locked: 0, redeemed: 1 },
});

const books = { request: { query: LiveBooksQuery, variables: { window: 300, first: 12 } } };

describe('useLiveBooks', () => {
  it('reads the busiest books with their events and the pins, and a pin or unpin replaces the pins with its answer', async () => {
    const { wrapper } = mockedApi([
      {
        ...books,
        result: {
          data: {
            busiestBooks: [
              { __typename: 'BookActivity', events: 42, book: book(1) },
              { __typename: 'BookActivity', events: 3, book: book(2) },
            ],
            pinnedBooks: [book(3)],
          },
        },
      },
      { request: { query: PinBookMutation, variables: { bookId: book(4).id } }, result: { data: { pinBook: [book(3), book(4)] } } },
      { request: { query: UnpinBookMutation, variables: { bookId: book(3).id } }, result: { data: { unpinBook: [book(4)] } } },
    ]);
    const { result } = renderHook(() => useLiveBooks(), { wrapper });
    await waitFor(() => expect(result.current.loaded).toBe(true));
    expect(result.current.busiest?.map((row) => [row.book.name, row.events])).toEqual([
      ['Book 1', 42],
      ['Book 2', 3],
    ]);
    expect(result.current.eventsOf.get(book(2).id)).toBe(3);
    expect(result.current.pinned?.map((b) => b.name)).toEqual(['Book 3']);

    await act(async () => {
      await result.current.pin(book(4).id);
    });
    expect(result.current.pinned?.map((b) => b.name)).toEqual(['Book 3', 'Book 4']);
    expect(result.current.pinnedIds.has(book(4).id)).toBe(true);

    await act(async () => {
      await result.current.unpin(book(3).id);
    });
    expect(result.current.pinned?.map((b) => b.name)).toEqual(['Book 4']);
  });

  it('a refused pin rejects with the API error and leaves the pins as they were', async () => {
    const { wrapper } = mockedApi([
      { ...books, result: { data: { busiestBooks: [], pinnedBooks: [book(1)] } } },
      {
        request: { query: PinBookMutation, variables: { bookId: book(2).id } },
        result: { errors: [{ message: 'bookId: at most 24 books can be pinned: unpin one first', extensions: { code: 'BAD_USER_INPUT' } }] },
      },
    ]);
    const { result } = renderHook(() => useLiveBooks(), { wrapper });
    await waitFor(() => expect(result.current.loaded).toBe(true));
    await act(async () => {
      await expect(result.current.pin(book(2).id)).rejects.toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
    });
    expect(result.current.pinned?.map((b) => b.name)).toEqual(['Book 1']);
    expect(result.current.busiest).toEqual([]);
  });
});
