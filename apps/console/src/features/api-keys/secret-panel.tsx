'use client';

import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/controls/button';
import styles from './api-keys.module.css';

type CopyState = 'idle' | 'copied' | 'failed';

export interface SecretPanelProps {
  keyName: string;
  secret: string;
  /** The person has kept the secret: the panel goes, and the secret with it. */
  onDone(): void;
}

/**
 * The new key's secret, shown this once: the API keeps only its hash. Focus moves to the panel
 * so that a screen reader reads the warning first.
 */
export function SecretPanel({ keyName, secret, onDone }: SecretPanelProps) {
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
    <section className={`card ${styles.secret}`} aria-labelledby="api-key-secret-title" data-testid="api-key-secret">
      <h2 id="api-key-secret-title" ref={heading} tabIndex={-1}>
        Secret of “{keyName}”
      </h2>
      <p className={styles.warning}>
        <strong>Copy it now: it will not be shown again.</strong> Store it in your secret manager; the shop backend sends it as{' '}
        <code>Authorization: Bearer …</code>
      </p>
      <div className={styles.secretRow}>
        <label htmlFor="api-key-secret" className="visually-hidden">
          Secret
        </label>
        <input
          id="api-key-secret"
          className={styles.secretValue}
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
