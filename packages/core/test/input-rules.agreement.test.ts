import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bookInputSchema, couponCodeSchema, fieldErrors, INPUT_LIMITS, poolInputSchema, reasonSchema } from '@coupons/rules';
import { DESCRIPTION_MAX, NAME_MAX, validateCreateBook } from '../src/books/book.input.ts';
import { POOL_DESCRIPTION_MAX, POOL_NAME_MAX } from '../src/pools/pool.service.ts';
import { DomainError } from '../src/shared/errors.ts';
import { normaliseCode, requireText } from '../src/shared/validation.ts';

// The console checks people's input with @coupons/rules before the round trip; the services
// check it again with their own code. These tests run both on the same inputs: they must accept
// the same inputs, and when both refuse, the field the API names must be one the schema names.

type BookCandidate = Record<string, unknown>;

const VALID: BookCandidate = {
  name: 'Summer sale',
  description: null,
  discountType: 'PERCENTAGE',
  discountValue: 10,
  validFrom: null,
  validUntil: null,
  maxAssignmentsPerUser: 1,
  allowMultipleRedemptions: false,
  maxRedemptionsPerUser: null,
  lockTtlSeconds: 300,
  currency: null,
  minOrderAmount: null,
  maxTotalRedemptions: null,
  maxTotalDiscountAmount: null,
  metadata: {},
};

/** What the server answers: null when it accepts, else the field its BAD_USER_INPUT names. */
function serverField(candidate: BookCandidate): string | null {
  const input = {
    ...candidate,
    validFrom: candidate.validFrom ? new Date(candidate.validFrom as string) : null,
    validUntil: candidate.validUntil ? new Date(candidate.validUntil as string) : null,
  };
  try {
    validateCreateBook(input as never);
    return null;
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'BAD_USER_INPUT') throw error;
    return String(error.details.field);
  }
}

function schemaFields(candidate: BookCandidate): string[] {
  const parsed = bookInputSchema.safeParse(candidate);
  return parsed.success ? [] : Object.keys(fieldErrors(parsed.error));
}

function expectAgreement(candidate: BookCandidate): void {
  const server = serverField(candidate);
  const schema = schemaFields(candidate);
  const label = JSON.stringify(candidate);
  if (server === null) expect(schema, `server accepts ${label}`).toEqual([]);
  else expect(schema, `server refuses ${server} of ${label}`).toContain(server);
}

describe('bookInputSchema agrees with the API', () => {
  const cases: Array<[string, BookCandidate]> = [
    ['a valid book', {}],
    ['an empty name', { name: '   ' }],
    ['a name at the limit', { name: 'n'.repeat(NAME_MAX) }],
    ['a name over the limit', { name: 'n'.repeat(NAME_MAX + 1) }],
    ['a name with a line break', { name: 'two\nlines' }],
    ['a name with a right-to-left override', { name: 'abc\u202edef' }],
    ['a name with a line separator (U+2028)', { name: 'two\u2028lines' }],
    ['a description with a paragraph separator (U+2029)', { description: 'one\u2029two' }],
    ['a name with an emoji joiner', { name: 'family 👨\u200d👩\u200d👧' }],
    ['a description at the limit', { description: 'd'.repeat(DESCRIPTION_MAX) }],
    ['a description over the limit', { description: 'd'.repeat(DESCRIPTION_MAX + 1) }],
    ['a description with line breaks', { description: 'one\ntwo\tthree' }],
    ['a zero discount', { discountValue: 0 }],
    ['a percentage over 100', { discountValue: 100.5 }],
    ['three decimals', { discountValue: 1.005 }],
    ['a fixed amount without currency', { discountType: 'FIXED_AMOUNT', discountValue: 5 }],
    ['a fixed amount in EUR', { discountType: 'FIXED_AMOUNT', discountValue: 5.5, currency: 'eur' }],
    ['a fixed amount of half a yen', { discountType: 'FIXED_AMOUNT', discountValue: 2.5, currency: 'JPY' }],
    ['an unknown currency', { discountType: 'FIXED_AMOUNT', discountValue: 5, currency: 'XXQ' }],
    ['a huge fixed amount', { discountType: 'FIXED_AMOUNT', discountValue: 1e11, currency: 'USD' }],
    ['a minimum order without currency', { minOrderAmount: '25.00' }],
    ['a minimum order', { minOrderAmount: '25.00', currency: 'USD' }],
    ['a minimum order with an exponent', { minOrderAmount: '1e3', currency: 'USD' }],
    ['a minimum order of 0.5 yen', { minOrderAmount: '0.5', currency: 'JPY' }],
    ['a zero budget', { maxTotalDiscountAmount: '0', currency: 'USD' }],
    ['a budget', { maxTotalDiscountAmount: '500.00', currency: 'USD' }],
    ['a window the wrong way round', { validFrom: '2027-01-02T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' }],
    ['an empty window', { validFrom: '2027-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' }],
    ['a window', { validFrom: '2027-01-01T00:00:00Z', validUntil: '2027-02-01T00:00:00Z' }],
    ['zero coupons per user', { maxAssignmentsPerUser: 0 }],
    ['1.5 coupons per user', { maxAssignmentsPerUser: 1.5 }],
    ['coupons per user past int4', { maxAssignmentsPerUser: INPUT_LIMITS.int4 + 1 }],
    ['a lock of 0 s', { lockTtlSeconds: 0 }],
    ['a lock of a day', { lockTtlSeconds: 86_400 }],
    ['a lock over a day', { lockTtlSeconds: 86_401 }],
    ['metadata that is an array', { metadata: [1, 2] }],
    ['metadata over 16 KB', { metadata: { blob: 'x'.repeat(17_000) } }],
    ['metadata with a "__proto__" key', { metadata: JSON.parse('{"__proto__": {"admin": true}, "keep": 1}') }],
    ['metadata with a "__proto__" key inside', { metadata: JSON.parse('{"note": {"__proto__": {"admin": true}}}') }],
    ['metadata with a number past a double (1e400)', { metadata: JSON.parse('{"note": [1, 1e400]}') }],
    ['metadata with a lone surrogate', { metadata: JSON.parse('{"note": ["a\\ud800"]}') }],
    ['metadata with a NUL in a key', { metadata: JSON.parse('{"a\\u0000": 1}') }],
  ];
  for (const [name, change] of cases) {
    it(name, () => expectAgreement({ ...VALID, ...change }));
  }

  it('a currency with a non-ASCII letter that upper-cases to ASCII ("uſd", long s) is refused by both, never read as USD', () => {
    const candidate = { ...VALID, discountType: 'FIXED_AMOUNT', discountValue: 5, currency: 'u\u017fd' };
    expect(serverField(candidate)).toBe('currency');
    expect(schemaFields(candidate)).toContain('currency');
    expect(serverField({ ...candidate, currency: ' usd ' })).toBeNull();
  });

  it('on random books (fresh seed, printed)', () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : (Date.now() ^ (Math.random() * 0x100000000)) | 0;
    console.info(`[fast-check] bookInputSchema vs validateCreateBook: seed=${seed} (replay with FC_SEED=${seed})`);
    const text = (max: number) => fc.oneof(fc.string({ maxLength: max + 5 }), fc.constant(' '), fc.constant('a\nb'), fc.constant('x'.repeat(max + 1)));
    const limit = fc.oneof(fc.constant(null), fc.integer({ min: -2, max: 5 }), fc.constant(2.5), fc.constant(INPUT_LIMITS.int4 + 1));
    const amount = fc.oneof(fc.constant(null), fc.constantFrom('0', '0.5', '25', '25.00', '1.2345', '1.23456', '-1', '1e3', '007', ''));
    const book = fc.record({
      name: text(NAME_MAX),
      description: fc.oneof(fc.constant(null), text(DESCRIPTION_MAX)),
      discountType: fc.constantFrom('PERCENTAGE', 'FIXED_AMOUNT'),
      discountValue: fc.oneof(fc.constantFrom(0, 0.01, 1, 2.5, 10, 99.99, 100, 100.01, 1.005, -3, 1e10, 5e9), fc.double({ min: -10, max: 200, noNaN: true })),
      validFrom: fc.constantFrom(null, '2027-01-01T00:00:00Z', '2027-06-01T00:00:00Z'),
      validUntil: fc.constantFrom(null, '2027-01-01T00:00:00Z', '2027-03-01T00:00:00Z'),
      maxAssignmentsPerUser: limit,
      allowMultipleRedemptions: fc.boolean(),
      maxRedemptionsPerUser: limit,
      lockTtlSeconds: fc.constantFrom(0, 1, 300, 86_400, 86_401, 1.5),
      currency: fc.constantFrom(null, 'EUR', 'usd', 'JPY', 'KWD', 'XQZ', '', 'EURO'),
      minOrderAmount: amount,
      maxTotalRedemptions: limit,
      maxTotalDiscountAmount: amount,
      metadata: fc.constantFrom({}, { channel: 'web' }),
    });
    fc.assert(
      fc.property(book, (candidate) => {
        expectAgreement(candidate);
      }),
      { seed, numRuns: 500 },
    );
  });
});

describe('the other shared rules agree with the API', () => {
  const agree = (schema: { safeParse(v: unknown): { success: boolean } }, server: (v: string) => unknown, values: string[]) => {
    for (const value of values) {
      let accepted = true;
      try {
        server(value);
      } catch {
        accepted = false;
      }
      expect(schema.safeParse(value).success, JSON.stringify(value)).toBe(accepted);
    }
  };

  it('pool names and descriptions', () => {
    expect(INPUT_LIMITS.poolName).toBe(POOL_NAME_MAX);
    expect(INPUT_LIMITS.poolDescription).toBe(POOL_DESCRIPTION_MAX);
    expect(poolInputSchema.safeParse({ name: 'VIP', description: '' }).data).toEqual({ name: 'VIP', description: null });
    const name = poolInputSchema.shape.name;
    agree(name, (v) => requireText('name', v, { max: POOL_NAME_MAX }), ['VIP', ' ', 'x'.repeat(200), 'x'.repeat(201), 'a\tb', 'ok\u200d']);
  });

  it('coupon codes', () => {
    agree(couponCodeSchema, (v) => normaliseCode('code', v), ['summer-1', ' SUMMER_2 ', '', 'x'.repeat(64), 'x'.repeat(65), 'has space', 'é', 'ſale1', 'straße1', 'ıx12']);
  });

  it('reasons', () => {
    agree(reasonSchema, (v) => requireText('reason', v, { max: INPUT_LIMITS.reason, multiline: true }), ['leaked', '', '  ', 'r'.repeat(500), 'r'.repeat(501), 'two\nlines']);
  });

  it('the book limits are the API’s', () => {
    expect(INPUT_LIMITS.bookName).toBe(NAME_MAX);
    expect(INPUT_LIMITS.bookDescription).toBe(DESCRIPTION_MAX);
  });
});
