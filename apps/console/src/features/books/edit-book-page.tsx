'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { useToast } from '@/components/toast/toast-provider';
import { BookForm } from './book-form';
import { bookToFormValues } from './book-form-values';
import { useEditBook } from './use-book';

export function EditBookPage({ bookId }: { bookId: string }) {
  const router = useRouter();
  const toast = useToast();
  const { book, loaded, loading, error, refetch, updateBook } = useEditBook(bookId);

  if (loading && !loaded) return <LoadingState label="Loading the book…" />;
  if (error && !loaded) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!book) return <EmptyState title="This book does not exist">{<Link href="/books">Back to books</Link>}</EmptyState>;

  return (
    <section aria-labelledby="edit-book-title">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/books">Books</Link> <span aria-hidden="true">/</span> <Link href={`/books/${book.id}`}>{book.name}</Link>{' '}
        <span aria-hidden="true">/</span> <span aria-current="page">Edit</span>
      </nav>
      <h1 id="edit-book-title">Edit “{book.name}”</h1>
      <BookForm
        initialValues={bookToFormValues(book)}
        submitLabel="Save changes"
        cancelHref={`/books/${book.id}`}
        onSubmit={async (input) => {
          await updateBook(input);
          toast.success('The book is updated.', 'Saved');
          router.push(`/books/${book.id}`);
        }}
      />
    </section>
  );
}
