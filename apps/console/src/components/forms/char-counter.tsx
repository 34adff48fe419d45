import { INPUT_LIMITS, jsonBytes } from '@coupons/rules';
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

/**
 * The size of a JSON field (metadata, notes) as the API counts it (UTF-8 bytes of the compact
 * JSON, or of the text while it is not JSON yet) against its limit: "1.2 of 16 KB".
 */
export function JsonSizeCounter({ value }: { value: string }) {
  const bytes = value.trim() ? jsonSize(value) : 0;
  const max = INPUT_LIMITS.metadataBytes;
  const over = bytes > max;
  return (
    <span className={over ? `${styles.count} ${styles.over}` : styles.count} data-char-counter="">
      {formatKb(bytes)} of {formatKb(max)} KB{over ? ': too large' : ''}
    </span>
  );
}

function jsonSize(text: string): number {
  try {
    return jsonBytes(JSON.parse(text));
  } catch {
    return new TextEncoder().encode(text).length;
  }
}

function formatKb(bytes: number): string {
  return (bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 });
}
