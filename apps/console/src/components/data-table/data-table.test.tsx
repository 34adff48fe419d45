import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { type Column, DataTable, sortRows } from './data-table';

interface Fruit {
  id: string;
  name: string;
  stock: number | null;
}

const FRUITS: Fruit[] = [
  { id: '1', name: 'Pear', stock: 12 },
  { id: '2', name: 'apple', stock: null },
  { id: '3', name: 'Fig 10', stock: 3 },
  { id: '4', name: 'Fig 9', stock: 40 },
];

const COLUMNS: Column<Fruit>[] = [
  { key: 'name', header: 'Name', rowHeader: true, cell: (f) => f.name, sortValue: (f) => f.name },
  { key: 'stock', header: 'Stock', numeric: true, cell: (f) => f.stock ?? '—', sortValue: (f) => f.stock },
  { key: 'actions', header: 'Actions', hideHeader: true, cell: (f) => <button type="button">Buy {f.name}</button> },
];

const bodyRowNames = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getByRole('rowheader').textContent);

describe('DataTable', () => {
  it('is a captioned table with column headers and a row header per row', () => {
    render(<DataTable caption="Fruit in stock" columns={COLUMNS} rows={FRUITS} rowKey={(f) => f.id} rowAttributes={(f) => ({ 'data-fruit': f.id })} />);
    const table = screen.getByRole('table', { name: 'Fruit in stock' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Name', 'Stock', 'Actions']);
    expect(within(table).getAllByRole('rowheader')).toHaveLength(4);
    expect(table.querySelector('tr[data-fruit="3"]')).not.toBeNull();
    expect(screen.getByRole('row', { name: /Pear 12/ })).toBeTruthy();
  });

  it('sorts by a column on its header button, ascending then descending, announcing it with aria-sort', async () => {
    const user = userEvent.setup();
    render(<DataTable caption="Fruit" columns={COLUMNS} rows={FRUITS} rowKey={(f) => f.id} />);
    const nameHeader = screen.getByRole('columnheader', { name: 'Name' });
    expect(nameHeader.getAttribute('aria-sort')).toBe('none');
    expect(screen.getByRole('columnheader', { name: 'Actions' }).hasAttribute('aria-sort')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Name' }));
    expect(nameHeader.getAttribute('aria-sort')).toBe('ascending');
    expect(bodyRowNames()).toEqual(['apple', 'Fig 9', 'Fig 10', 'Pear']);

    await user.click(screen.getByRole('button', { name: 'Name' }));
    expect(nameHeader.getAttribute('aria-sort')).toBe('descending');
    expect(bodyRowNames()).toEqual(['Pear', 'Fig 10', 'Fig 9', 'apple']);

    await user.click(screen.getByRole('button', { name: 'Stock' }));
    expect(nameHeader.getAttribute('aria-sort')).toBe('none');
    expect(bodyRowNames()).toEqual(['Fig 10', 'Pear', 'Fig 9', 'apple']);
  });

  it('shows the loading state until the first rows arrive, then the empty state for none', () => {
    const { rerender } = render(<DataTable caption="Fruit" columns={COLUMNS} rows={undefined} rowKey={(f) => f.id} loading loadingLabel="Loading fruit…" empty="No fruit yet" />);
    expect(screen.getByRole('status').textContent).toContain('Loading fruit…');
    expect(screen.getByRole('table').getAttribute('aria-busy')).toBe('true');

    rerender(<DataTable caption="Fruit" columns={COLUMNS} rows={[]} rowKey={(f) => f.id} empty="No fruit yet" />);
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByText('No fruit yet')).toBeTruthy();
    // The headers stay: an empty list still says what it would show.
    expect(screen.getAllByRole('columnheader')).toHaveLength(3);
  });

  it('shows an error with its code and a retry when nothing could be loaded', async () => {
    const retry = vi.fn();
    render(<DataTable caption="Fruit" columns={COLUMNS} rows={undefined} rowKey={(f) => f.id} error={new TypeError('Failed to fetch')} onRetry={retry} />);
    expect(screen.getByRole('alert').textContent).toContain('NETWORK_ERROR');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalledOnce();
  });

  it('pages a server-paged list: "Page 2 of 3", Next and First page, a page size; a summary line above the rows', async () => {
    const pages = { label: 'Fruit pages', testId: 'fruit-page', pageSize: 20, onNext: vi.fn(), onFirst: vi.fn(), onPageSize: vi.fn() };
    const user = userEvent.setup();
    const { rerender } = render(
      <DataTable caption="Fruit" columns={COLUMNS} rows={FRUITS} rowKey={(f) => f.id} summary="45 fruit" pages={{ ...pages, page: 2, totalCount: 45, hasNext: true }} />,
    );
    expect(screen.getByText('45 fruit')).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Fruit pages' });
    expect(within(nav).getByTestId('fruit-page').textContent).toBe('Page 2 of 3');
    await user.click(within(nav).getByRole('button', { name: 'Next page' }));
    expect(pages.onNext).toHaveBeenCalledOnce();
    await user.click(within(nav).getByRole('button', { name: 'First page' }));
    expect(pages.onFirst).toHaveBeenCalledOnce();
    await user.selectOptions(within(nav).getByLabelText('Per page'), '100');
    expect(pages.onPageSize).toHaveBeenCalledWith(100);
    rerender(<DataTable caption="Fruit" columns={COLUMNS} rows={FRUITS} rowKey={(f) => f.id} pages={{ ...pages, page: 3, totalCount: 45, hasNext: false }} />);
    expect(screen.getByTestId('fruit-page').textContent).toBe('Page 3 of 3');
    expect(screen.queryByRole('button', { name: 'Next page' })).toBeNull();
    // No more than the smallest page holds: no pager at all.
    rerender(<DataTable caption="Fruit" columns={COLUMNS} rows={FRUITS} rowKey={(f) => f.id} pages={{ ...pages, page: 1, totalCount: 4, hasNext: false }} />);
    expect(screen.queryByRole('navigation', { name: 'Fruit pages' })).toBeNull();
  });
});

describe('sortRows', () => {
  it('puts empty values last in both directions and keeps ties in their order', () => {
    const up = sortRows(FRUITS, COLUMNS, { column: 'stock', direction: 'ascending' });
    const down = sortRows(FRUITS, COLUMNS, { column: 'stock', direction: 'descending' });
    expect(up?.map((f) => f.id)).toEqual(['3', '1', '4', '2']);
    expect(down?.map((f) => f.id)).toEqual(['4', '1', '3', '2']);
    expect(sortRows(FRUITS, COLUMNS, null)).toBe(FRUITS);
  });
});
