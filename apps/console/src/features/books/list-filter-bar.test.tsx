import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { COUPON_FILTERS } from './coupon-table';
import { ListFilterBar } from './list-filter-bar';

const none = { state: '', email: '', codePrefix: '', assignedAfter: '', assignedBefore: '' };

function renderBar(values = none, error?: unknown) {
  const onApply = vi.fn();
  const onClear = vi.fn();
  const view = render(<ListFilterBar label="Filter coupons" fields={COUPON_FILTERS} values={values} onApply={onApply} onClear={onClear} error={error} />);
  return { onApply, onClear, view };
}

describe('ListFilterBar', () => {
  it('applies a state at once, and typed filters with Enter', async () => {
    const user = userEvent.setup();
    const { onApply } = renderBar();
    await user.selectOptions(screen.getByLabelText('State'), 'Locked');
    expect(onApply).toHaveBeenLastCalledWith({ ...none, state: 'LOCKED' });
    await user.type(screen.getByLabelText('Code starts with'), 'spr-{Enter}');
    expect(onApply).toHaveBeenLastCalledWith({ ...none, state: 'LOCKED', codePrefix: 'spr-' });
    expect(onApply).toHaveBeenCalledTimes(2);
  });

  it('refuses what cannot be a code prefix on its field, without applying anything', async () => {
    const user = userEvent.setup();
    const { onApply } = renderBar();
    const prefix = screen.getByLabelText('Code starts with');
    await user.type(prefix, 'two words');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(onApply).not.toHaveBeenCalled();
    expect(prefix.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Codes have only letters, digits, “-” and “_” (at most 64).').id).toBe(prefix.getAttribute('aria-describedby'));
  });

  it('shows the API’s BAD_USER_INPUT on the field it names, and offers Clear once something is applied', async () => {
    const user = userEvent.setup();
    const error = new CombinedGraphQLErrors({ errors: [{ message: 'email: not an email address', extensions: { code: 'BAD_USER_INPUT', field: 'email' } }] });
    const { onClear } = renderBar({ ...none, email: 'odd@x' }, error);
    const email = screen.getByLabelText('Holder’s email') as HTMLInputElement;
    expect(email.value).toBe('odd@x');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Email: not an email address')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(onClear).toHaveBeenCalled();
  });

  it('shows what the URL applies when it changes under the form (back, forward, a link)', () => {
    const { view, onApply } = renderBar();
    view.rerender(<ListFilterBar label="Filter coupons" fields={COUPON_FILTERS} values={{ ...none, codePrefix: 'SPR' }} onApply={onApply} onClear={vi.fn()} />);
    expect((screen.getByLabelText('Code starts with') as HTMLInputElement).value).toBe('SPR');
    expect(screen.getByRole('button', { name: 'Clear filters' })).toBeTruthy();
  });
});
