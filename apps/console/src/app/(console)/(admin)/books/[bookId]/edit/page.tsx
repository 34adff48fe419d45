import type { Metadata } from 'next';
import { EditBookPage } from '@/features/books/edit-book-page';

export const metadata: Metadata = { title: 'Edit book' };

export default async function EditPage({ params }: { params: Promise<{ bookId: string }> }) {
  const { bookId } = await params;
  return <EditBookPage bookId={bookId} />;
}
