'use client';

import { useQuery } from '@apollo/client/react';
import { useDeferredValue, useEffect, useState } from 'react';
import { graphql } from '@/gql';
import { formatCount, formatDiscount } from '@/lib/format/format';
import { type BookOption, BookCombobox } from './book-combobox';

export const BookPickerQuery = graphql(`
  query BookPicker($search: String, $first: Int) {
    books(search: $search, first: $first, status: ACTIVE) {
      edges {
        node {
          id
          name
          discountType
          discountValue
          currency
          isActive
          counts {
            unassigned
          }
        }
      }
    }
  }
`);

export interface BookPickerProps {
  id: string;
  value: BookOption | null;
  onChange(book: BookOption | null): void;
  /** A shopper's picker: only books serving now with codes left. */
  hideUnavailable?: boolean;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

/** The picker's first page, before anything is typed (what a picker asks for when it opens). */
const FIRST_PAGE = { search: null, first: 20 } as const;

/**
 * Reads the picker's first page now, for a page that mounts its picker only once its own record
 * has arrived (the book page's assign panel): the read runs beside the page's others instead of
 * after them, and the picker then finds it in the cache.
 */
export function usePreloadBookPicker(): void {
  const { data } = useQuery(BookPickerQuery, { variables: FIRST_PAGE });
  useEffect(() => {
    if (data) firstPageReadAt = Date.now();
  }, [data]);
}

/** When a preload last had the first page ({@link usePreloadBookPicker}). */
let firstPageReadAt = Number.NEGATIVE_INFINITY;
/** How long after a preload a picker that mounts takes the first page from the cache as it is. */
const PRELOADED_FOR_MS = 5_000;

/** Every book picker of the console: a combobox searching books by name on the server (20 at a time, active ones first, sold-out marked or hidden). */
export function BookPicker({ id, value, onChange, hideUnavailable, ...aria }: BookPickerProps) {
  const [query, setQuery] = useState(value?.name ?? '');
  const typed = useDeferredValue(query.trim());
  // Once a book is chosen the box shows its name; the list then offers the newest books again.
  const search = value && typed === value.name ? '' : typed;
  // Mounted just after a preload answered, the picker would read the same page again (the
  // console's default is cache-and-network): it takes the cached page instead. Every search, and
  // the first page in a picker mounted later, is read from the server as before.
  const [preloaded] = useState(() => Date.now() - firstPageReadAt < PRELOADED_FOR_MS);
  const { data, loading } = useQuery(BookPickerQuery, {
    variables: search ? { search, first: FIRST_PAGE.first } : FIRST_PAGE,
    fetchPolicy: preloaded ? 'cache-first' : 'cache-and-network',
    nextFetchPolicy: () => 'cache-and-network',
  });
  const books: BookOption[] =
    data?.books.edges.map(({ node }) => ({
      id: node.id,
      name: node.name,
      isActive: node.isActive,
      unassigned: node.counts.unassigned,
      detail: `${formatDiscount(node.discountType, node.discountValue, node.currency)} · ${formatCount(node.counts.unassigned)} left`,
    })) ?? [];
  return (
    <BookCombobox
      id={id}
      books={books}
      loading={loading}
      query={query}
      onQueryChange={setQuery}
      value={value}
      onSelect={onChange}
      hideUnavailable={hideUnavailable}
      aria-invalid={aria['aria-invalid']}
      aria-describedby={aria['aria-describedby']}
    />
  );
}
