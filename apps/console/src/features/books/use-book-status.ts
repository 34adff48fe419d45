'use client';

import { graphql } from '@/gql';
import { type MutationAction, useMutationAction } from '@/lib/apollo/use-mutation-action';
import { BooksQuery } from './use-books';

/** What a status change answers: enough for the badge and the buttons to follow (normalised cache). */
export const BookStatusFields = graphql(`
  fragment BookStatusFields on Book {
    id
    updatedAt
    status
    statusChangedAt
    isActive
    validFrom
    validUntil
  }
`);

export const PauseBookMutation = graphql(`
  mutation PauseBook($id: ID!) {
    pauseBook(id: $id) {
      ...BookStatusFields
    }
  }
`);

export const ResumeBookMutation = graphql(`
  mutation ResumeBook($id: ID!) {
    resumeBook(id: $id) {
      ...BookStatusFields
    }
  }
`);

export const ArchiveBookMutation = graphql(`
  mutation ArchiveBook($id: ID!) {
    archiveBook(id: $id) {
      ...BookStatusFields
    }
  }
`);

export const DeleteBookMutation = graphql(`
  mutation DeleteBook($id: ID!) {
    deleteBook(id: $id)
  }
`);

export type BookStatusAction = 'pause' | 'resume' | 'archive' | 'delete';

/**
 * Pause, resume, archive and delete one book. Each rejects with the API's error (INVALID_STATE
 * for a delete of a book whose coupons were given out). The books list is read again after each,
 * since a status moves a book in or out of its filters.
 */
export function useBookStatus(bookId: string) {
  const options = { refetchQueries: [BooksQuery] };
  const actions: Record<BookStatusAction, MutationAction<{ id: string }, unknown>> = {
    pause: useMutationAction(PauseBookMutation, (data) => data.pauseBook, options),
    resume: useMutationAction(ResumeBookMutation, (data) => data.resumeBook, options),
    archive: useMutationAction(ArchiveBookMutation, (data) => data.archiveBook, options),
    delete: useMutationAction(DeleteBookMutation, (data) => data.deleteBook, {
      ...options,
      update(cache) {
        cache.evict({ id: cache.identify({ __typename: 'Book', id: bookId }) });
        cache.gc();
      },
    }),
  };
  return {
    run: async (action: BookStatusAction) => {
      await actions[action].run({ id: bookId });
    },
    busy: Object.values(actions).some((action) => action.loading),
  };
}
