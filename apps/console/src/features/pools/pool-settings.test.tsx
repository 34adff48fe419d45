import { ApolloClient, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MockLink } from '@apollo/client/testing';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ToastProvider } from '@/components/toast/toast-provider';
import { PoolSettings } from './pool-settings';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn(), replace: vi.fn() }) }));

// No mocked answers: a request would end in an error under the field instead of the rule's words.
function renderSettings() {
  const client = new ApolloClient({ cache: new InMemoryCache(), link: new MockLink([]) });
  return render(
    <ApolloProvider client={client}>
      <ToastProvider>
        <PoolSettings pool={{ id: 'p-1', name: 'VIP', description: null, memberCount: 3 }} />
      </ToastProvider>
    </ApolloProvider>,
  );
}

describe('PoolSettings', () => {
  it('keeps a pasted 240-character name whole, counts it, and refuses it before the round trip', async () => {
    renderSettings();
    const name = screen.getByLabelText('Name') as HTMLInputElement;
    expect(screen.getByText('3 of 200 characters')).toBeTruthy();
    fireEvent.change(name, { target: { value: 'n'.repeat(240) } });
    expect(name.value).toHaveLength(240); // not cut to 200 silently
    expect(screen.getByText('240 of 200 characters: 40 too many')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Keep the name to 200 characters.')).toBeTruthy();
    expect(name.getAttribute('aria-invalid')).toBe('true');
  });

  it('counts the description and refuses an empty name in words', async () => {
    renderSettings();
    fireEvent.change(screen.getByLabelText('Description'), { target: { value: 'd'.repeat(2001) } });
    expect(screen.getByText('2,001 of 2,000 characters: 1 too many')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: '   ' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Give the pool a name.')).toBeTruthy();
    expect(screen.getByText('Keep the description to 2,000 characters.')).toBeTruthy();
  });
});
