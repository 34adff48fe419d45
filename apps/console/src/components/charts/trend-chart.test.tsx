import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TrendChart } from './trend-chart';

describe('TrendChart', () => {
  it('says in words that it waits for readings instead of drawing a lone dot', () => {
    const { rerender } = render(<TrendChart label="Codes left" points={[]} />);
    expect(screen.getByText('Waiting for the first reading…')).toBeTruthy();
    expect(screen.queryByTestId('trend-chart-plot')).toBeNull();
    rerender(<TrendChart label="Codes left" points={[{ at: 1_000, value: 40 }]} />);
    expect(screen.getByRole('figure').textContent).toContain('40 now');
    expect(screen.queryByTestId('trend-chart-plot')).toBeNull();
  });

  it('draws from the second reading on, with the latest and highest values in its caption', () => {
    render(
      <TrendChart
        label="Redemptions per minute"
        points={[
          { at: 1_000, value: 3 },
          { at: 3_000, value: 7 },
          { at: 5_000, value: 5 },
        ]}
      />,
    );
    expect(document.querySelector('figcaption')?.textContent).toBe('Redemptions per minute5 now, highest 7');
    expect(screen.getByTestId('trend-chart-plot').getAttribute('aria-hidden')).toBe('true');
  });
});
