import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.ts';
import { normalizeEmail, parseEmail } from './email.ts';

describe('emails', () => {
  it('are trimmed and lower-cased', () => {
    expect(normalizeEmail('  Alice@Example.COM ')).toBe('alice@example.com');
    expect(parseEmail('Bob.Smith+tag@Mail.Example.org')).toBe('bob.smith+tag@mail.example.org');
  });

  it.each(['', 'plain', 'a@b', '@b.co', 'a@@b.co', 'a b@c.co', 'a@b .co', `${'x'.repeat(250)}@b.co`, 'a\u0000@b.co'])(
    'rejects %j as BAD_USER_INPUT on the field',
    (input) => {
      expect(() => parseEmail(input, 'email')).toThrow(DomainError);
      try {
        parseEmail(input, 'email');
      } catch (error) {
        expect((error as DomainError).code).toBe('BAD_USER_INPUT');
        expect((error as DomainError).message).toMatch(/^email: /);
      }
    },
  );
});
