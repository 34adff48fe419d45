import type { Metadata } from 'next';
import { BookList } from '@/features/books/book-list';

export const metadata: Metadata = { title: 'Books' };

export default function BooksPage() {
  return <BookList />;
}
