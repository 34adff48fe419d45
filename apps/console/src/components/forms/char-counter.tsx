import { charCount, isOverLimit } from './char-count';
import styles from './char-counter.module.css';

/**
 * A field's live character counter, for a Field's hint (so the field's aria-describedby reads it):
 * "12 of 200 characters", in the error colour and saying how many too many once past the limit.
 */
export function CharCounter({ value, max }: { value: string; max: number }) {
  return (
    <span className={isOverLimit(value, max) ? `${styles.count} ${styles.over}` : styles.count} data-char-counter="">
      {charCount(value, max)}
    </span>
  );
}
