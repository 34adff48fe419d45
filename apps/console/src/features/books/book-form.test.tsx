import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { BookForm } from './book-form';
import { type BookFormValues, EMPTY_BOOK_FORM } from './book-form-values';
import type { BookInput } from './book-form-values';

/** Exactly what the API sends for core's badInput(field, message): message "<field>: <what>", extensions.field. */
function apiBadInput(field: string, what: string) {
  return new CombinedGraphQLErrors({ errors: [{ message: `${field}: ${what}`, extensions: { code: 'BAD_USER_INPUT', field } }] });
}

const VALID: BookFormValues = { ...EMPTY_BOOK_FORM, name: 'Spring sale', discountValue: '10' };

function renderForm(onSubmit: (input: BookInput) => Promise<void>, initialValues = VALID, submitLabel = 'Save changes') {
  render(<BookForm initialValues={initialValues} submitLabel={submitLabel} cancelHref="/books" onSubmit={onSubmit} />);
  return screen.getByRole('button', { name: submitLabel }) as HTMLButtonElement;
}

describe('BookForm: the API refuses a field', () => {
  // updateBook refuses a change of terms once coupons were given out, naming `discountType` first.
  it('shows a refused change of discount type on the Type field', async () => {
    const onSubmit = vi.fn().mockRejectedValue(
      apiBadInput('discountType', 'cannot change once coupons of this book were given out (discountType, currency): shoppers hold them on these terms; create a new book instead'),
    );
    const button = renderForm(onSubmit, { ...VALID, discountType: 'FIXED_AMOUNT', currency: 'EUR' });
    await userEvent.click(button);
    const type = screen.getByLabelText('Type');
    await waitFor(() => expect(type.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById('book-discount-type-error')?.textContent).toBe(
      'Cannot change once coupons of this book were given out (discountType, currency): shoppers hold them on these terms; create a new book instead',
    );
    expect(button.disabled).toBe(false);
  });

  it('shows a field error without the API field name in front ("DiscountValue: …")', async () => {
    const button = renderForm(vi.fn().mockRejectedValue(apiBadInput('discountValue', 'EUR amounts have at most 2 decimal places')), VALID, 'Create book');
    await userEvent.click(button);
    const input = screen.getByLabelText('Percent off');
    await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById('book-discount-value-error')?.textContent).toBe('EUR amounts have at most 2 decimal places');
  });

  it('shows an error about a field not on screen above the form', async () => {
    // Redemptions per user is hidden while a coupon can be redeemed only once.
    renderForm(vi.fn().mockRejectedValue(apiBadInput('maxRedemptionsPerUser', 'needs allowMultipleRedemptions')));
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect((await screen.findByRole('alert')).textContent).toBe('MaxRedemptionsPerUser: needs allowMultipleRedemptions');
  });
});

describe('BookForm: saving', () => {
  it('stays busy once saved, while the next page loads, so a second click cannot save twice', async () => {
    const onSubmit = vi.fn().mockResolvedValue(undefined);
    const button = renderForm(onSubmit);
    await userEvent.click(button);
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(button.textContent).toBe('Saving…'));
    expect(button.disabled).toBe(true);
    // A submit that gets past the disabled button (Enter in a field) does nothing either.
    await userEvent.type(screen.getByLabelText('Name'), '{Enter}');
    expect(onSubmit).toHaveBeenCalledTimes(1);
  });

  it('submits once for a double click, and can try again after a failure', async () => {
    let fail: (error: unknown) => void = () => undefined;
    const onSubmit = vi.fn().mockImplementationOnce(() => new Promise<void>((_, reject) => (fail = reject)));
    const button = renderForm(onSubmit);
    await userEvent.dblClick(button);
    expect(onSubmit).toHaveBeenCalledTimes(1);
    fail(new Error('The server had a problem'));
    await waitFor(() => expect(button.disabled).toBe(false));
    onSubmit.mockResolvedValueOnce(undefined);
    await userEvent.click(button);
    expect(onSubmit).toHaveBeenCalledTimes(2);
  });
});
