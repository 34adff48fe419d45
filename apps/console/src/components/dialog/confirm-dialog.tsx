'use client';

import { type ReactNode, type RefObject, useEffect, useId, useRef } from 'react';
import { Button } from '@/components/controls/button';
import styles from './confirm-dialog.module.css';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** What will happen, in a sentence or two. */
  children: ReactNode;
  confirmLabel: string;
  /** The confirm button's label while the action runs ("Revoking…"). */
  busyLabel?: string;
  busy?: boolean;
  /** Why the action failed, in words for people; the dialog stays open to try again or cancel. */
  error?: string | null;
  /** The confirm button is off until what the dialog asks for is given (a reason, a typed email). */
  confirmDisabled?: boolean;
  /** `danger` (the default) for what cannot be taken back; `primary` for a reversible stop (pause). */
  tone?: 'danger' | 'primary';
  /** Where focus starts instead of Cancel: the field the dialog asks to fill in. */
  initialFocus?: RefObject<HTMLElement | null>;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * A modal confirmation for a destructive action (a native `<dialog>` opened with `showModal()`:
 * the page behind is inert and focus stays inside). Focus starts on Cancel, the safe choice (or on
 * the field the dialog asks for, `initialFocus`);
 * Escape cancels; on close focus returns to the control that opened it, or, when that control is
 * gone (the row changed), to the main region.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  busyLabel,
  busy = false,
  error,
  confirmDisabled = false,
  tone = 'danger',
  initialFocus,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (!element || !open) return;
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!element.open) element.showModal();
    (initialFocus?.current ?? cancel.current)?.focus();
    return () => {
      if (element.open) element.close();
      const back = opener.current;
      if (back?.isConnected) back.focus();
      else document.getElementById('main')?.focus();
    };
  }, [open, initialFocus]);

  return (
    <dialog
      ref={dialog}
      className={styles.dialog}
      role="alertdialog"
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      // Escape fires `cancel`; the parent decides (it closes the dialog by its `open`).
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      {open ? (
        <div className={styles.content}>
          <h2 id={titleId} className={styles.title}>
            {title}
          </h2>
          <div id={bodyId}>{children}</div>
          {error ? (
            <p className="notice notice--error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="form__actions">
            <Button ref={cancel} variant="ghost" onClick={onCancel} disabled={busy}>
              Cancel
            </Button>
            <Button variant="primary" className={tone === 'danger' ? styles.danger : undefined} onClick={onConfirm} disabled={busy || confirmDisabled}>
              {busy && busyLabel ? busyLabel : confirmLabel}
            </Button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
