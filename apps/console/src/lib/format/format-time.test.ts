import { describe, expect, it } from 'vitest';
import { formatDateTime, formatEventTime, formatRelative, formatTime } from './format';

const at = '2026-12-04T20:50:07.000Z';
const now = Date.parse(at);

describe('times for people', () => {
  it('names the time zone, and events keep their seconds apart', () => {
    const zone = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(new Date(at)).find((p) => p.type === 'timeZoneName')?.value;
    expect(zone).toBeTruthy();
    expect(formatDateTime(at)).toContain(zone as string);
    expect(formatEventTime(at)).toContain(zone as string);
    expect(formatEventTime(at)).not.toBe(formatEventTime('2026-12-04T20:50:37.000Z'));
    expect(formatDateTime(at)).toBe(formatDateTime('2026-12-04T20:50:37.000Z'));
    expect(formatTime(at)).toContain(':07');
    expect(formatEventTime(null)).toBe('—');
    expect(formatTime('not a date')).toBe('—');
  });

  it('says how long ago for feeds', () => {
    const ago = (seconds: number) => formatRelative(new Date(now - seconds * 1000).toISOString(), now);
    expect(ago(2)).toBe(new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(0, 'second'));
    expect(ago(12)).toBe(new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(-12, 'second'));
    expect(ago(3 * 60 + 10)).toBe(new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(-3, 'minute'));
    expect(ago(2 * 3_600)).toBe(new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(-2, 'hour'));
    expect(ago(86_400 + 60)).toBe(new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(-1, 'day'));
    expect(formatRelative(undefined, now)).toBe('—');
  });
});
