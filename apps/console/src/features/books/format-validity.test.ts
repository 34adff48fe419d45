import { describe, expect, it } from 'vitest';
import { formatDateTime } from '@/lib/format/format';
import { formatValidity } from './book-table';

describe('formatValidity', () => {
  const until = '2027-06-30T12:00:00.000Z';
  const from = '2027-01-01T12:00:00.000Z';
  it('reads an open start as "Until …" and an open end as "From …"', () => {
    expect(formatValidity({ validFrom: null, validUntil: until })).toBe(`Until ${formatDateTime(until)}`);
    expect(formatValidity({ validFrom: from, validUntil: null })).toBe(`From ${formatDateTime(from)}`);
    expect(formatValidity({ validFrom: null, validUntil: null })).toBe('Always');
    expect(formatValidity({ validFrom: from, validUntil: until })).not.toContain('—');
  });
});
