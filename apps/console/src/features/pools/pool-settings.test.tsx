import { ApolloClient, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MockLink } from '@apollo/client/testing';
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ToastProvider } from '@/components/toast/toast-provider';
import { PoolSettings } from './pool-settings';
import { UpdatePoolMutation } from './use-pool';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn(), replace: vi.fn() }) }));

// No mocked answers: a request would end in an error under the field instead of the rule's words.
function renderSettings(mocks: MockLink.MockedResponse[] = []) {
  const client = new ApolloClient({ cache: new InMemoryCache(), link: new MockLink(mocks) });
  const settings = (pool: { description: string | null }) => (
    <ApolloProvider client={client}>
      <ToastProvider>
        <PoolSettings pool={{ id: 'p-1', name: 'VIP', memberCount: 3, ...pool }} />
      </ToastProvider>
    </ApolloProvider>
  );
  const view = render(settings({ description: null }));
  return { ...view, rerenderWith: (pool: { description: string | null }) => view.rerender(settings(pool)) };
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

  it('sends only the field it changed: a description another admin set meanwhile is not written back over', async () => {
    const sent: unknown[] = [];
    const record = (variables: unknown) => {
      sent.push(variables);
      return true;
    };
    const { rerenderWith } = renderSettings([
      {
        request: { query: UpdatePoolMutation, variables: record },
        result: { data: { updatePool: { __typename: 'Pool', id: 'p-1', name: 'Gold', description: 'Set by the other admin' } } },
      },
      {
        request: { query: UpdatePoolMutation, variables: record },
        result: { data: { updatePool: { __typename: 'Pool', id: 'p-1', name: 'Gold', description: 'Top customers' } } },
      },
    ]);
    // The other admin's description reaches this page (a refetch) while the form is open.
    rerenderWith({ description: 'Set by the other admin' });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Gold' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('The pool is renamed.')).toBeTruthy();
    expect(sent).toEqual([{ id: 'p-1', input: { name: 'Gold' } }]);
    // A second save starts from what the first one saved: only the new description goes.
    fireEvent.change(screen.getByLabelText('Description'), { target: { value: 'Top customers' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]).toEqual({ id: 'p-1', input: { description: 'Top customers' } });
  });
});
