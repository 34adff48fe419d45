import type { ReactNode } from 'react';
import styles from './status-page.module.css';

interface StatusPageProps {
  /** The big mark above the title ("403", "404", "!"); decorative, the title says it in words. */
  code: string;
  title: ReactNode;
  titleId?: string;
  /** `main` when the page has no shell around it (not-found). */
  as?: 'section' | 'main';
  role?: 'alert';
  children?: ReactNode;
}

/** A whole-page message: forbidden, not found, a page that crashed. */
export function StatusPage({ code, title, titleId, as: Element = 'section', role, children }: StatusPageProps) {
  return (
    <Element className={styles.page} aria-labelledby={titleId} role={role} id={Element === 'main' ? 'main' : undefined}>
      <p className={styles.code} aria-hidden="true">
        {code}
      </p>
      <h1 id={titleId}>{title}</h1>
      {children}
    </Element>
  );
}
