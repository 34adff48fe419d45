import { INPUT_LIMITS, upperCaseAscii } from '@coupons/rules';
import { badInput } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID argument, or BAD_USER_INPUT naming the field (before any database work). */
export function requireUuid(field: string, value: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw badInput(field, 'must be a UUID');
  return value.toLowerCase();
}

/**
 * Control (`\p{Cc}`) and format (`\p{Cf}`) characters: a name with U+202E (right-to-left override)
 * displays as something else in the console and in exports, and CR/LF in a name splits log and CSV
 * lines. Two format characters are kept because real text needs them: the zero-width joiner
 * (U+200D, emoji sequences) and non-joiner (U+200C, Persian and Indic scripts). The line and
 * paragraph separators (U+2028, U+2029) are line breaks: refused where line breaks are.
 */
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const JOINERS = new Set(['\u200c', '\u200d']);
const LINE_BREAKS = new Set(['\n', '\r', '\t', '\u2028', '\u2029']);
/**
 * A UTF-16 surrogate on its own (JSON lets "\ud800" through): not a character. PostgreSQL would
 * store U+FFFD in its place, or refuse the statement without naming the field.
 */
const LONE_SURROGATE = /\p{Cs}/u;
/**
 * Something that shows: a name of only default-ignorable characters (a Hangul filler U+3164, a
 * combining grapheme joiner, a variation selector) displays as blank in the console and exports.
 */
const VISIBLE = /[^\s\p{Default_Ignorable_Code_Point}]/u;

function hasHiddenCharacters(text: string, multiline: boolean): boolean {
  for (const [char] of text.matchAll(CONTROL_OR_FORMAT)) {
    if (!JOINERS.has(char) && !(multiline && LINE_BREAKS.has(char))) return true;
  }
  return false;
}

/**
 * A free-text argument (a name, a description, a reason), trimmed: 1..`max` characters (`null`
 * when `optional` and empty), no control or format characters (line breaks only when
 * `multiline`), no lone surrogate, and at least one visible character. BAD_USER_INPUT names the field.
 */
export function requireText(
  field: string,
  value: unknown,
  options: { max: number; optional?: false; multiline?: boolean },
): string;
export function requireText(
  field: string,
  value: unknown,
  options: { max: number; optional: true; multiline?: boolean },
): string | null;
export function requireText(
  field: string,
  value: unknown,
  options: { max: number; optional?: boolean; multiline?: boolean },
): string | null {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.length === 0) {
    if (options.optional && (value === null || value === undefined || typeof value === 'string')) return null;
    throw badInput(field, `must be 1 to ${options.max} characters`);
  }
  if (text.length > options.max) {
    throw badInput(field, options.optional ? `must be at most ${options.max} characters` : `must be 1 to ${options.max} characters`);
  }
  if (LONE_SURROGATE.test(text)) throw badInput(field, 'must be valid Unicode text (it has a lone surrogate)');
  if (hasHiddenCharacters(text, options.multiline === true)) {
    throw badInput(
      field,
      options.multiline
        ? 'must not contain control or invisible formatting characters (line breaks and tabs are fine)'
        : 'must not contain control characters, line breaks or invisible formatting characters',
    );
  }
  if (!VISIBLE.test(text)) throw badInput(field, 'must contain a visible character');
  return text;
}

/**
 * Coupon codes are stored upper-case; lookups normalise the same way (ASCII letters only, as
 * uploads do: "ſale1" is not a spelling of SALE1).
 */
export function normaliseCode(field: string, value: string): string {
  const code = typeof value === 'string' ? upperCaseAscii(value.trim()) : '';
  if (code.length < 1 || code.length > 64 || !/^[A-Z0-9_-]+$/.test(code)) {
    throw badInput(field, 'must be 1 to 64 characters of A-Z, 0-9, "-" or "_"');
  }
  return code;
}

/** An optional idempotency key: 1..200 printable characters. */
export function optionalIdempotencyKey(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string' || value.length < 1 || value.length > 200 || !/^[\x21-\x7e]+$/.test(value)) {
    throw badInput('idempotencyKey', 'must be 1 to 200 printable ASCII characters without spaces');
  }
  return value;
}

/** How deep a JSON argument (metadata) may nest: plenty for real metadata, far from any stack limit. */
export const JSON_MAX_DEPTH = 32;

/**
 * BAD_USER_INPUT naming `field` when a JSON value nests deeper than `maxDepth` objects/arrays.
 * Iterative on purpose: every recursive walk after it (JSON.stringify, Prisma's serializer)
 * would overflow the stack on a value a few thousand levels deep.
 */
export function requireJsonDepth(field: string, value: unknown, maxDepth = JSON_MAX_DEPTH): void {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) throw badInput(field, `must nest at most ${maxDepth} levels of objects and arrays`);
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
}

/** The first and last instants PostgreSQL and ISO 8601's four-digit years share (timestamps are stored to the millisecond). */
export const DATE_TIME_MIN = new Date('0001-01-01T00:00:00.000Z');
export const DATE_TIME_MAX = new Date('9999-12-31T23:59:59.999Z');

/**
 * A date-time argument between {@link DATE_TIME_MIN} and {@link DATE_TIME_MAX}, or
 * BAD_USER_INPUT naming the field. The DateTime scalar lets through year 0000 and years past
 * 9999, which JavaScript reaches: PostgreSQL stores year 0000 as `0001 BC`, which no read of
 * the row can then parse back, and refuses some others outright.
 */
export function requireDateTime(field: string, value: unknown): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw badInput(field, 'must be a valid date-time');
  if (value.getTime() < DATE_TIME_MIN.getTime() || value.getTime() > DATE_TIME_MAX.getTime()) {
    throw badInput(field, `must be a date-time from ${DATE_TIME_MIN.toISOString()} to ${DATE_TIME_MAX.toISOString()}`);
  }
  return value;
}

/**
 * BAD_USER_INPUT naming `field` when a JSON value holds a number past the range of a double. JSON
 * sets no limit, JavaScript does: 1e400 parses as Infinity, which every JSON writer after it
 * (Prisma's, the SQL parameters', the audit log's) writes as null, so the metadata was stored and
 * read back with null in its place while the mutation answered success.
 */
export function requireFiniteNumbers(field: string, value: unknown): void {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === 'number' && !Number.isFinite(current)) throw badInput(field, 'must not hold a number past ±1.7976931348623157e308');
    if (current !== null && typeof current === 'object') for (const child of Object.values(current)) pending.push(child);
  }
}

/**
 * BAD_USER_INPUT naming `field` when a JSON value has a key `__proto__` at any depth. JSON.parse
 * makes it an ordinary key, but JavaScript code that copies the object by assignment (Prisma's
 * JSON writer does) sets the copy's prototype instead: the key was stored nowhere and read back
 * missing. Refused, the same on every metadata, rather than kept on some and lost on others.
 */
export function requireNoProtoKey(field: string, value: unknown): void {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (current === null || typeof current !== 'object') continue;
    if (!Array.isArray(current) && Object.hasOwn(current, '__proto__')) throw badInput(field, 'must not have a key named "__proto__"');
    for (const child of Object.values(current)) pending.push(child);
  }
}

/**
 * BAD_USER_INPUT naming `field` when a key or a string anywhere in a JSON value holds a NUL
 * (jsonb cannot store U+0000) or a lone surrogate (not a character: PostgreSQL refused the whole
 * statement with "A value is malformed", naming no field).
 */
export function requireStorableStrings(field: string, value: unknown): void {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    const texts = typeof current === 'string' ? [current] : current !== null && typeof current === 'object' && !Array.isArray(current) ? Object.keys(current) : [];
    for (const text of texts) {
      if (text.includes('\u0000')) throw badInput(field, 'must not contain NUL characters');
      if (LONE_SURROGATE.test(text)) throw badInput(field, 'must be valid Unicode text (it has a lone surrogate)');
    }
    if (current !== null && typeof current === 'object') for (const child of Object.values(current)) pending.push(child);
  }
}

/**
 * Free-form JSON notes kept as jsonb (a book's metadata, a code's notes, a redemption's
 * metadata), or BAD_USER_INPUT naming `field`: a JSON object nesting at most
 * {@link JSON_MAX_DEPTH} levels, with no key `__proto__`, no number past a double, no NUL or lone
 * surrogate, and at most `INPUT_LIMITS.metadataBytes` of JSON. @coupons/rules' `metadataSchema`
 * is the console's copy of the rule.
 */
export function requireMetadata(field: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badInput(field, 'must be a JSON object');
  requireJsonDepth(field, value);
  requireNoProtoKey(field, value);
  requireFiniteNumbers(field, value);
  requireStorableStrings(field, value);
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > INPUT_LIMITS.metadataBytes) throw badInput(field, `must be at most ${INPUT_LIMITS.metadataBytes} bytes of JSON (got ${bytes})`);
  return value as Record<string, unknown>;
}
