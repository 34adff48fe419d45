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
 */
const SEPARATORS = /[-_]/g;

/** The check character for `payload` (separators ignored), or null if a character is outside the charset. */
export function computeCheckCharacter(payload: string, charset: string = DEFAULT_CHARSET): string | null {
  const n = charset.length;
  const sum = weightedSum(payload.replace(SEPARATORS, ''), charset, true);
  return sum === null ? null : charset[(n - (sum % n)) % n];
}

/**
 * True when the last character of `code` is the check character of the rest (Luhn mod N over
 * `charset`, separators ignored). Normalises like lookups do (trim, upper-case). Codes made
 * without `checkCharacter: true` generally fail it: call it only for books whose codes carry one.
 */
export function verifyCheckCharacter(code: string, charset: string = DEFAULT_CHARSET): boolean {
  const normalized = code.trim().toUpperCase();
  const chars = normalized.replace(SEPARATORS, '');
  if (chars.length < 2) return false;
  const sum = weightedSum(chars, charset, false);
  return sum !== null && sum % charset.length === 0;
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
