import { z } from 'zod';

// The rules a person's input must meet, in one zod schema that the server's validation agrees
// with (packages/core/test/input-rules.agreement.test.ts runs both on the same inputs, and
// the services take their limits from INPUT_LIMITS) and the console checks before the round trip.
// It depends on zod alone, no server module, so it runs in a browser. The services stay the authority: they check again whatever a caller sends.
//
// Messages are written for people ("Keep the name to 200 characters."); the API's own answers
// name the field (BAD_USER_INPUT "name: must be 1 to 200 characters").

/** Lengths and bounds the API enforces (BAD_USER_INPUT beyond them). */
export const INPUT_LIMITS = {
  bookName: 200,
  bookDescription: 2000,
  poolName: 200,
  poolDescription: 2000,
  /** A reason (void, unassign, unlock, reversal). */
  reason: 500,
  /** A coupon code, after trimming. */
  code: 64,
  lockTtlSeconds: 86_400,
  /** Counts and limits are PostgreSQL integers. */
  int4: 2_147_483_647,
  /** discount_value is DECIMAL(12,2). */
  discountValue: 9_999_999_999.99,
  metadataBytes: 16 * 1024,
} as const;

/**
 * Control and format characters, but the two joiners real text needs (U+200C, U+200D) and, in
 * multi-line text, line breaks and tabs; a lone surrogate; or nothing that shows (only
 * default-ignorable characters, like a Hangul filler). shared/validation.ts's `requireText`
 * refuses the same.
 */
function hasHiddenCharacters(text: string, multiline: boolean): boolean {
  if (/\p{Cs}/u.test(text) || !/[^\s\p{Default_Ignorable_Code_Point}]/u.test(text)) return true;
  for (const [char] of text.matchAll(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu)) {
    if (char === '\u200c' || char === '\u200d') continue;
    if (multiline && (char === '\n' || char === '\r' || char === '\t' || char === '\u2028' || char === '\u2029')) continue;
    return true;
  }
  return false;
}

/**
 * A required text, trimmed: 1..max characters, nothing hidden. `what` names it for people ("the
 * name"); `empty` says what to do when nothing is given (default "Enter the name.").
 */
export function requiredText(what: string, max: number, options: { multiline?: boolean; empty?: string } = {}) {
  const empty = options.empty ?? `Enter ${what}.`;
  return z
    .string({ error: empty })
    .transform((value) => value.trim())
    .pipe(
      z
        .string()
        .min(1, empty)
        .max(max, `Keep ${what} to ${max.toLocaleString('en-US')} characters.`)
        .refine((text) => !hasHiddenCharacters(text, options.multiline === true), {
          message: options.multiline
            ? `Remove the control or invisible characters from ${what}.`
            : `Remove the line breaks, control or invisible characters from ${what}.`,
        }),
    );
}

/** An optional text: empty (or null) is null, else as {@link requiredText}. */
export function optionalText(what: string, max: number, options: { multiline?: boolean } = {}) {
  return z
    .union([z.string(), z.null(), z.undefined()])
    .transform((value) => (typeof value === 'string' && value.trim() !== '' ? value : null))
    .pipe(z.union([z.null(), requiredText(what, max, options)]));
}

/** A whole number of at least 1 (a limit), or null for none. (`refine`, not `.int()`: a failed `.int()` stops the cross-field rules.) */
const optionalLimit = (what: string) =>
  z
    .number({ error: `Enter ${what} as a whole number.` })
    .refine(Number.isInteger, `Enter ${what} as a whole number.`)
    .min(1, `${capitalise(what)} must be at least 1 (or empty for no limit).`)
    .max(INPUT_LIMITS.int4, `${capitalise(what)} is too large.`)
    .nullable();

/** An amount of money as text ("25.00"): digits, an optional point, at most 14 + 4 digits. */
const AMOUNT = /^(0|[1-9]\d{0,13})(\.\d{1,4})?$/;
const optionalAmount = (example: string) =>
  z.string().regex(AMOUNT, `Enter an amount like ${example}.`).nullable();

const dateTime = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'Enter a valid date and time.')
  .nullable();

/** Decimal places of a currency (JPY 0, EUR 2, KWD 3), as the platform's Intl data gives them. */
function minorUnits(currency: string): number | null {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return null;
  }
}

/**
 * Whether `value` has more than `places` decimals, as the API checks it: a number has at most
 * `places` when it is the number nearest to its own decimal text at `places` (1100000000.14 has
 * 2; 0.1 + 0.2 has more). Exact, unlike scaling by 10^places, whose float error grows with the
 * value (about 1.5e-5 at a billion, enough to refuse a third of valid amounts there).
 */
export function morePlacesThan(value: number | string, places: number): boolean {
  if (typeof value === 'string') return (value.split('.')[1] ?? '').length > places;
  return Number(value.toFixed(places)) !== value;
}

function knownCurrency(code: string): boolean {
  const supported = (Intl as { supportedValuesOf?: (key: 'currency') => string[] }).supportedValuesOf?.('currency');
  return supported ? supported.includes(code) : minorUnits(code) !== null;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The size of a JSON value as the API counts it: UTF-8 bytes of its compact text. */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

/** Free-form notes (a book's metadata, a code's notes): a JSON object of at most 16 KB. `what` names it ("Metadata"). */
export function metadataSchema(what: string, example: string) {
  // The key check reads the value as given: z.record's copy drops a "__proto__" key.
  return z
    .unknown()
    .refine((value) => !hasProtoKey(value), `${what} must not have a key named "__proto__".`)
    .refine((value) => !hasNumberPastDouble(value), `${what} must not hold a number that large (past ±1.8e308).`)
    .refine((value) => !hasUnstorableText(value), `${what} must not hold a NUL character or a lone surrogate.`)
    .pipe(
      z
        .record(z.string(), z.unknown(), { error: `${what} must be a JSON object, like ${example}.` })
        .refine((value) => jsonBytes(value) <= INPUT_LIMITS.metadataBytes, `${what} must be at most 16 KB of JSON.`),
    );
}

/** Whether `test` holds for a value anywhere in a JSON value, or for an object's key. */
function someInJson(value: unknown, test: (item: unknown, keys: string[]) => boolean): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    const isObject = current !== null && typeof current === 'object';
    if (test(current, isObject && !Array.isArray(current) ? Object.keys(current) : [])) return true;
    if (isObject) pending.push(...Object.values(current));
  }
  return false;
}

/** A number JSON.parse made Infinity (1e400): written back as JSON it would be null, so the API refuses it. */
const hasNumberPastDouble = (value: unknown) => someInJson(value, (item) => typeof item === 'number' && !Number.isFinite(item));

/** A key or a string holding a NUL or a lone surrogate, at any depth: the API refuses it (jsonb cannot store it). */
const hasUnstorableText = (value: unknown) =>
  someInJson(value, (item, keys) => (typeof item === 'string' ? [item] : keys).some((text) => text.includes('\u0000') || /\p{Cs}/u.test(text)));

/** A key `__proto__` at any depth: copied by assignment it would set a prototype and be lost, so the API refuses it. */
const hasProtoKey = (value: unknown) => someInJson(value, (_item, keys) => keys.includes('__proto__'));

/** A code's own use limit (updateCoupon's maxRedemptions): a whole number of at least 1. */
export const couponUseLimitSchema = z
  .number({ error: 'Enter a whole number of at least 1.' })
  .refine(Number.isInteger, 'Enter a whole number of at least 1.')
  .refine((value) => value >= 1, 'Enter a whole number of at least 1.')
  .refine((value) => value <= INPUT_LIMITS.int4, 'That is more uses than a code can count.');

/**
 * A book's settings (createBook's input, and updateBook's once merged with the book): each field,
 * then the rules between fields. Paths are the input's field names, as the API's errors name them.
 */
export const bookInputSchema = z
  .object({
    name: requiredText('the name', INPUT_LIMITS.bookName, { empty: 'Give the book a name.' }),
    description: optionalText('the description', INPUT_LIMITS.bookDescription, { multiline: true }),
    discountType: z.enum(['PERCENTAGE', 'FIXED_AMOUNT'], { error: 'Choose a percentage or a fixed amount.' }),
    discountValue: z
      .number({ error: 'Enter the discount as a number.' })
      .refine((value) => Number.isFinite(value) && value > 0, 'The discount must be more than 0.')
      .refine((value) => value <= INPUT_LIMITS.discountValue, 'The discount is too large.')
      .refine((value) => !morePlacesThan(value, 2), 'Use at most 2 decimal places.'),
    validFrom: dateTime,
    validUntil: dateTime,
    maxAssignmentsPerUser: optionalLimit('coupons per user'),
    allowMultipleRedemptions: z.boolean(),
    maxRedemptionsPerUser: optionalLimit('redemptions per user'),
    lockTtlSeconds: z
      .number({ error: 'Enter the lock time in whole seconds.' })
      .refine(Number.isInteger, 'Enter the lock time in whole seconds.')
      .min(1, 'Enter the lock time in whole seconds (at least 1).')
      .max(INPUT_LIMITS.lockTtlSeconds, 'A lock can last at most one day (86,400 seconds).'),
    currency: z
      .string()
      // ASCII letters only, as the API: "uſd" must not become USD.
      .transform((value) => upperCaseAscii(value.trim()))
      .pipe(z.string().refine(knownCurrency, 'Enter a currency code like EUR, USD or JPY.'))
      .nullable(),
    minOrderAmount: optionalAmount('25.00'),
    maxTotalRedemptions: optionalLimit('total redemptions'),
    maxTotalDiscountAmount: optionalAmount('500.00'),
    metadata: metadataSchema('Metadata', '{"channel": "web"}'),
  })
  .superRefine((book, ctx) => {
    if (book.discountType === 'PERCENTAGE' && book.discountValue > 100) {
      ctx.addIssue({ code: 'custom', path: ['discountValue'], message: 'A percentage cannot be more than 100.' });
    }
    const needs =
      book.discountType === 'FIXED_AMOUNT' ? 'A fixed amount' : book.minOrderAmount !== null ? 'A minimum order' : book.maxTotalDiscountAmount !== null ? 'A discount budget' : null;
    if (needs && book.currency === null) {
      ctx.addIssue({ code: 'custom', path: ['currency'], message: `${needs} needs a currency: a three-letter code like EUR.` });
    }
    const minor = book.currency ? minorUnits(book.currency) : null;
    if (minor !== null && book.currency) {
      const tooPrecise = (value: number | string | null) => value !== null && morePlacesThan(value, minor);
      const message = minor === 0 ? `${book.currency} amounts are whole numbers.` : `${book.currency} amounts have at most ${minor} decimal places.`;
      if (book.discountType === 'FIXED_AMOUNT' && tooPrecise(book.discountValue)) ctx.addIssue({ code: 'custom', path: ['discountValue'], message });
      if (tooPrecise(book.minOrderAmount)) ctx.addIssue({ code: 'custom', path: ['minOrderAmount'], message });
      if (tooPrecise(book.maxTotalDiscountAmount)) ctx.addIssue({ code: 'custom', path: ['maxTotalDiscountAmount'], message });
    }
    if (book.maxTotalDiscountAmount !== null && Number(book.maxTotalDiscountAmount) <= 0) {
      ctx.addIssue({ code: 'custom', path: ['maxTotalDiscountAmount'], message: 'A discount budget must be more than 0 (or empty for none).' });
    }
    if (book.validFrom && book.validUntil && Date.parse(book.validUntil) <= Date.parse(book.validFrom)) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'The end must be after the start.' });
    }
    // Checked even when a field above failed, as the API names a cross-field fault whatever else is wrong.
  }, { when: () => true });

export type BookInputRules = z.input<typeof bookInputSchema>;
/** A book's settings once the rules passed: what createBook receives (and updateBook, merged with the book). */
export type BookSettings = z.output<typeof bookInputSchema>;

/** A pool's name and description (createPool, updatePool). */
export const poolInputSchema = z.object({
  name: requiredText('the name', INPUT_LIMITS.poolName, { empty: 'Give the pool a name.' }),
  description: optionalText('the description', INPUT_LIMITS.poolDescription, { multiline: true }),
});

/**
 * Upper-cases the ASCII letters a-z and nothing else. Codes are A-Z, 0-9, "-" and "_": the full
 * Unicode mapping of `toUpperCase()` would turn "ſ" into S, "ß" into SS, "ﬁ" into FI and "ı" into
 * I, so a cell nobody could type at a till would become a different, valid code. With this, other
 * letters stay as they are and the code is refused for its characters. Every place that
 * normalises a code (uploads, generation, look-ups, the console) goes through it.
 */
export function upperCaseAscii(text: string): string {
  return text.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/** A coupon code as people type it: trimmed and upper-cased (ASCII letters only), 1..64 of A-Z, 0-9, "-" and "_". */
export const couponCodeSchema = z
  .string()
  .transform((value) => upperCaseAscii(value.trim()))
  .pipe(
    z
      .string()
      .min(1, 'Enter a code.')
      .max(INPUT_LIMITS.code, `A code has at most ${INPUT_LIMITS.code} characters.`)
      .regex(/^[A-Z0-9_-]+$/, 'A code has only letters, digits, "-" and "_".'),
  );

/** A reason an admin gives (void, unassign, reversal): required, at most 500 characters, several lines allowed. */
export const reasonSchema = requiredText('a reason', INPUT_LIMITS.reason, { multiline: true });

/** The first message per field of a failed parse: `{ name: 'Enter the name.' }` (a form's errors). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : 'form';
    errors[field] ??= issue.message;
  }
  return errors;
}
