'use client';

import { useQuery } from '@apollo/client/react';
import { useDeferredValue, useId, useState } from 'react';
import { Button } from '@/components/controls/button';
import { graphql } from '@/gql';
import styles from './live-dashboard.module.css';

const PinCandidatesQuery = graphql(`
  query LivePinCandidates($search: String!) {
    books(first: 8, search: $search) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

/** Finds a book by name to pin to the Live page (quiet books too: the busiest list only shows active ones). */
export function PinBookSearch({ pinnedIds, onPin, busy }: { pinnedIds: ReadonlySet<string>; onPin(bookId: string, name: string): void; busy: boolean }) {
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search.trim());
  const id = useId();
  const { data, loading } = useQuery(PinCandidatesQuery, { variables: { search: deferred }, skip: deferred === '' });
  const books = deferred === '' ? [] : (data?.books.edges.map((e) => e.node) ?? []);

  return (
    <div className={styles.pinSearch}>
      <label className="field__label" htmlFor={id}>
        Pin a book
      </label>
      <input id={id} type="search" placeholder="Book name" value={search} onChange={(event) => setSearch(event.target.value)} autoComplete="off" />
      {deferred !== '' ? (
        <ul className={styles.candidates} aria-label="Books found" aria-busy={loading}>
          {books.length === 0 && !loading ? <li className="muted">No book is named like that.</li> : null}
          {books.map((book) => {
            const pinned = pinnedIds.has(book.id);
            return (
              <li key={book.id} className={styles.candidate}>
                <span className={styles.candidateName}>{book.name}</span>
                <Button size="small" disabled={pinned || busy} onClick={() => onPin(book.id, book.name)} aria-label={pinned ? `${book.name} is pinned` : `Pin ${book.name}`}>
                  {pinned ? 'Pinned' : 'Pin'}
                </Button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
