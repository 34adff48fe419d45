import { ApolloClient, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MockLink } from '@apollo/client/testing';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { BookOption } from '@/components/book-picker/book-combobox';
import { ToastProvider } from '@/components/toast/toast-provider';
import { DistributeToPoolDocument, PreviewDistributionDocument } from '@/gql/graphql';
import { DistributionPanel } from './distribution-panel';

vi.mock('next/navigation', () => ({ useRouter: () => ({ push: vi.fn(), replace: vi.fn() }) }));
// The book picker reads books from the API; here it is one button that picks a book.
vi.mock('@/components/book-picker/book-picker', () => ({
  BookPicker: ({ onChange }: { onChange(book: BookOption): void }) => (
    <button type="button" onClick={() => onChange({ id: 'b-1', name: 'Spring', isActive: true, unassigned: 10 })}>
      Pick Spring
    </button>
  ),
}));

const preview = (seed: string) => ({
  data: {
    previewDistribution: {
      __typename: 'DistributionPreview',
      mode: 'RANDOM',
      requested: 2,
      perMember: null,
      remainder: null,
      leftInBook: 0,
      available: 10,
      totalAssigned: 2,
      shortfall: 0,
      seed,
      perUser: [],
    },
  },
});

const distributed = {
  data: {
    distributeToPool: {
      __typename: 'Distribution',
      id: 'd-1',
      mode: 'RANDOM',
      requested: 2,
      assigned: 2,
      remainder: null,
      createdAt: '2026-12-07T21:00:00.000Z',
    },
  },
};

describe('DistributionPanel', () => {
  it('sends one idempotency key per preview: Confirm again after a failure reuses it, a new preview makes a new one', async () => {
    const sent: Array<{ seed?: string; idempotencyKey?: string }> = [];
    const record = (variables: Record<string, unknown>) => {
      sent.push(variables as (typeof sent)[number]);
      return true;
    };
    const mocks: MockLink.MockedResponse[] = [
      { request: { query: PreviewDistributionDocument, variables: () => true }, result: preview('seed-1') },
      { request: { query: DistributeToPoolDocument, variables: record }, error: new Error('Network request failed') },
      { request: { query: DistributeToPoolDocument, variables: record }, error: new Error('Network request failed') },
      { request: { query: PreviewDistributionDocument, variables: () => true }, result: preview('seed-2') },
      { request: { query: DistributeToPoolDocument, variables: record }, result: distributed },
    ];
    const client = new ApolloClient({ cache: new InMemoryCache(), link: new MockLink(mocks) });
    render(
      <ApolloProvider client={client}>
        <ToastProvider>
          <DistributionPanel poolId="p-1" memberCount={2} />
        </ToastProvider>
      </ApolloProvider>,
    );
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Pick Spring' }));
    await user.click(screen.getByLabelText(/Random/));
    await user.click(screen.getByRole('button', { name: 'Preview' }));
    const confirm = await screen.findByRole('button', { name: /^Confirm/ });
    await user.click(confirm);
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    await vi.waitFor(() => expect((screen.getByRole('button', { name: /^Confirm/ }) as HTMLButtonElement).disabled).toBe(false));
    await user.click(screen.getByRole('button', { name: /^Confirm/ }));
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[0].idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]).toEqual(sent[0]);

    await vi.waitFor(() => expect((screen.getByRole('button', { name: 'Change' }) as HTMLButtonElement).disabled).toBe(false));
    await user.click(screen.getByRole('button', { name: 'Change' }));
    await user.click(await screen.findByRole('button', { name: 'Preview' }));
    await user.click(await screen.findByRole('button', { name: /^Confirm/ }));
    expect(await screen.findByTestId('distribution-assigned')).toBeTruthy();
    expect(sent).toHaveLength(3);
    expect(sent[2].seed).toBe('seed-2');
    expect(sent[2].idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[2].idempotencyKey).not.toBe(sent[0].idempotencyKey);
  });
});
