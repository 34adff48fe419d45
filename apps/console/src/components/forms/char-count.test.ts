import { describe, expect, it } from 'vitest';
import { charCount } from './char-count';

describe('charCount', () => {
  it('counts the characters typed against the limit', () => {
    expect(charCount('', 200)).toBe('0 of 200 characters');
    expect(charCount('Summer sale', 200)).toBe('11 of 200 characters');
    expect(charCount('x'.repeat(1500), 2000)).toBe('1,500 of 2,000 characters');
  });
});
