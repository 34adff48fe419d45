'use client';

import type { ReactNode } from 'react';
import { DataTable, type DataTableProps } from './data-table';

export interface TableCardProps<Row> extends Omit<DataTableProps<Row>, 'labelledBy'> {
  /** The card's heading, which names the table too (unless the table has a `caption` of its own). */
  title: ReactNode;
  /** The heading's id (unique on the page). */
  titleId: string;
  /** Beside the heading: a count badge, a live indicator. */
  aside?: ReactNode;
  /** Between the heading and the rows: filters, a search, a status line. */
  toolbar?: ReactNode;
  /** Under the table: forms or dialogs that act on its rows. */
  children?: ReactNode;
}

/**
 * A list in a card: its heading names the table, filters sit above the rows and the pager below.
 * Every list card of the console is this one component over {@link DataTable}.
 */
export function TableCard<Row>({ title, titleId, aside, toolbar, children, compact = true, ...table }: TableCardProps<Row>) {
  return (
    <section className="card" aria-labelledby={titleId}>
      <div className="card__header">
        <h2 id={titleId}>{title}</h2>
        {aside}
      </div>
      {toolbar}
      <DataTable labelledBy={table.caption ? undefined : titleId} compact={compact} {...table} />
      {children}
    </section>
  );
}
