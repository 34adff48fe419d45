import { describe, expect, it } from 'vitest';
import { charCount, isOverLimit } from './char-count';

describe('charCount', () => {
  it('counts the characters typed against the limit', () => {
    expect(charCount('', 200)).toBe('0 of 200 characters');
    expect(charCount('Summer sale', 200)).toBe('11 of 200 characters');
    expect(charCount('x'.repeat(1500), 2000)).toBe('1,500 of 2,000 characters');
  });

  it('says how many too many past the limit (a paste is kept whole, not cut)', () => {
    expect(charCount('x'.repeat(240), 200)).toBe('240 of 200 characters: 40 too many');
    expect(isOverLimit('x'.repeat(201), 200)).toBe(true);
    expect(isOverLimit(` ${'x'.repeat(200)} `, 200)).toBe(false);
  });
});
