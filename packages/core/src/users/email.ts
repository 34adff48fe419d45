import { badInput } from '../shared/errors.ts';

/** RFC 5321 caps an address at 254 characters. */
const MAX_EMAIL_LENGTH = 254;

/**
 * Deliberately simple: one `@`, a non-empty local part, a dotted domain, no spaces or control
 * characters. Deliverability is proven by mail, not by a regex.
 */
const EMAIL_PATTERN = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;

/** Trims and lower-cases: emails are unique case-insensitively because they are stored lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The normalized email, or BAD_USER_INPUT naming `field`. */
export function parseEmail(email: string, field = 'email'): string {
  const normalized = normalizeEmail(email);
  if (normalized.length === 0) throw badInput(field, 'is required');
  if (normalized.length > MAX_EMAIL_LENGTH) throw badInput(field, `must be at most ${MAX_EMAIL_LENGTH} characters`);
  if (!EMAIL_PATTERN.test(normalized)) throw badInput(field, 'is not a valid email address');
  return normalized;
}
