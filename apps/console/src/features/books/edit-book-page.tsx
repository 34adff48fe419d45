'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { EmptyState, ErrorState, LoadingState } from '@/components/feedback/states';
import { useToast } from '@/components/toast/toast-provider';
import { BookForm } from './book-form';
import { bookToFormValues } from './book-form-values';
import { BookForEditQuery, UpdateBookMutation } from './books.documents';

export function EditBookPage({ bookId }: { bookId: string }) {
  const router = useRouter();
  const toast = useToast();
  const { data, loading, error, refetch } = useQuery(BookForEditQuery, { variables: { id: bookId }, fetchPolicy: 'network-only' });
  const [updateBook] = useMutation(UpdateBookMutation);

  if (loading && !data) return <LoadingState label="Loading the book…" />;
  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  const book = data?.book;
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
          await updateBook({ variables: { id: book.id, input } });
          toast.success('The book is updated.', 'Saved');
          router.push(`/books/${book.id}`);
        }}
      />
    </section>
  );
}
