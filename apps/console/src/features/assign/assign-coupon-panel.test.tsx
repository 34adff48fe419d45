import { ApolloClient, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MockLink } from '@apollo/client/testing';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ToastProvider } from '@/components/toast/toast-provider';
import { AssignCouponPanel } from './assign-coupon-panel';

// The code field is checked with the API's own rule (the shared schema) before any request: the
// client has no mocked answers, so a request would fail the preview with an error toast instead.
function renderPanel() {
  const client = new ApolloClient({ cache: new InMemoryCache(), link: new MockLink([]) });
  return render(
    <ApolloProvider client={client}>
      <ToastProvider>
        <AssignCouponPanel user={{ id: 'u-1', name: 'shopper@example.com' }} />
      </ToastProvider>
    </ApolloProvider>,
  );
}

describe('AssignCouponPanel, by code', () => {
  it('names a code the API would refuse before any request, and counts its characters', async () => {
    renderPanel();
    await userEvent.click(screen.getByLabelText(/This code/));
    const field = screen.getByLabelText('Code to assign');
    await userEvent.click(screen.getByRole('button', { name: 'Preview assignment' }));
    expect(await screen.findByText('Enter a code.')).toBeTruthy();

    await userEvent.type(field, 'summer 10');
    expect(screen.getByText('9 of 64 characters')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Preview assignment' }));
    expect(await screen.findByText('A code has only letters, digits, "-" and "_".')).toBeTruthy();
    expect(field.getAttribute('aria-invalid')).toBe('true');

    await userEvent.clear(field);
    await userEvent.type(field, 'X'.repeat(65));
    expect(screen.getByText('65 of 64 characters: 1 too many')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Preview assignment' }));
    expect(await screen.findByText('A code has at most 64 characters.')).toBeTruthy();
    expect(screen.queryByText(/Preview: nothing is assigned yet/)).toBeNull();
  });
});
