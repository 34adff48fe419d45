/** Display formatting shared by the pages; one place so every screen reads the same. */

// Times are the viewer's, with the time zone named ("Dec 4, 2026, 8:50 PM UTC"): an admin in
// Berlin and a shop in New York read the same row differently, and the page says which.
const day = { year: 'numeric', month: 'short', day: 'numeric' } as const;
const dateTime = new Intl.DateTimeFormat(undefined, { ...day, hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
const eventTime = new Intl.DateTimeFormat(undefined, { ...day, hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const integer = new Intl.NumberFormat();

function formatWith(format: Intl.DateTimeFormat, iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : format.format(date);
}

/** A date and time to the minute, in the viewer's time zone, named (settings, creation dates). */
export function formatDateTime(iso: string | null | undefined): string {
  return formatWith(dateTime, iso);
}

/** An event's moment to the second (two events in one minute stay apart), time zone named. */
export function formatEventTime(iso: string | null | undefined): string {
  return formatWith(eventTime, iso);
}

/** The time of day to the second, time zone named (today's events, a live feed's titles). */
export function formatTime(iso: string | null | undefined): string {
  return formatWith(time, iso);
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

/** How long ago (or until) `iso` is at `now`, for feeds: "now", "12 seconds ago", "3 minutes ago", "yesterday". */
export function formatRelative(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const seconds = Math.round((at - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return Math.abs(seconds) < 5 ? relative.format(0, 'second') : relative.format(seconds, 'second');
}

export function formatCount(value: number | null | undefined): string {
  return value == null ? '—' : integer.format(value);
}

/** "10% off", or a fixed amount with its currency's symbol when the book says which ("$5.00 off"). */
export function formatDiscount(type: string, value: number | string, currency?: string | null): string {
  const amount = Number(value);
  if (type === 'PERCENTAGE') return `${amount}% off`;
  return `${formatMoney(amount, currency)} off`;
}

// One formatter per currency, made once: every amount on every page goes through formatMoney.
const moneyFormats = new Map<string, Intl.NumberFormat | null>();

function moneyFormat(currency: string): Intl.NumberFormat | null {
  const code = currency.toUpperCase();
  if (!moneyFormats.has(code)) {
    let format: Intl.NumberFormat | null = null;
    try {
      format = new Intl.NumberFormat(undefined, { style: 'currency', currency: code });
    } catch {
      // Not an ISO 4217 code Intl knows: the amount is printed with the code after it.
    }
    moneyFormats.set(code, format);
  }
  return moneyFormats.get(code) ?? null;
}

/** An amount with its ISO 4217 currency's symbol via Intl ("€12.50", "¥500"); two decimals when the currency is unknown. */
export function formatMoney(value: number | string, currency?: string | null): string {
  const amount = Number(value);
  if (!currency) return amount.toFixed(2);
  return moneyFormat(currency)?.format(amount) ?? `${amount.toFixed(2)} ${currency}`;
}

/** `m:ss` for a countdown; hours appear only when needed. */
export function formatCountdown(totalSeconds: number): string {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** A spoken form of a duration for screen readers ("4 minutes 3 seconds"). */
export function describeDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  const parts = [];
  if (m > 0) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (s > 0 || m === 0) parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/** `datetime-local` input value (local time, minutes) from an ISO instant, and back. */
export function isoToLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export const STATE_LABELS: Record<string, string> = {
  UNASSIGNED: 'Unassigned',
  ASSIGNED: 'Assigned',
  LOCKED: 'Locked',
  REDEEMED: 'Redeemed',
  VOID: 'Void',
};
