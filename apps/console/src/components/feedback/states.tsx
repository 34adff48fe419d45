import type { ReactNode } from 'react';
import { Button } from '@/components/controls/button';
import { describeError } from '@/lib/errors/describe-error';
import styles from './states.module.css';
import { ErrorDetails } from './error-details';

/** Loading, empty and error states: every list and page uses these, so they look and read alike. */

export function Spinner() {
  return <span className={styles.spinner} aria-hidden="true" />;
}

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className={`${styles.state} ${styles.loading}`} role="status">
      <Spinner />
      {label}
    </p>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className={styles.state}>
      <p className={styles.title}>{title}</p>
      {children ? <div className={styles.body}>{children}</div> : null}
    </div>
  );
}

export function ErrorState({ error, onRetry, title = 'Could not load this' }: { error: unknown; onRetry?(): void; title?: string }) {
  const described = describeError(error);
  return (
    <div className={`${styles.state} ${styles.error}`} role="alert">
      <p className={styles.title}>{title}</p>
      <p className={styles.body}>{described.message}</p>
      <ErrorDetails code={described.code} />
      {onRetry ? (
        <Button onClick={() => onRetry()}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}
