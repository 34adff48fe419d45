'use client';

import { useEffect } from 'react';
import { Button, buttonClassName } from '@/components/controls/button';
import { StatusPage } from './status-page';

/**
 * What a page shows when it crashes while rendering (Next's error boundary): a way back instead
 * of a blank screen. The digest identifies the error in the server logs when there is one.
 */
export function PageError({ error, reset }: { error: Error & { digest?: string }; reset(): void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <StatusPage code="!" title="Something went wrong on this page" titleId="page-error-title" role="alert">
      <p>{error.message || 'An unexpected error occurred.'}</p>
      {error.digest ? <p className="muted">Reference: {error.digest}</p> : null}
      <div className="form__actions">
        <Button variant="primary" onClick={() => reset()}>
          Try again
        </Button>
        <a className={buttonClassName({ variant: 'ghost' })} href="/">
          Go to the start page
        </a>
      </div>
    </StatusPage>
  );
}
