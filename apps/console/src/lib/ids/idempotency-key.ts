/**
 * A fresh idempotency key per user action: a retry of the same request reuses it, a new click
 * gets a new one. `crypto.randomUUID` exists only in secure contexts (https, localhost), so a
 * console served over plain http on a LAN address falls back to `getRandomValues`.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
