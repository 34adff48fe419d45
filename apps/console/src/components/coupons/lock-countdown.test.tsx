import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { noteServerTime } from '@/lib/clock/server-clock';
import { LockCountdown } from './lock-countdown';

const START = Date.parse('2030-01-01T12:00:00.000Z');

describe('LockCountdown', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(START);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts down on the server’s clock, with a spoken label', () => {
    render(<LockCountdown lockExpiresAt={new Date(START + 125_000).toISOString()} />);
    const timer = screen.getByRole('timer');
    expect(timer.textContent).toBe('2:05');
    expect(timer.getAttribute('aria-label')).toBe('Lock expires in 2 minutes 5 seconds');
    expect(timer.getAttribute('data-remaining-seconds')).toBe('125');

    act(() => vi.advanceTimersByTime(5_000));
    expect(screen.getByRole('timer').textContent).toBe('2:00');
  });

  it('follows the server’s clock, not the browser’s', () => {
    // The server is 30 s ahead of this browser.
    noteServerTime(new Date(START + 30_000).toISOString());
    render(<LockCountdown lockExpiresAt={new Date(START + 60_000).toISOString()} />);
    act(() => vi.advanceTimersByTime(250));
    expect(screen.getByRole('timer').getAttribute('data-remaining-seconds')).toBe('30');
  });

  it('says "expiring" at zero rather than pretending the lock is gone', () => {
    render(<LockCountdown lockExpiresAt={new Date(START - 1_000).toISOString()} />);
    expect(screen.getByRole('timer').textContent).toBe('Lock expiring…');
  });
});
