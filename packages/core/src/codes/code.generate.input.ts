import { upperCaseAscii } from '@coupons/rules';
import { badInput } from '../shared/errors.ts';
import { CODE_MAX_LENGTH, CODE_MIN_LENGTH } from './code.format.ts';
import { DEFAULT_CHARSET, patternSpaceLog10 } from './code.random.ts';

/** What `generateCodes` accepts. */
export interface GenerateCodesInput {
  count: number;
  prefix?: string | null;
  suffix?: string | null;
  /** Random characters per code (prefix, suffix and check character not included). Default 10. */
  length?: number | null;
  /** Characters of the random part; default {@link DEFAULT_CHARSET} (no look-alikes). */
  charset?: string | null;
  /** Append a Luhn mod N check character (see `verifyCheckCharacter`). */
  checkCharacter?: boolean | null;
}

/** A validated generation plan. */
export interface CodePattern {
  count: number;
  prefix: string;
  suffix: string;
  length: number;
  charset: string;
  checkCharacter: boolean;
}

export const GENERATE_MAX_COUNT = 10_000_000;
export const DEFAULT_CODE_LENGTH = 10;
/** The pattern space must be this many times the count, so random collisions stay rare (≈ 10%). */
export const PATTERN_SPACE_FACTOR = 10;
const AFFIX_MAX = 32;
const AFFIX = /^[A-Z0-9_-]*$/;
const CHARSET = /^[A-Z0-9]+$/;

/** Validates and completes the input; BAD_USER_INPUT names the field at fault. */
export function validateGenerateCodes(input: GenerateCodesInput): CodePattern {
  const { count } = input;
  if (!Number.isInteger(count) || count < 1 || count > GENERATE_MAX_COUNT) {
    throw badInput('count', `must be an integer between 1 and ${GENERATE_MAX_COUNT}`);
  }
  const prefix = checkAffix('prefix', input.prefix);
  const suffix = checkAffix('suffix', input.suffix);
  const charset = checkCharset(input.charset);
  const length = input.length ?? DEFAULT_CODE_LENGTH;
  const checkCharacter = input.checkCharacter ?? false;
  if (!Number.isInteger(length) || length < 1 || length > CODE_MAX_LENGTH) {
    throw badInput('length', `must be an integer between 1 and ${CODE_MAX_LENGTH}`);
  }
  const total = prefix.length + length + suffix.length + (checkCharacter ? 1 : 0);
  if (total < CODE_MIN_LENGTH || total > CODE_MAX_LENGTH) {
    throw badInput('length', `prefix + length + suffix${checkCharacter ? ' + check character' : ''} is ${total}; codes must be ${CODE_MIN_LENGTH} to ${CODE_MAX_LENGTH} characters`);
  }
  checkPatternSpace(count, charset.length, length);
  if (checkCharacter) {
    for (const [field, affix] of [['prefix', prefix], ['suffix', suffix]] as const) {
      const outside = [...affix.replace(/[-_]/g, '')].find((c) => !charset.includes(c));
      if (outside) throw badInput(field, `with checkCharacter, may only use characters of the charset (and "-", "_"); "${outside}" is not in it`);
    }
  }
  return { count, prefix, suffix, length, charset, checkCharacter };
}

function checkAffix(field: 'prefix' | 'suffix', value: string | null | undefined): string {
  const affix = upperCaseAscii((value ?? '').trim());
  if (affix.length > AFFIX_MAX || !AFFIX.test(affix)) {
    throw badInput(field, `must be at most ${AFFIX_MAX} characters of A-Z, 0-9, "-" or "_"`);
  }
  return affix;
}

function checkCharset(value: string | null | undefined): string {
  if (value === null || value === undefined) return DEFAULT_CHARSET;
  const charset = upperCaseAscii(value.trim());
  if (charset.length < 2 || !CHARSET.test(charset)) {
    throw badInput('charset', 'must be at least 2 characters of A-Z and 0-9');
  }
  if (new Set(charset).size !== charset.length) throw badInput('charset', 'must not repeat a character');
  return charset;
}

/** Refuses patterns whose space is under {@link PATTERN_SPACE_FACTOR} × count, naming the length needed. */
function checkPatternSpace(count: number, charsetSize: number, length: number): void {
  const needed = Math.log10(count * PATTERN_SPACE_FACTOR);
  if (patternSpaceLog10(charsetSize, length) >= needed - 1e-9) return;
  const minimum = Math.ceil((needed - 1e-9) / Math.log10(charsetSize));
  throw badInput(
    'length',
    `${charsetSize}^${length} possible codes cannot hold ${count} codes without many collisions; use a length of at least ${minimum} (or a larger charset)`,
  );
}
