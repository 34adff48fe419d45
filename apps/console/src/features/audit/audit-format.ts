import { AUDIT_ACTIONS } from '@coupons/rules/audit-actions';
import type { AuditTargetType } from '@/gql/graphql';

/** The actions the API records (a newer API may add more: the filter accepts any name). */
export const KNOWN_ACTIONS = AUDIT_ACTIONS;

export const TARGET_TYPES: AuditTargetType[] = ['BOOK', 'COUPON', 'DISTRIBUTION', 'POOL', 'REDEMPTION', 'USER', 'API_KEY', 'WEBHOOK'];

/** "BOOK_PAUSED" → "Book paused", "API_KEY" → "API key". */
export function humanize(name: string): string {
  const words = name.toLowerCase().split('_').filter(Boolean);
  const text = words.join(' ').replace(/^api /, 'API ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Where a target lives in the console, when it has a page there. */
export function targetHref(type: AuditTargetType, id: string): string | null {
  switch (type) {
    case 'BOOK':
      return `/books/${encodeURIComponent(id)}`;
    case 'COUPON':
      return `/coupons/${encodeURIComponent(id)}`;
    case 'POOL':
      return `/pools/${encodeURIComponent(id)}`;
    case 'API_KEY':
      return '/api-keys';
    case 'WEBHOOK':
      return `/webhooks/${encodeURIComponent(id)}`;
    default:
      return null;
  }
}

/** What changed, on one line: `{"reason":"leaked","from":"ASSIGNED"}`, cut at `max` characters. */
export function compactJson(value: unknown, max = 120): string {
  if (value == null || (typeof value === 'object' && Object.keys(value).length === 0)) return '';
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
