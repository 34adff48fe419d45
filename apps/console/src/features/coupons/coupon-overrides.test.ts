import { describe, expect, it } from 'vitest';
import { overridesToInput } from './coupon-overrides-form';

const blank = { expiresAt: '', clearExpiry: false, maxRedemptions: '', clearMaxRedemptions: false, metadata: '' };

describe('overridesToInput', () => {
  it('sends only what was given; a clear box sends null', () => {
    expect(overridesToInput({ ...blank, maxRedemptions: '3' }).input).toEqual({ maxRedemptions: 3 });
    expect(overridesToInput({ ...blank, clearExpiry: true, metadata: '{"ticket":"SUP-1"}' }).input).toEqual({ expiresAt: null, metadata: { ticket: 'SUP-1' } });
    expect(overridesToInput({ ...blank, expiresAt: '2026-05-01T10:00' }).input?.expiresAt).toMatch(/^2026-05-01T\d\d:00:00\.000Z$/);
  });

  it('says in words what is wrong, and that nothing was changed', () => {
    expect(overridesToInput({ ...blank, maxRedemptions: '0' }).errors.maxRedemptions).toBe('Enter a whole number of at least 1.');
    expect(overridesToInput({ ...blank, metadata: '[1]' }).errors.metadata).toMatch(/JSON object/);
    expect(overridesToInput({ ...blank, metadata: '{' }).errors.metadata).toBe('This is not valid JSON.');
    expect(overridesToInput(blank)).toEqual({ input: null, errors: { form: 'Change at least one override.' } });
  });

  it('holds the API’s limits before the round trip (shared rules)', () => {
    expect(overridesToInput({ ...blank, maxRedemptions: '1.5' }).errors.maxRedemptions).toBe('Enter a whole number of at least 1.');
    expect(overridesToInput({ ...blank, maxRedemptions: '2147483648' }).errors.maxRedemptions).toBe('That is more uses than a code can count.');
    expect(overridesToInput({ ...blank, metadata: JSON.stringify({ blob: 'x'.repeat(17_000) }) }).errors.metadata).toBe('Notes must be at most 16 KB of JSON.');
  });
});
