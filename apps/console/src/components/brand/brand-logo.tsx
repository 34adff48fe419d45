import styles from './brand-logo.module.css';

/** The console's mark, next to its name in the header and on the sign-in pages. */
export function BrandLogo() {
  return (
    <span className={styles.logo} aria-hidden="true">
      %
    </span>
  );
}
