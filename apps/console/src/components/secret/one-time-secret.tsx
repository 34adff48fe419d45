'use client';

import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Button } from '@/components/controls/button';
import styles from './one-time-secret.module.css';

type CopyState = 'idle' | 'copied' | 'failed';

export interface OneTimeSecretProps {
  title: ReactNode;
  secret: string;
  /** What to do with it (after "Copy it now: it will not be shown again."). */
  hint: ReactNode;
  /** The person has kept the secret: the panel goes, and the secret with it. */
  onDone(): void;
  testId?: string;
}

/**
 * A secret the API shows only once (a webhook's signing secret …), with a copy button. Focus
 * moves to the panel so that a screen reader reads the warning first.
 */
export function OneTimeSecret({ title, secret, hint, onDone, testId }: OneTimeSecretProps) {
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [copy, setCopy] = useState<CopyState>('idle');

  useEffect(() => heading.current?.focus(), []);

  async function copySecret() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  }

  return (
    <section className={`card ${styles.panel}`} aria-labelledby={`${id}-title`} data-testid={testId}>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <p className={styles.warning}>
        <strong>Copy it now: it will not be shown again.</strong> {hint}
      </p>
      <div className={styles.row}>
        <label htmlFor={`${id}-value`} className="visually-hidden">
          Secret
        </label>
        <input
          id={`${id}-value`}
          className={styles.value}
          type="text"
          readOnly
          value={secret}
          spellCheck={false}
          autoComplete="off"
          onFocus={(event) => event.currentTarget.select()}
        />
        <Button variant="primary" onClick={() => void copySecret()}>
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </Button>
      </div>
      <p role="status" className={copy === 'failed' ? 'field__error' : 'muted'}>
        {copy === 'copied' ? 'Copied to the clipboard.' : copy === 'failed' ? 'The browser did not allow copying: select the secret and copy it by hand.' : ''}
      </p>
      <div className="form__actions">
        <Button onClick={onDone}>Done</Button>
      </div>
    </section>
  );
}
