import { describe, expect, it } from 'vitest';
import { compactJson, humanize, targetHref } from './audit-format';

describe('audit formatting', () => {
  it('names actions and targets in words', () => {
    expect(humanize('BOOK_PAUSED')).toBe('Book paused');
    expect(humanize('API_KEY_REVOKED')).toBe('API key revoked');
    expect(humanize('USER')).toBe('User');
  });

  it('links targets that have a page', () => {
    expect(targetHref('BOOK', 'b-1')).toBe('/books/b-1');
    expect(targetHref('COUPON', 'SPRING-1')).toBe('/coupons/SPRING-1');
    expect(targetHref('USER', 'u-1')).toBeNull();
  });

  it('writes changes compactly, cut when long', () => {
    expect(compactJson({ reason: 'leaked', from: 'ASSIGNED' })).toBe('{"reason":"leaked","from":"ASSIGNED"}');
    expect(compactJson({})).toBe('');
    expect(compactJson({ note: 'x'.repeat(200) }, 20)).toHaveLength(20);
  });
});
