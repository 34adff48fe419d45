'use client';

import { type ConnectionHealth, useConnectionHealth } from '@/lib/apollo/live-status';
import styles from './live-indicator.module.css';

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** HH:MM:SS of the viewer's clock: when this screen lost touch, to the second. */
export function formatClock(ms: number): string {
  return clock.format(new Date(ms));
}

/** The badge's words for a connection verdict. */
export function describeConnection(health: ConnectionHealth): string {
  switch (health.kind) {
    case 'offline':
      return `Offline since ${formatClock(health.since)} — reconnecting`;
    case 'failing':
      return `Server not answering since ${formatClock(health.since)}`;
    case 'live':
      return 'Live';
    case 'connecting':
      return 'Connecting…';
  }
}

/**
 * Shows whether live updates are flowing and the API answers, so a quiet screen is not mistaken
 * for a stuck one: green only while the socket is live and HTTP calls succeed.
 */
export function LiveIndicator() {
  const health = useConnectionHealth();
  return (
    <span className={styles.live} data-status={health.kind} role="status" data-testid="connection-badge">
      <span className={styles.dot} aria-hidden="true" />
      {describeConnection(health)}
    </span>
  );
}
