import { upperCaseAscii } from '@coupons/rules';
import { DEFAULT_CHARSET } from './code.random.ts';

/**
 * Check characters: Luhn mod N over the generation charset (N = its size), so a storefront (or
 * the API) can reject a typo before any database work. From the right, every second character's
 * value is "doubled" and everything is summed mod N; the check character makes the sum 0.
 * "Doubling" must be a permutation of 0..N-1 for every single typo to be caught: for an even N
 * that is Luhn's base-N digit sum of 2x, for an odd N it is plainly 2x mod N (Luhn's digit sum
 * would map 1 and (N+1)/2 to the same value). With an odd N (the default charset has 31
 * characters) every swap of two different neighbours is caught too; with an even N most are.
 * "-" and "_" are separators and do not count, so `SUMMER-7KQ2X` style prefixes work; every
 * other character must belong to the charset.
 *
 * Because separators do not count, a character mistyped as "-" or "_" is a deletion to the sum,
 * which slips through about once in N. The sum cannot change (every code generated so far was
 * made with it), so verification checks where the separators are instead: a generated code is
 * `prefix + random part + suffix + check character`, the random part and the check character are
 * charset characters, so separators can only sit in the affixes. Given the pattern the code was
 * generated with ({@link CheckedCodePattern}), the code must have its prefix and suffix exactly
 * and no separator anywhere else: every single character mistyped as a separator is caught.
 * Without the pattern, only the check character's own position is known (the last one, never a
 * separator), so a separator typed over a character of the rest still passes about once in N.
 */
const SEPARATORS = /[-_]/g;

/** What a code was generated with (`generateCodes`' input), for {@link verifyCheckCharacter}. */
export interface CheckedCodePattern {
  /** Default {@link DEFAULT_CHARSET}. */
  charset?: string | null;
  /** The pattern's prefix and suffix, separators included; compared upper-cased. */
  prefix?: string | null;
  suffix?: string | null;
  /** The random part's length; when given, the code must have exactly that many characters there. */
  length?: number | null;
}

/** The check character for `payload` (separators ignored), or null if a character is outside the charset. */
export function computeCheckCharacter(payload: string, charset: string = DEFAULT_CHARSET): string | null {
  const n = charset.length;
  const sum = weightedSum(payload.replace(SEPARATORS, ''), charset, true);
  return sum === null ? null : charset[(n - (sum % n)) % n];
}

/**
 * True when the last character of `code` is the check character of the rest (Luhn mod N over
 * the charset, separators ignored). Normalises like lookups do (trim, ASCII upper-case). Pass the
 * generation's pattern (prefix, suffix, charset, length) to also catch a character mistyped as
 * "-" or "_" (see the module comment); a charset string alone is the charset. Codes made without
 * `checkCharacter: true` generally fail it: call it only for books whose codes carry one.
 */
export function verifyCheckCharacter(code: string, pattern: string | CheckedCodePattern = DEFAULT_CHARSET): boolean {
  const { charset, prefix, suffix, length } = typeof pattern === 'string' ? { charset: pattern } : pattern;
  const set = charset ?? DEFAULT_CHARSET;
  const normalized = upperCaseAscii(code.trim());
  // The check character is always a charset character, never a separator.
  if (!set.includes(normalized.slice(-1))) return false;
  if (typeof pattern !== 'string' && !hasPatternShape(normalized, set, prefix, suffix, length)) return false;
  const chars = normalized.replace(SEPARATORS, '');
  if (chars.length < 2) return false;
  const sum = weightedSum(chars, set, false);
  return sum !== null && sum % set.length === 0;
}

/** `prefix + random part (charset only) + suffix + one check character`, the shape generation makes. */
function hasPatternShape(code: string, charset: string, prefix?: string | null, suffix?: string | null, length?: number | null): boolean {
  const head = upperCaseAscii((prefix ?? '').trim());
  const tail = upperCaseAscii((suffix ?? '').trim());
  const body = code.slice(0, -1);
  if (body.length < head.length + tail.length || !body.startsWith(head) || !body.endsWith(tail)) return false;
  const random = body.slice(head.length, body.length - tail.length);
  if (length !== null && length !== undefined && random.length !== length) return false;
  return [...random].every((c) => charset.includes(c));
}

/** Σ of character values, every second one from the right "doubled"; null on a foreign character. */
function weightedSum(chars: string, charset: string, doubleRightmost: boolean): number | null {
  const n = charset.length;
  let double = doubleRightmost;
  let sum = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const value = charset.indexOf(chars[i]);
    if (value < 0) return null;
    sum += double ? doubled(value, n) : value;
    double = !double;
  }
  return sum;
}

/** A permutation of 0..n-1 (see the module comment for why it depends on n's parity). */
function doubled(value: number, n: number): number {
  const twice = 2 * value;
  return n % 2 === 0 ? Math.floor(twice / n) + (twice % n) : twice % n;
}
