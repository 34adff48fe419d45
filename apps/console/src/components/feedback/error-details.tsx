import styles from './error-details.module.css';

/**
 * The machine's name of a failure (`NOT_FOUND`, `NETWORK_ERROR` …), folded away under "Details":
 * people read the sentence beside it, support asks for this. One component, so every error shows
 * its code the same way.
 */
export function ErrorDetails({ code }: { code: string | null | undefined }) {
  if (!code) return null;
  return (
    <details className={styles.details}>
      <summary>Details</summary>
      <code>{code}</code>
    </details>
  );
}
