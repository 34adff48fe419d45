import { describe, expect, it } from 'vitest';
import { bookStatusView } from './book-status';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const open = { validFrom: null, validUntil: null };

describe('bookStatusView', () => {
  it('reads the status an admin set first, then the validity window', () => {
    expect(bookStatusView({ status: 'ACTIVE', ...open }, NOW).label).toBe('Active');
    expect(bookStatusView({ status: 'PAUSED', ...open }, NOW)).toMatchObject({ label: 'Paused', tone: 'warning' });
    expect(bookStatusView({ status: 'ARCHIVED', validFrom: null, validUntil: '2020-01-01T00:00:00.000Z' }, NOW).label).toBe('Archived');
    expect(bookStatusView({ status: 'ACTIVE', validFrom: '2026-07-01T00:00:00.000Z', validUntil: null }, NOW).label).toBe('Scheduled');
    expect(bookStatusView({ status: 'ACTIVE', validFrom: null, validUntil: '2026-06-01T12:00:00.000Z' }, NOW).label).toBe('Expired');
    expect(bookStatusView({ status: 'ACTIVE', validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2026-05-31T23:59:59.000Z' }, NOW)).toMatchObject({
      label: 'Expired',
      tone: 'muted',
    });
    expect(bookStatusView({ status: 'ACTIVE', validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2026-06-01T12:00:01.000Z' }, NOW).label).toBe('Active');
    expect(bookStatusView({ status: 'PAUSED', validFrom: '2026-07-01T00:00:00.000Z', validUntil: null }, NOW).label).toBe('Paused');
  });

  it('never reads Ended: a book past its window is Expired', () => {
    const view = bookStatusView({ status: 'ACTIVE', validFrom: null, validUntil: '2020-01-01T00:00:00.000Z' }, NOW);
    expect(view.label).toBe('Expired');
    expect(view.description).not.toMatch(/ended/i);
  });
});
