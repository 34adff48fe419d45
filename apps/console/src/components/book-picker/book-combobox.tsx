'use client';

import { type KeyboardEvent, useId, useState } from 'react';
import styles from './book-combobox.module.css';

export interface BookOption {
  id: string;
  name: string;
  /** Serving coupons now. */
  isActive: boolean;
  /** Codes left to give out; 0 = sold out. */
  unassigned: number;
  /** Extra words after the name (a discount, say). */
  detail?: string;
}

export interface BookComboboxProps {
  id: string;
  /** The books found for `query`, as the server answered. */
  books: readonly BookOption[];
  loading: boolean;
  query: string;
  onQueryChange(query: string): void;
  /** The chosen book, or null. */
  value: BookOption | null;
  onSelect(book: BookOption | null): void;
  /** Leave out books that are not serving or have no code left (a shopper's list); otherwise they are marked and cannot be chosen. */
  hideUnavailable?: boolean;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

/** Why a book cannot be chosen, or null when it can. */
export function unavailableReason(book: BookOption): string | null {
  if (book.unassigned === 0) return 'sold out';
  if (!book.isActive) return 'not active';
  return null;
}

/** Active books with codes left first (in the server's order), then the rest. */
export function orderBooks(books: readonly BookOption[], hideUnavailable: boolean): BookOption[] {
  const open = books.filter((b) => unavailableReason(b) === null);
  if (hideUnavailable) return open;
  return [...open, ...books.filter((b) => unavailableReason(b) !== null)];
}

/**
 * A book picker in the ARIA combobox pattern: type to search by name (the server searches),
 * arrow keys move through the list, Enter chooses, Escape closes.
 */
export function BookCombobox({ id, books, loading, query, onQueryChange, value, onSelect, hideUnavailable = false, ...aria }: BookComboboxProps) {
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const options = orderBooks(books, hideUnavailable);
  const optionId = (i: number) => `${listId}-option-${i}`;
  const shown = open ? options : [];

  function choose(book: BookOption) {
    if (unavailableReason(book)) return;
    onSelect(book);
    onQueryChange(book.name);
    setOpen(false);
    setActive(-1);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) setOpen(true);
      if (options.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + options.length) % options.length);
    } else if (event.key === 'Enter') {
      const book = open ? options[active] : undefined;
      if (book) {
        event.preventDefault();
        choose(book);
      }
    } else if (event.key === 'Escape') {
      if (open) {
        event.preventDefault();
        event.stopPropagation();
        setOpen(false);
        setActive(-1);
      }
    }
  }

  return (
    <div className={styles.combobox}>
      <input
        id={id}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
        aria-invalid={aria['aria-invalid']}
        aria-describedby={aria['aria-describedby']}
        autoComplete="off"
        placeholder="Type a book’s name"
        value={query}
        onChange={(event) => {
          onQueryChange(event.target.value);
          if (value) onSelect(null);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onClick={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <div id={listId} role="listbox" aria-label="Books" className={styles.list} hidden={shown.length === 0} aria-busy={loading}>
        {shown.map((book, i) => {
          const reason = unavailableReason(book);
          return (
            <div
              key={book.id}
              id={optionId(i)}
              role="option"
              // Focus stays in the box (aria-activedescendant); -1 keeps options out of the Tab order.
              tabIndex={-1}
              aria-selected={value?.id === book.id}
              aria-disabled={reason ? true : undefined}
              data-active={i === active || undefined}
              className={styles.option}
              // mousedown, not click: the input's blur would close the list first.
              onMouseDown={(event) => {
                event.preventDefault();
                choose(book);
              }}
            >
              <span className={styles.name}>{book.name}</span>
              {book.detail ? <span className={styles.detail}>{book.detail}</span> : null}
              {reason ? <span className={styles.mark}>{reason}</span> : null}
            </div>
          );
        })}
      </div>
      {open && options.length === 0 ? (
          <p className={`${styles.list} ${styles.empty}`} role="status">
            {loading ? 'Searching…' : query.trim() ? 'No book is named like that.' : 'No book available.'}
          </p>
        ) : null}
    </div>
  );
}
