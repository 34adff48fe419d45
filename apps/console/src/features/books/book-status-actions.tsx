'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/controls/button';
import { ConfirmDialog } from '@/components/dialog/confirm-dialog';
import { useToast } from '@/components/toast/toast-provider';
import type { BookStatus } from '@/gql/graphql';
import { describeError } from '@/lib/errors/describe-error';
import { type BookStatusAction, useBookStatus } from './use-book-status';
import { FormError } from '@/components/forms/form-error';

interface BookStatusActionsProps {
  book: { id: string; name: string; status: BookStatus };
  /** Nothing of the book was ever given out: only then is Delete offered (the API checks again). */
  deletable: boolean;
}

const DIALOGS: Record<Exclude<BookStatusAction, 'resume'>, { title: (name: string) => string; confirm: string; busy: string; tone: 'danger' | 'primary'; body: string }> = {
  pause: {
    title: (name) => `Pause “${name}”?`,
    confirm: 'Pause book',
    busy: 'Pausing…',
    tone: 'primary',
    body: 'Claims, checkouts and redemptions of its coupons are refused until you resume it. Coupons already held stay with their owners.',
  },
  archive: {
    title: (name) => `Archive “${name}”?`,
    confirm: 'Archive book',
    busy: 'Archiving…',
    tone: 'danger',
    body: 'It stops serving coupons and leaves the default list of books. Its codes and history are kept; you can resume it later.',
  },
  delete: {
    title: (name) => `Delete “${name}”?`,
    confirm: 'Delete book',
    busy: 'Deleting…',
    tone: 'danger',
    body: 'The book and all its codes are deleted. This cannot be undone.',
  },
};

const DONE: Record<BookStatusAction, string> = { pause: 'paused', resume: 'resumed', archive: 'archived', delete: 'deleted' };

/** Pause / Resume / Archive / Delete of a book, each destructive one confirmed first. */
export function BookStatusActions({ book, deletable }: BookStatusActionsProps) {
  const { run, busy } = useBookStatus(book.id);
  const toast = useToast();
  const router = useRouter();
  const [asking, setAsking] = useState<Exclude<BookStatusAction, 'resume'> | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(action: BookStatusAction) {
    setError(null);
    try {
      await run(action);
      setAsking(null);
      toast.success(`“${book.name}” ${DONE[action]}.`);
      if (action === 'delete') router.replace('/books');
    } catch (failure) {
      setError(describeError(failure).message);
    }
  }

  const ask = (action: Exclude<BookStatusAction, 'resume'>) => {
    setError(null);
    setAsking(action);
  };
  const dialog = asking ? DIALOGS[asking] : null;

  return (
    <>
      {book.status === 'ACTIVE' ? <Button onClick={() => ask('pause')}>Pause</Button> : null}
      {book.status !== 'ACTIVE' ? (
        <Button onClick={() => void act('resume')} disabled={busy}>
          {busy && !asking ? 'Resuming…' : 'Resume'}
        </Button>
      ) : null}
      {book.status !== 'ARCHIVED' ? (
        <Button variant="danger" onClick={() => ask('archive')}>
          Archive
        </Button>
      ) : null}
      {deletable ? (
        <Button variant="danger" onClick={() => ask('delete')}>
          Delete
        </Button>
      ) : null}
      <FormError>{error && !asking ? error : null}</FormError>
      <ConfirmDialog
        open={dialog !== null}
        title={dialog?.title(book.name) ?? ''}
        confirmLabel={dialog?.confirm ?? ''}
        busyLabel={dialog?.busy}
        busy={busy}
        tone={dialog?.tone}
        error={error}
        onConfirm={() => asking && void act(asking)}
        onCancel={() => {
          setAsking(null);
          setError(null);
        }}
      >
        <p>{dialog?.body}</p>
      </ConfirmDialog>
    </>
  );
}
