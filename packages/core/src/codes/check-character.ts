import { DEFAULT_CHARSET } from './code.random.ts';

/**
 * Check characters: Luhn mod N over the generation charset (N = its size). It catches every
 * single mistyped character and most swaps of neighbours, so a storefront (or the API) can
 * reject a typo before any database work. "-" and "_" are separators and do not count, so
 * `SUMMER-7KQ2X` style prefixes work; every other character must belong to the charset.
 * With the default charset (31 characters, a prime) every adjacent transposition is caught too.
 */
const SEPARATORS = /[-_]/g;

/** The check character for `payload` (separators ignored), or null if a character is outside the charset. */
export function computeCheckCharacter(payload: string, charset: string = DEFAULT_CHARSET): string | null {
  const n = charset.length;
  let factor = 2;
  let sum = 0;
  const chars = payload.replace(SEPARATORS, '');
  for (let i = chars.length - 1; i >= 0; i--) {
    const index = charset.indexOf(chars[i]);
    if (index < 0) return null;
    let addend = factor * index;
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / n) + (addend % n);
    sum += addend;
  }
  return charset[(n - (sum % n)) % n];
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
  const expected = computeCheckCharacter(chars.slice(0, -1), charset);
  return expected !== null && expected === chars[chars.length - 1];
}
