import { describe, expect, it } from 'vitest';
import { validateGenerateCodes } from './code.generate.input.ts';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
    return 'OK';
  } catch (error) {
    return (error as { details: { field: string } }).details.field;
  }
};

describe('validateGenerateCodes', () => {
  it('fills defaults', () => {
    expect(validateGenerateCodes({ count: 5 })).toEqual({
      count: 5,
      prefix: '',
      suffix: '',
      length: 10,
      charset: 'ABCDEFGHJKMNPQRSTUVWXYZ23456789',
      checkCharacter: false,
    });
  });

  it('refuses a pattern space under 10 × count, naming length and the length needed', () => {
    // 31^4 = 923,521 < 10 × 100,000
    expect(() => validateGenerateCodes({ count: 100_000, length: 4 })).toThrow(/length: .*at least 5/);
    expect(fieldOf(() => validateGenerateCodes({ count: 100_000, length: 4 }))).toBe('length');
    expect(fieldOf(() => validateGenerateCodes({ count: 92_352, length: 4 }))).toBe('OK');
    expect(fieldOf(() => validateGenerateCodes({ count: 11, length: 3, charset: 'AB' }))).toBe('length');
  });

  it.each([
    ['count', { count: 0 }],
    ['count', { count: 1.5 }],
    ['count', { count: 10_000_001 }],
    ['prefix', { count: 1, prefix: 'A B' }],
    ['suffix', { count: 1, suffix: 'x'.repeat(33) }],
    ['charset', { count: 1, charset: 'A' }],
    ['charset', { count: 1, charset: 'AAB' }],
    ['charset', { count: 1, charset: 'AB-' }],
    ['length', { count: 1, length: 0 }],
    ['length', { count: 1, length: 2 }],
    ['length', { count: 1, prefix: 'P'.repeat(30), length: 30, suffix: 'S'.repeat(10) }],
    ['prefix', { count: 1, prefix: 'O0', checkCharacter: true }],
  ])('rejects a bad %s', (field, input) => {
    expect(fieldOf(() => validateGenerateCodes(input))).toBe(field);
  });

  it('upper-cases prefix, suffix and charset', () => {
    expect(validateGenerateCodes({ count: 1, prefix: 'sum-', suffix: '-x', charset: 'abc' })).toMatchObject({
      prefix: 'SUM-',
      suffix: '-X',
      charset: 'ABC',
    });
  });

  it('upper-cases ASCII letters only in prefix, suffix and charset: "ſ", "ß" or "ı" are refused, not turned into S, SS or I', () => {
    expect(validateGenerateCodes({ count: 5, prefix: 'sale-', suffix: '_x', charset: 'abcdef' })).toMatchObject({ prefix: 'SALE-', suffix: '_X', charset: 'ABCDEF' });
    expect(fieldOf(() => validateGenerateCodes({ count: 5, prefix: 'ſale-' }))).toBe('prefix');
    expect(fieldOf(() => validateGenerateCodes({ count: 5, suffix: '-ß' }))).toBe('suffix');
    expect(fieldOf(() => validateGenerateCodes({ count: 5, charset: 'abcdeıf' }))).toBe('charset');
  });
});
