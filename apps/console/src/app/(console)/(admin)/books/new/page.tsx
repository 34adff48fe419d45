import type { Metadata } from 'next';
import { CreateBookPage } from '@/features/books/create-book-page';

export const metadata: Metadata = { title: 'New book' };

export default function NewBookPage() {
  return <CreateBookPage />;
}
