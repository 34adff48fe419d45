'use client';

import { type ReactNode, useMemo, useState } from 'react';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import styles from './data-table.module.css';
import { Pager, type PagerProps } from './pager';

export type SortDirection = 'ascending' | 'descending';
export interface SortState {
  column: string;
  direction: SortDirection;
}

type SortValue = string | number | boolean | null | undefined;

/** One column: its header, how a row's cell renders and, when sortable, the value it sorts by. */
export interface Column<Row> {
  key: string;
  header: ReactNode;
  cell(row: Row): ReactNode;
  /** The cell that names the row (`<th scope="row">`): screen readers announce it with every cell. */
  rowHeader?: boolean;
  /** Right-aligned tabular numbers. */
  numeric?: boolean;
  /** The header is for screen readers only (an actions column). */
  hideHeader?: boolean;
  /** `mono`, `nowrap` or `actions`: how the column's cells read. */
  variant?: 'mono' | 'nowrap' | 'actions';
  /** Makes the column sortable (on the rows shown: only for lists that are loaded whole). */
  sortValue?(row: Row): SortValue;
}

type RowAttributes = { className?: string } & { [data: `data-${string}`]: string | number | undefined };

export interface DataTableProps<Row> {
  columns: ReadonlyArray<Column<Row>>;
  /** `undefined` while the first page loads. */
  rows: readonly Row[] | undefined;
  rowKey(row: Row): string;
  /** `data-*` hooks and a class for a row. */
  rowAttributes?(row: Row): RowAttributes;
  /** The table's accessible name: a caption (visually hidden unless `showCaption`) or the id of a heading. */
  caption?: ReactNode;
  showCaption?: boolean;
  labelledBy?: string;
  loading?: boolean;
  loadingLabel?: string;
  error?: unknown;
  onRetry?(): void;
  /** What an empty list says (an `EmptyState` title, or any node). */
  empty?: ReactNode;
  /** A line above the rows ("1,204 coupons"). */
  summary?: ReactNode;
  compact?: boolean;
  /** A fixed height with its own scroll bar (long previews). */
  scroll?: boolean;
  /** The pages of a server-paged list (`useUrlPaging(...).table(list)` gives them): shown under the rows. */
  pages?: PagerProps;
  defaultSort?: SortState;
}

/**
 * The one table of the console: every list renders through it, so they all read, sort, page and
 * announce their loading, empty and error states the same way. Real `<table>` markup: a caption
 * or a labelling heading, `<th scope="col">` headers, a row header per row, `aria-sort` on the
 * sorted column.
 */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  rowAttributes,
  caption,
  showCaption = false,
  labelledBy,
  loading = false,
  loadingLabel = 'Loading…',
  error,
  onRetry,
  empty = 'Nothing here yet',
  summary,
  compact = false,
  scroll = false,
  pages,
  defaultSort,
}: DataTableProps<Row>) {
  const [sort, setSort] = useState<SortState | null>(defaultSort ?? null);
  const sorted = useMemo(() => sortRows(rows, columns, sort), [rows, columns, sort]);

  const toggleSort = (column: string) =>
    setSort((current) => ({ column, direction: current?.column === column && current.direction === 'ascending' ? 'descending' : 'ascending' }));

  const message = (content: ReactNode) => (
    <tr className={styles.message}>
      <td colSpan={columns.length}>{content}</td>
    </tr>
  );
  let body: ReactNode;
  if (error && !rows) body = message(<ErrorState error={error} onRetry={onRetry} />);
  else if (!sorted) body = loading ? message(<LoadingState label={loadingLabel} />) : null;
  else if (sorted.length === 0) body = message(typeof empty === 'string' ? <EmptyState title={empty} /> : empty);
  else
    body = sorted.map((row) => {
      const { className, ...data } = rowAttributes?.(row) ?? {};
      return (
        <tr key={rowKey(row)} className={className} {...data}>
          {columns.map((column) => {
            const cellClass = cellClassName(column);
            return column.rowHeader ? (
              <th key={column.key} scope="row" className={cellClass}>
                {column.cell(row)}
              </th>
            ) : (
              <td key={column.key} className={cellClass}>
                {column.cell(row)}
              </td>
            );
          })}
        </tr>
      );
    });

  return (
    <>
      <div className={`${styles.wrap}${scroll ? ` ${styles.scroll}` : ''}`}>
        <table className={`${styles.table}${compact ? ` ${styles.compact}` : ''}`} aria-labelledby={labelledBy} aria-busy={loading || undefined}>
          {caption ? <caption className={showCaption ? styles.caption : 'visually-hidden'}>{caption}</caption> : null}
          <thead>
            <tr>
              {columns.map((column) => {
                const direction = sort?.column === column.key ? sort.direction : undefined;
                const label = column.hideHeader ? <span className="visually-hidden">{column.header}</span> : column.header;
                return (
                  <th key={column.key} scope="col" className={column.numeric ? styles.num : undefined} aria-sort={column.sortValue ? (direction ?? 'none') : undefined}>
                    {column.sortValue ? (
                      <button type="button" className={styles.sort} onClick={() => toggleSort(column.key)} data-direction={direction}>
                        {label}
                        <span className={styles.sortIcon} aria-hidden="true" />
                      </button>
                    ) : (
                      label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {summary && sorted && sorted.length > 0 ? (
              <tr className={styles.summary}>
                <td colSpan={columns.length}>{summary}</td>
              </tr>
            ) : null}
            {body}
          </tbody>
        </table>
      </div>
      {pages ? <Pager {...pages} /> : null}
    </>
  );
}

function cellClassName(column: Column<unknown>): string | undefined {
  const names = [column.numeric ? styles.num : null, column.variant ? styles[column.variant] : null].filter(Boolean);
  return names.length ? names.join(' ') : undefined;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Rows in the order of `sort`; empty values last in both directions; ties keep their order. */
export function sortRows<Row>(rows: readonly Row[] | undefined, columns: ReadonlyArray<Column<Row>>, sort: SortState | null): readonly Row[] | undefined {
  const column = sort ? columns.find((c) => c.key === sort.column) : undefined;
  if (!rows || !sort || !column?.sortValue) return rows;
  const value = column.sortValue;
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, key: value(row) }))
    .sort((a, b) => {
      const aEmpty = a.key == null || a.key === '';
      const bEmpty = b.key == null || b.key === '';
      if (aEmpty || bEmpty) return aEmpty === bEmpty ? a.index - b.index : aEmpty ? 1 : -1;
      const order = typeof a.key === 'string' || typeof b.key === 'string' ? collator.compare(String(a.key), String(b.key)) : Number(a.key) - Number(b.key);
      return order * sign || a.index - b.index;
    })
    .map((entry) => entry.row);
}
