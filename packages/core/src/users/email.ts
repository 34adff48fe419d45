import { domainToUnicode } from 'node:url';
import { normalizeEmail } from '@coupons/db';
import { badInput } from '../shared/errors.ts';

/** RFC 5321 caps an address at 254 characters. */
const MAX_EMAIL_LENGTH = 254;

/**
 * Deliberately simple: one `@`, a non-empty local part, a domain of dot-separated non-empty
 * labels (no trailing dot), no spaces, control or invisible formatting characters (a zero-width
 * space or a right-to-left override would make a look-alike of another address).
 * Deliverability is proven by mail, not by a regex.
 */
const EMAIL_PATTERN = /^[^\s@\p{Cc}\p{Cf}]+@(?:[^\s@.\p{Cc}\p{Cf}]+\.)+[^\s@.\p{Cc}\p{Cf}]+$/u;

/** A UTF-16 surrogate on its own: not a character (PostgreSQL would store U+FFFD instead). */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The stored form of an email (trimmed, lower-cased, NFC, the domain as UTS #46 maps it): one
 * definition in `@coupons/db`, beside the data, since the migrations bring stored emails to it.
 */
export { normalizeEmail };

/** The normalized email, or BAD_USER_INPUT naming `field`. */
export function parseEmail(email: string, field = 'email'): string {
  const normalized = normalizeEmail(email);
  if (normalized.length === 0) throw badInput(field, 'is required');
  if (normalized.length > MAX_EMAIL_LENGTH) throw badInput(field, `must be at most ${MAX_EMAIL_LENGTH} characters`);
  const domain = normalized.slice(normalized.lastIndexOf('@') + 1);
  if (!EMAIL_PATTERN.test(normalized) || LONE_SURROGATE.test(normalized) || domainToUnicode(domain) !== domain) {
    throw badInput(field, 'is not a valid email address');
  }
  return normalized;
}
