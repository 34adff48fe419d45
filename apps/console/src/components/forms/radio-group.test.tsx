import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { RadioGroup } from './radio-group';

const OPTIONS = [
  { value: 'EQUAL', label: 'Equal', hint: 'the total split evenly' },
  { value: 'RANDOM', label: 'Random', hint: 'each to a member at random' },
] as const;

describe('RadioGroup', () => {
  it('labels each choice with what it means, checks the value, and reports a new choice', async () => {
    const onChange = vi.fn();
    render(<RadioGroup legend="Mode" name="mode" value="EQUAL" onChange={onChange} options={OPTIONS} />);
    expect(screen.getByRole('group', { name: 'Mode' })).toBeTruthy();
    const equal = screen.getByLabelText('Equal — the total split evenly') as HTMLInputElement;
    const random = screen.getByLabelText(/^Random/) as HTMLInputElement;
    expect([equal.checked, random.checked]).toEqual([true, false]);
    expect(random.name).toBe('mode');
    await userEvent.click(random);
    expect(onChange).toHaveBeenCalledWith('RANDOM');
  });
});
