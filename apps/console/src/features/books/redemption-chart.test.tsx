import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockedApi } from '../../../test/mocked-api';
import { RedemptionChart } from './redemption-chart';
import { bucketLabel, bucketStartMs, rangeFrom } from './redemption-chart-range';
import { BookRedemptionsOverTimeQuery } from './use-redemptions-over-time';

const BOOK = 'book-1';
// Wednesday 2026-03-04 14:25 UTC.
const NOW = Date.parse('2026-03-04T14:25:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A bucket's [redemptions, reversals, claims]. */
type Counts = [number, number, number?];
const bucket = (at: number, redemptions = 0, reversals = 0, claims = 0) => ({ at: new Date(at).toISOString(), redemptions, reversals, claims });
const hours = (counts: Record<number, Counts> = {}) => Array.from({ length: 24 }, (_, i) => bucket(NOW - (NOW % HOUR) - (23 - i) * HOUR, ...(counts[i] ?? [0, 0])));
const answer = (from: string, bucketName: string, buckets: ReturnType<typeof bucket>[]) => ({
  request: { query: BookRedemptionsOverTimeQuery, variables: { id: BOOK, from, bucket: bucketName } },
  result: {
    data: {
      book: {
        __typename: 'Book' as const,
        updatedAt: '2026-12-07T10:00:00.000Z',
        id: BOOK,
        redemptionsOverTime: buckets.map(({ at, redemptions, reversals }) => ({ __typename: 'RedemptionBucket' as const, at, redemptions, reversals })),
        claimsOverTime: buckets.map(({ at, claims }) => ({ __typename: 'ClaimBucket' as const, at, claims })),
      },
    },
  },
});

function renderChart(mocks: ReturnType<typeof answer>[]) {
  return render(<RedemptionChart bookId={BOOK} live={false} now={() => NOW} />, { wrapper: mockedApi(mocks).wrapper });
}

describe('the chart’s periods', () => {
  it('end with the current bucket, on the API’s UTC boundaries (weeks from Monday)', () => {
    expect(rangeFrom('DAY', NOW)).toBe('2026-03-03T15:00:00.000Z');
    expect(rangeFrom('MONTH', NOW)).toBe('2026-02-03T00:00:00.000Z');
    // The week of Wednesday 4 March starts on Monday 2 March; 25 weeks before it.
    expect(new Date(bucketStartMs(NOW, 'WEEK')).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(rangeFrom('HALF_YEAR', NOW)).toBe(new Date(Date.parse('2026-03-02T00:00:00.000Z') - 25 * 7 * DAY).toISOString());
  });

  it('date days and weeks in UTC, so no time zone moves them to the day before', () => {
    expect(bucketLabel('2026-03-02T00:00:00.000Z', 'WEEK', 'long')).toMatch(/^Week of .*Mar.* 2.*2026 \(UTC\)$/);
    expect(bucketLabel('2026-03-02T00:00:00.000Z', 'DAY', 'tick')).toMatch(/Mar.* 2/);
  });
});

describe('RedemptionChart', () => {
  it('shows an empty state, not a flat chart, for a book without claims or redemptions', async () => {
    renderChart([answer(rangeFrom('DAY', NOW), 'HOUR', hours())]);
    expect(await screen.findByText('No claims or redemptions in the last 24 hours')).toBeTruthy();
    expect(screen.queryByTestId('redemption-chart-plot')).toBeNull();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('says in words what it draws and lists every bucket in a table (the drawing is hidden from screen readers)', async () => {
    const user = userEvent.setup();
    renderChart([answer(rangeFrom('DAY', NOW), 'HOUR', hours({ 2: [0, 0, 2], 20: [1, 0, 1], 23: [4, 1, 3] }))]);
    const summary = await screen.findByTestId('redemption-chart-summary');
    expect(summary.textContent).toMatch(/^6 claims and 5 redemptions \(1 reversed since\) in the last 24 hours\. Busiest hour: .+, with 3 claims and 4 redemptions\.$/);
    expect(screen.getByRole('figure', { name: /^6 claims and 5 redemptions/ })).toBeTruthy();
    expect(screen.getByTestId('redemption-chart-plot').getAttribute('aria-hidden')).toBe('true');

    await user.click(screen.getByText('Show the numbers'));
    const table = screen.getByRole('table', { name: 'Claims and redemptions per hour in the last 24 hours' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(24);
    const last = rows.at(-1) as HTMLElement;
    expect(within(last).getAllByRole('cell').map((c) => c.textContent)).toEqual(['3', '4', '1']);
    expect(within(last).getByRole('rowheader').textContent).toBe(bucketLabel(new Date(NOW - (NOW % HOUR)).toISOString(), 'HOUR', 'long'));
  });

  it('asks for days when the period changes to the last 30 days', async () => {
    const user = userEvent.setup();
    const days = Array.from({ length: 30 }, (_, i) => bucket(NOW - (NOW % DAY) - (29 - i) * DAY, i === 3 ? 2 : 0));
    renderChart([answer(rangeFrom('DAY', NOW), 'HOUR', hours()), answer(rangeFrom('MONTH', NOW), 'DAY', days)]);
    await screen.findByText('No claims or redemptions in the last 24 hours');
    await user.selectOptions(screen.getByLabelText('Period'), 'Last 30 days');
    const summary = await screen.findByTestId('redemption-chart-summary');
    expect(summary.textContent).toMatch(/^0 claims and 2 redemptions in the last 30 days\. Busiest day: .*\(UTC\), with 0 claims and 2 redemptions\.$/);
  });
});
