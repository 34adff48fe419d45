import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { reportHttpFailure, reportHttpSuccess, resetConnectionState, setLiveStatus } from '@/lib/apollo/live-status';
import { formatClock, LiveIndicator } from './live-indicator';

// The connection badge: green "Live" only while the socket is live and HTTP calls succeed; a
// dropped socket says since when (and keeps that time through the reconnection attempts); failing
// HTTP calls turn it from green even while events flow.

const T0 = Date.UTC(2026, 11, 4, 14, 3, 12);
afterEach(() => resetConnectionState());

const badge = () => screen.getByTestId('connection-badge');

describe('LiveIndicator', () => {
  it('goes from connecting to live, then offline since the drop, through retries, until live again', () => {
    render(<LiveIndicator />);
    expect(badge().textContent).toBe('Connecting…');
    act(() => setLiveStatus('connecting'));
    act(() => setLiveStatus('live'));
    expect(badge().dataset.status).toBe('live');
    expect(badge().textContent).toBe('Live');

    act(() => setLiveStatus('offline', T0));
    expect(badge().dataset.status).toBe('offline');
    expect(badge().textContent).toBe(`Offline since ${formatClock(T0)} — reconnecting`);
    expect(formatClock(T0)).toMatch(/^\d\d:\d\d:\d\d$/);
    // A retry's connecting and its failure keep the first time.
    act(() => setLiveStatus('connecting', T0 + 5_000));
    act(() => setLiveStatus('offline', T0 + 9_000));
    expect(badge().textContent).toBe(`Offline since ${formatClock(T0)} — reconnecting`);

    act(() => setLiveStatus('live'));
    expect(badge().textContent).toBe('Live');
  });

  it('is not green while HTTP calls fail, even with the socket live, and is again after one succeeds', () => {
    render(<LiveIndicator />);
    act(() => setLiveStatus('live'));
    act(() => reportHttpFailure(T0));
    expect(badge().dataset.status).toBe('failing');
    expect(badge().textContent).toBe(`Server not answering since ${formatClock(T0)}`);
    act(() => reportHttpFailure(T0 + 3_000));
    expect(badge().textContent).toContain(formatClock(T0));
    // A dropped socket says more: it shows first.
    act(() => setLiveStatus('offline', T0 + 4_000));
    expect(badge().dataset.status).toBe('offline');
    act(() => setLiveStatus('live'));
    expect(badge().dataset.status).toBe('failing');
    act(() => reportHttpSuccess());
    expect(badge().dataset.status).toBe('live');
  });
});
