import type { Metadata } from 'next';
import { BookDetailPage } from '@/features/books/book-detail-page';

export const metadata: Metadata = { title: 'Book' };

export default async function BookPage({ params }: { params: Promise<{ bookId: string }> }) {
  const { bookId } = await params;
  return <BookDetailPage bookId={bookId} />;
}
