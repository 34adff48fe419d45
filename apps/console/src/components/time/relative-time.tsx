'use client';

import { useServerNow } from '@/lib/clock/server-clock';
import { formatEventTime, formatRelative } from '@/lib/format/format';

/**
 * "12 seconds ago", kept current as the (server's) clock moves, with the exact moment in the
 * viewer's time zone as its title and in `dateTime` for machines. For feeds, where how long ago
 * matters more than the clock time.
 */
export function RelativeTime({ at, className }: { at: string; className?: string }) {
  const now = useServerNow();
  return (
    <time dateTime={at} title={formatEventTime(at)} className={className}>
      {now ? formatRelative(at, now) : formatEventTime(at)}
    </time>
  );
}
