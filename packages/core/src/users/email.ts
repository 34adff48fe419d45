import { domainToUnicode } from 'node:url';
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
 * The form emails are stored and compared in, so that one address has one spelling: trimmed,
 * lower-cased, in Unicode NFC (`é` typed precomposed or as `e` + U+0301 is the same address), the
 * domain as UTS #46 maps it (as browsers do: `BÜCHER.de` and `xn--bcher-kva.de` are `bücher.de`,
 * full-width letters and dots are ASCII). A domain UTS #46 refuses is left as typed (lower-cased,
 * NFC): {@link parseEmail} then refuses the address; a look-up simply finds nobody.
 */
export function normalizeEmail(email: string): string {
  const text = email.trim().toLowerCase().normalize('NFC');
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const domain = domainToUnicode(text.slice(at + 1));
  return domain === '' ? text : `${text.slice(0, at + 1)}${domain.normalize('NFC')}`;
}

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
