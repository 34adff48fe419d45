import type { ReactNode } from 'react';
import { describeError } from '@/lib/errors/describe-error';

/** Loading, empty and error states: every list and page uses these, so they look and read alike. */

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="state state--loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state--empty">
      <p className="state__title">{title}</p>
      {children ? <div className="state__body">{children}</div> : null}
    </div>
  );
}

export function ErrorState({ error, onRetry, title = 'Could not load this' }: { error: unknown; onRetry?(): void; title?: string }) {
  const described = describeError(error);
  return (
    <div className="state state--error" role="alert">
      <p className="state__title">
        {title} <code>{described.code}</code>
      </p>
      <p className="state__body">{described.message}</p>
      {onRetry ? (
        <button type="button" className="btn" onClick={() => onRetry()}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
