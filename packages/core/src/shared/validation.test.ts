import { describe, expect, it } from 'vitest';
import { DATE_TIME_MAX, DATE_TIME_MIN, requireDateTime, requireText } from './validation.ts';

const name = (value: unknown) => requireText('name', value, { max: 20 });
const description = (value: unknown) => requireText('description', value, { max: 50, optional: true, multiline: true });

describe('requireText', () => {
  it('trims and accepts ordinary text in any script, emoji sequences included', () => {
    expect(name('  Summer sale  ')).toBe('Summer sale');
    expect(name('Été — 10 %')).toBe('Été — 10 %');
    expect(name('می‌خواهم')).toBe('می‌خواهم'); // Persian with a zero-width non-joiner
    expect(name('👨‍👩‍👧 family')).toBe('👨‍👩‍👧 family'); // joined by U+200D
    expect(name('❤\uFE0F sale')).toBe('❤\uFE0F sale'); // a variation selector on a visible character
    expect(name('🎟️')).toBe('🎟️'); // a surrogate pair is one character
  });

  it.each([
    ['a right-to-left override', 'ok\u202Eevil'],
    ['CR/LF', 'ok\r\n=cmd'],
    ['a line separator (U+2028)', 'two\u2028lines'],
    ['a paragraph separator (U+2029)', 'two\u2029paragraphs'],
    ['a NUL', 'a\u0000b'],
    ['an escape', 'a\u001b[31mred'],
    ['a left-to-right mark', 'a\u200Eb'],
    ['a bidi isolate', 'a\u2066b\u2069'],
    ['a zero-width no-break space inside', 'na\uFEFFme'],
    ['a soft hyphen', 'soft\u00ADhyphen'],
    ['a lone high surrogate', 'a\uD800b'],
    ['a lone low surrogate', 'a\uDFFF'],
    ['only a Hangul filler', '\u3164'],
    ['only a combining grapheme joiner', ' \u034F '],
    ['only a variation selector', '\uFE0F'],
  ])('rejects %s in a name with BAD_USER_INPUT naming the field', (_what, value) => {
    expect(() => name(value)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'name' } }));
  });

  it('lets descriptions have line breaks and tabs, but not the other hidden characters', () => {
    expect(description('Line one\nLine two\r\n\tindented')).toBe('Line one\nLine two\r\n\tindented');
    expect(description('Line one\u2028Line two')).toBe('Line one\u2028Line two');
    expect(() => description('fine\u202E')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => description('bell\u0007')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('checks length and emptiness', () => {
    expect(() => name('   ')).toThrow(expect.objectContaining({ message: 'name: must be 1 to 20 characters' }));
    expect(() => name('x'.repeat(21))).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => name(42)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(description(null)).toBeNull();
    expect(description('   ')).toBeNull();
    expect(() => description('y'.repeat(51))).toThrow(expect.objectContaining({ message: 'description: must be at most 50 characters' }));
  });
});

describe('requireDateTime', () => {
  const refusal = (value: unknown) => {
    try {
      requireDateTime('expiresAt', value);
      return 'accepted';
    } catch (error) {
      return error;
    }
  };

  it('accepts every instant from 0001-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z, both ends included', () => {
    for (const text of ['0001-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z', '2026-06-01T00:00:00+14:00', '9999-12-31T23:59:59.999Z']) {
      const value = new Date(text);
      expect(requireDateTime('expiresAt', value)).toBe(value);
    }
    expect(DATE_TIME_MIN.toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(DATE_TIME_MAX.toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });

  it('refuses year 0000, negative and five-digit years, one millisecond past either end, and no date at all: BAD_USER_INPUT naming the field', () => {
    const outside = [
      new Date('0000-01-01T00:00:00Z'),
      new Date('0000-12-31T23:59:59.999Z'),
      new Date(DATE_TIME_MIN.getTime() - 1),
      new Date('-000001-01-01T00:00:00Z'),
      new Date(DATE_TIME_MAX.getTime() + 1),
      new Date('+010000-01-01T00:00:00Z'),
      new Date(8.64e15),
      new Date(Number.NaN),
      '2026-06-01T00:00:00Z',
      1_700_000_000_000,
      null,
    ];
    for (const value of outside) {
      expect(refusal(value), String(value)).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'expiresAt' } });
    }
  });
});
