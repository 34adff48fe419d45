'use client';

import Link from 'next/link';
import { graphql } from '@/gql';
import { useBookSummary } from './use-book-summary';

/** A book's headline: what a coupon card or a book picker shows of it. */
export const BookSummaryFields = graphql(`
  fragment BookSummaryFields on Book {
    id
    updatedAt
    name
    discountType
    discountValue
    currency
    validUntil
    isActive
  }
`);

/** The book's name, linked to its page for admins. */
export function BookName({ bookId, link = false }: { bookId: string; link?: boolean }) {
  const book = useBookSummary(bookId);
  if (!book) return <span className="muted">…</span>;
  return link ? <Link href={`/books/${book.id}`}>{book.name}</Link> : book.name;
}
