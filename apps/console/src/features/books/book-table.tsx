'use client';

import Link from 'next/link';
import { type Column, DataTable } from '@/components/data-table/data-table';
import type { PagerProps } from '@/components/data-table/pager';
import { graphql } from '@/gql';
import type { BookTableRowFragment } from '@/gql/graphql';
import { formatCount, formatDateTime, formatDiscount } from '@/lib/format/format';
import { BookStatusBadge } from './book-status-badge';

/** What one row of the books table shows. */
export const BookTableRow = graphql(`
  fragment BookTableRow on Book {
    id
    updatedAt
    name
    discountType
    discountValue
    currency
    validFrom
    validUntil
    isActive
    status
    counts {
      unassigned
      assigned
      locked
      redeemed
      total
    }
  }
`);

const count = (key: keyof BookTableRowFragment['counts'], header: string): Column<BookTableRowFragment> => ({
  key,
  header,
  numeric: true,
  cell: (book) => formatCount(book.counts[key]),
});

const COLUMNS: Column<BookTableRowFragment>[] = [
  {
    key: 'name',
    header: 'Name',
    rowHeader: true,
    cell: (book) => <Link href={`/books/${book.id}`}>{book.name}</Link>,
  },
  { key: 'status', header: 'Status', cell: (book) => <BookStatusBadge book={book} /> },
  { key: 'discount', header: 'Discount', cell: (book) => formatDiscount(book.discountType, book.discountValue, book.currency) },
  { key: 'valid', header: 'Valid', variant: 'nowrap', cell: (book) => formatValidity(book) },
  count('unassigned', 'Unassigned'),
  count('assigned', 'Assigned'),
  count('locked', 'Locked'),
  count('redeemed', 'Redeemed'),
  count('total', 'Total'),
];

export function formatValidity(book: { validFrom: string | null; validUntil: string | null }): string {
  // An open end reads in words ("Until …", "From …"), not as a dash beside a date.
  if (book.validFrom && book.validUntil) return `${formatDateTime(book.validFrom)} – ${formatDateTime(book.validUntil)}`;
  if (book.validUntil) return `Until ${formatDateTime(book.validUntil)}`;
  if (book.validFrom) return `From ${formatDateTime(book.validFrom)}`;
  return 'Always';
}

interface BookTableProps {
  rows: BookTableRowFragment[] | undefined;
  loading: boolean;
  error: unknown;
  onRetry(): void;
  pages: PagerProps;
  empty: React.ReactNode;
}

/** Books with their coupons per state (a server-paged list: not sortable by column). */
export function BookTable(props: BookTableProps) {
  return <DataTable caption="Books with coupons per state" columns={COLUMNS} rowKey={(book) => book.id} loadingLabel="Loading books…" {...props} />;
}
