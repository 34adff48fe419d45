import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { StateBadge } from './state-badge';

describe('StateBadge', () => {
  it('says the state in words (the colour only repeats it)', () => {
    render(<StateBadge state="LOCKED" />);
    const badge = screen.getByText('Locked');
    expect(badge.getAttribute('data-state')).toBe('LOCKED');
  });

  it('shows an unknown state as the API sent it', () => {
    render(<StateBadge state="ARCHIVED" />);
    expect(screen.getByText('ARCHIVED')).toBeTruthy();
  });
});
