'use client';

import { useLiveStatus } from '@/lib/apollo/live-status';
import styles from './live-indicator.module.css';

const TEXT = { idle: 'Connecting…', connecting: 'Connecting…', live: 'Live', offline: 'Offline — reconnecting' } as const;

/** Shows whether live updates are flowing, so a quiet screen is not mistaken for a stuck one. */
export function LiveIndicator() {
  const status = useLiveStatus();
  return (
    <span className={styles.live} data-status={status} role="status">
      <span className={styles.dot} aria-hidden="true" />
      {TEXT[status]}
    </span>
  );
}
