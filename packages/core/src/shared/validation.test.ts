import { describe, expect, it } from 'vitest';
import { requireText } from './validation.ts';

const name = (value: unknown) => requireText('name', value, { max: 20 });
const description = (value: unknown) => requireText('description', value, { max: 50, optional: true, multiline: true });

describe('requireText', () => {
  it('trims and accepts ordinary text in any script, emoji sequences included', () => {
    expect(name('  Summer sale  ')).toBe('Summer sale');
    expect(name('Été — 10 %')).toBe('Été — 10 %');
    expect(name('می‌خواهم')).toBe('می‌خواهم'); // Persian with a zero-width non-joiner
    expect(name('👨‍👩‍👧 family')).toBe('👨‍👩‍👧 family'); // joined by U+200D
  });

  it.each([
    ['a right-to-left override', 'ok\u202Eevil'],
    ['CR/LF', 'ok\r\n=cmd'],
    ['a NUL', 'a\u0000b'],
    ['an escape', 'a\u001b[31mred'],
    ['a left-to-right mark', 'a\u200Eb'],
    ['a bidi isolate', 'a\u2066b\u2069'],
    ['a zero-width no-break space inside', 'na\uFEFFme'],
    ['a soft hyphen', 'soft\u00ADhyphen'],
  ])('rejects %s in a name with BAD_USER_INPUT naming the field', (_what, value) => {
    expect(() => name(value)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'name' } }));
  });

  it('lets descriptions have line breaks and tabs, but not the other hidden characters', () => {
    expect(description('Line one\nLine two\r\n\tindented')).toBe('Line one\nLine two\r\n\tindented');
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
