import { describe, expect, it } from 'vitest';
import { signInPath } from './session-context';

describe('signInPath', () => {
  it('comes back after an expiry to the page as it was, its filters, page and search included', () => {
    const path = signInPath('expired', '/books/b-1?state=ASSIGNED&after=c-20');
    const params = new URL(path, 'http://console').searchParams;
    expect(path.startsWith('/sign-in?')).toBe(true);
    expect(params.get('reason')).toBe('expired');
    expect(params.get('next')).toBe('/books/b-1?state=ASSIGNED&after=c-20');
  });

  it('names no page after a sign-out, for the home page, or for the sign-in page itself', () => {
    expect(signInPath('signed-out', '/books?search=fig')).toBe('/sign-in?reason=signed-out');
    expect(signInPath('expired', '/')).toBe('/sign-in?reason=expired');
    expect(signInPath('expired', '/sign-in?reason=expired')).toBe('/sign-in?reason=expired');
    expect(signInPath(null, null)).toBe('/sign-in');
  });
});
