import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { type ReactNode, useState } from 'react';
import { of } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BookPicker, usePreloadBookPicker } from './book-picker';

// The book page reads the picker's first page beside the book (usePreloadBookPicker); its assign
// panel mounts the picker once the book is there. The picker must then use that page, not read it
// again (a second request, a second link in the page's chain of reads); searches still go out.

const book = (name: string) => ({
  __typename: 'Book' as const,
  updatedAt: '2026-12-07T10:00:00.000Z',
  id: `book-${name}`,
  name,
  discountType: 'PERCENTAGE' as const,
  discountValue: 10,
  currency: null,
  isActive: true,
  counts: { __typename: 'BookCounts' as const, unassigned: 5 },
});

/** A client with the console's default fetch policy whose link answers every BookPicker read and records its variables. */
function apiRecordingReads() {
  const reads: Array<{ search: string | null }> = [];
  const link = new ApolloLink((operation) => {
    const search = (operation.variables.search as string | null) ?? null;
    reads.push({ search });
    const names = search ? [`${search} sale`] : ['Spring sale', 'Winter sale'];
    return of({ data: { books: { __typename: 'BookConnection', edges: names.map((n) => ({ __typename: 'BookEdge', node: book(n) })) } } });
  });
  const client = new ApolloClient({
    link,
    cache: new InMemoryCache({ typePolicies: { BookCounts: { keyFields: false } } }),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
  const wrapper = ({ children }: { children: ReactNode }) => <ApolloProvider client={client}>{children}</ApolloProvider>;
  return { reads, wrapper };
}

/** The book page's shape: the preload at once, the picker only when `showPicker` turns on. */
function Page({ showPicker }: { showPicker: boolean }) {
  usePreloadBookPicker();
  const [value, setValue] = useState<Parameters<typeof BookPicker>[0]['value']>(null);
  return showPicker ? <BookPicker id="book" value={value} onChange={setValue} /> : <p>book loading</p>;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('BookPicker after a preload', () => {
  it('takes the preloaded first page from the cache, and still sends what is typed', async () => {
    const { reads, wrapper } = apiRecordingReads();
    const { rerender } = render(<Page showPicker={false} />, { wrapper });
    await waitFor(() => expect(reads).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20)); // the preload has answered before the picker mounts
    rerender(<Page showPicker />);
    await userEvent.click(screen.getByRole('combobox'));
    expect(await screen.findByText('Spring sale')).toBeTruthy();
    expect(reads).toEqual([{ search: null }]);

    await userEvent.type(screen.getByRole('combobox'), 'Autumn');
    expect(await screen.findByText('Autumn sale')).toBeTruthy();
    expect(reads.at(-1)).toEqual({ search: 'Autumn' });
  });

  it('reads the first page again when the picker mounts long after the preload', async () => {
    const { reads, wrapper } = apiRecordingReads();
    const { rerender } = render(<Page showPicker={false} />, { wrapper });
    await waitFor(() => expect(reads).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 60_000 });
    rerender(<Page showPicker />);
    await waitFor(() => expect(reads).toEqual([{ search: null }, { search: null }]));
  });
});
