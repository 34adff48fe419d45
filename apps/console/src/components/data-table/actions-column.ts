import type { ReactNode } from 'react';
import type { Column } from './data-table';

/**
 * A table's last column: the row's buttons, under an "Actions" header that only screen readers
 * hear. `cell` may answer `null` for a row that offers nothing.
 */
export function actionsColumn<Row>(cell: (row: Row) => ReactNode): Column<Row> {
  return { key: 'actions', header: 'Actions', hideHeader: true, variant: 'actions', cell };
}
