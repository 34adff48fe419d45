import { describe, expect, it } from 'vitest';
import { parseEmails } from './pool-members';

describe('parseEmails', () => {
  it('splits on new lines, commas and semicolons, trims, lowercases and drops repeats', () => {
    expect(parseEmails('Ana@Example.com, ben@example.com;\r\ncy@example.com\n\nana@example.com;')).toEqual([
      'ana@example.com',
      'ben@example.com',
      'cy@example.com',
    ]);
  });

  it('keeps a phrase with spaces as one entry, so "not an email" is one invalid entry', () => {
    expect(parseEmails('not an email\nana@example.com')).toEqual(['not an email', 'ana@example.com']);
  });

  it('returns nothing for blank input', () => {
    expect(parseEmails(' ,;\n ')).toEqual([]);
  });
});
