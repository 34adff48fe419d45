'use client';

import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { describeError } from '@/lib/errors/describe-error';
import styles from './toast-provider.module.css';
import { ErrorDetails } from '@/components/feedback/error-details';

type ToastKind = 'success' | 'error' | 'info';

interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  message: string;
  /** The contract error code, shown verbatim so support can search for it. */
  code: string | null;
}

interface ToastApi {
  success(message: string, title?: string): void;
  info(message: string, title?: string): void;
  /** Shows an API failure with its contract code (`INVALID_STATE`, `LOCK_EXPIRED` …). */
  error(error: unknown, title?: string): void;
}

const ToastContext = createContext<ToastApi | null>(null);

const LIFETIME_MS: Record<ToastKind, number> = { success: 5_000, info: 5_000, error: 10_000 };

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);

  const push = useCallback((toast: Omit<Toast, 'id'>) => {
    const id = nextId.current++;
    // Keep the stack short: a burst of failures should not bury the page.
    setToasts((all) => [...all.slice(-4), { ...toast, id }]);
  }, []);

  // Escape closes the newest notification (again for the next one), unless a dialog or another
  // control has used the key already (a dialog closes itself first).
  const hasToasts = toasts.length > 0;
  useEffect(() => {
    if (!hasToasts) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || document.querySelector('dialog[open]')) return;
      setToasts((all) => all.slice(0, -1));
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [hasToasts]);

  const api = useMemo<ToastApi>(
    () => ({
      success: (message, title = 'Done') => push({ kind: 'success', title, message, code: null }),
      info: (message, title = 'Note') => push({ kind: 'info', title, message, code: null }),
      error: (error, title = 'That did not work') => {
        const described = describeError(error);
        push({ kind: 'error', title, message: described.message, code: described.code });
      },
    }),
    [push],
  );

  return (
    <ToastContext.Provider value={api}>
      {children}
      <section className={styles.region} aria-label="Notifications">
        {/* Success and info are polite; each error toast is its own alert so it is announced at once. */}
        <div role="status" aria-live="polite" className={styles.polite}>
          {toasts
            .filter((t) => t.kind !== 'error')
            .map((t) => (
              <ToastItem key={t.id} toast={t} onDismiss={dismiss} />
            ))}
        </div>
        <div className={styles.errors}>
          {toasts
            .filter((t) => t.kind === 'error')
            .map((t) => (
              <ToastItem key={t.id} toast={t} onDismiss={dismiss} />
            ))}
        </div>
      </section>
    </ToastContext.Provider>
  );
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss(id: number): void }) {
  useEffect(() => {
    const timer = setTimeout(() => onDismiss(toast.id), LIFETIME_MS[toast.kind]);
    return () => clearTimeout(timer);
  }, [toast.id, toast.kind, onDismiss]);

  return (
    <div className={`${styles.toast}${toast.kind === 'info' ? '' : ` ${styles[toast.kind]}`}`} role={toast.kind === 'error' ? 'alert' : undefined} data-code={toast.code ?? undefined}>
      <div className={styles.body}>
        <p className={styles.title}>
          {toast.title}
        </p>
        <p className={styles.message}>{toast.message}</p>
        <ErrorDetails code={toast.code} />
      </div>
      <button type="button" className={styles.close} onClick={() => onDismiss(toast.id)} aria-label="Dismiss notification">
        ×
      </button>
    </div>
  );
}

export function useToast(): ToastApi {
  const value = useContext(ToastContext);
  if (!value) throw new Error('useToast must be used inside <ToastProvider>');
  return value;
}
