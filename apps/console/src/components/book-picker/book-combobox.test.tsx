import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { type BookOption, BookCombobox, orderBooks } from './book-combobox';

const BOOKS: BookOption[] = [
  { id: 'sold', name: 'Spring sold out', isActive: true, unassigned: 0 },
  { id: 'paused', name: 'Spring later', isActive: false, unassigned: 5 },
  { id: 'open', name: 'Spring welcome', isActive: true, unassigned: 10, detail: '10% off' },
  { id: 'open2', name: 'Spring second', isActive: true, unassigned: 3 },
];

function Harness({ onSelect, hideUnavailable = false }: { onSelect(book: BookOption | null): void; hideUnavailable?: boolean }) {
  const [query, setQuery] = useState('');
  const [value, setValue] = useState<BookOption | null>(null);
  return (
    <>
      <label htmlFor="pick">Book</label>
      <BookCombobox
        id="pick"
        books={BOOKS.filter((b) => b.name.toLowerCase().includes(query.toLowerCase()))}
        loading={false}
        query={query}
        onQueryChange={setQuery}
        value={value}
        onSelect={(b) => {
          setValue(b);
          onSelect(b);
        }}
        hideUnavailable={hideUnavailable}
      />
    </>
  );
}

describe('BookCombobox', () => {
  it('puts books that can be chosen first, and hides the rest for a shopper', () => {
    expect(orderBooks(BOOKS, false).map((b) => b.id)).toEqual(['open', 'open2', 'sold', 'paused']);
    expect(orderBooks(BOOKS, true).map((b) => b.id)).toEqual(['open', 'open2']);
  });

  it('is chosen from the keyboard: type, arrow down, Enter', async () => {
    const chosen = vi.fn();
    render(<Harness onSelect={chosen} />);
    const box = screen.getByRole('combobox', { name: 'Book' });
    await userEvent.type(box, 'second');
    expect(box.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['Spring second']);
    await userEvent.keyboard('{ArrowDown}');
    expect(box.getAttribute('aria-activedescendant')).toBe(screen.getByRole('option').id);
    await userEvent.keyboard('{Enter}');
    expect(chosen).toHaveBeenLastCalledWith(expect.objectContaining({ id: 'open2' }));
    expect((box as HTMLInputElement).value).toBe('Spring second');
    expect(box.getAttribute('aria-expanded')).toBe('false');
  });

  it('marks a sold-out book and will not choose it; Escape closes the list', async () => {
    const chosen = vi.fn();
    render(<Harness onSelect={chosen} />);
    const box = screen.getByRole('combobox', { name: 'Book' });
    await userEvent.type(box, 'sold');
    const option = screen.getByRole('option', { name: /Spring sold out/ });
    expect(option.textContent).toContain('sold out');
    expect(option.getAttribute('aria-disabled')).toBe('true');
    await userEvent.keyboard('{ArrowDown}{Enter}');
    expect(chosen).not.toHaveBeenCalledWith(expect.objectContaining({ id: 'sold' }));
    await userEvent.keyboard('{Escape}');
    expect(box.getAttribute('aria-expanded')).toBe('false');
  });

  it('says when nothing matches', async () => {
    render(<Harness onSelect={() => {}} hideUnavailable />);
    await userEvent.type(screen.getByRole('combobox', { name: 'Book' }), 'sold');
    expect(screen.getByText('No book is named like that.')).toBeTruthy();
  });
});
