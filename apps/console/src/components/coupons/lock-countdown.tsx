'use client';

import { useServerNow } from '@/lib/clock/server-clock';
import { describeDuration, formatCountdown } from '@/lib/format/format';
import styles from './lock-countdown.module.css';

/**
 * Time left on a checkout lock, on the server's clock. At zero it says "expiring" rather than
 * pretending the lock is gone: the coupon only leaves LOCKED when the server's LOCK_EXPIRED
 * event arrives, and then this component is no longer rendered.
 */
export function LockCountdown({ lockExpiresAt }: { lockExpiresAt: string }) {
  const now = useServerNow();
  const expiresAt = Date.parse(lockExpiresAt);
  if (!now || Number.isNaN(expiresAt)) return null;
  const remaining = Math.max(0, (expiresAt - now) / 1000);
  // Rounded, not ceiled: the server-clock estimate lags the truth by the events' delivery delay
  // (milliseconds), and ceiling that made a fresh 120 s lock read 2:01.
  const seconds = Math.round(remaining);
  if (seconds <= 0) {
    return (
      <span className={`${styles.countdown} ${styles.expired}`} role="timer" data-remaining-seconds={0}>
        Lock expiring…
      </span>
    );
  }
  return (
    <span
      className={`${styles.countdown}${seconds <= 10 ? ` ${styles.urgent}` : ''}`}
      role="timer"
      aria-label={`Lock expires in ${describeDuration(seconds)}`}
      data-remaining-seconds={seconds}
    >
      <svg className={styles.icon} viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
        <circle cx="8" cy="9" r="6" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path d="M8 5.5V9l2.2 1.6M6.5 1.5h3" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      </svg>
      {formatCountdown(seconds)}
    </span>
  );
}
