import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.ts';
import { normalizeEmail, parseEmail } from './email.ts';

describe('emails', () => {
  it('are trimmed and lower-cased', () => {
    expect(normalizeEmail('  Alice@Example.COM ')).toBe('alice@example.com');
    expect(parseEmail('Bob.Smith+tag@Mail.Example.org')).toBe('bob.smith+tag@mail.example.org');
  });

  it('have one spelling per address: Unicode NFC, and the domain as UTS #46 maps it', () => {
    expect(normalizeEmail('Jose\u0301@Example.com')).toBe('jos\u00e9@example.com'); // decomposed é
    expect(parseEmail('jos\u00e9@example.com')).toBe('jos\u00e9@example.com');
    expect(parseEmail('alice@xn--bcher-kva.de')).toBe('alice@b\u00fccher.de');
    expect(parseEmail('alice@B\u00dcCHER.de')).toBe('alice@b\u00fccher.de');
    expect(parseEmail('alice@\uff45xample\u3002com')).toBe('alice@example.com'); // full-width letter, ideographic full stop
  });

  it.each([
    '', 'plain', 'a@b', '@b.co', 'a@@b.co', 'a b@c.co', 'a@b .co', `${'x'.repeat(250)}@b.co`, 'a\u0000@b.co',
    'alice\u200b@example.com', 'alice\u00ad@example.com', 'alice\u202e@example.com', 'alice\u200d@example.com', // look-alikes of alice@
    'alice@example.com.', 'alice@example..com', 'alice@.example.com', 'alice@xn--zz.com', 'alice@b|c.com',
    '\ud800@example.com', 'alice\uff20example.com',
  ])(
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
