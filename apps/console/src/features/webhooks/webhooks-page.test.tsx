import type { MockLink } from '@apollo/client/testing';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { mockedApi } from '../../../test/mocked-api';
import { deliveryStatus } from './webhook-format';
import { CreateWebhookEndpointMutation, WebhookEndpointsQuery } from './use-webhooks';
import { WebhooksPage } from './webhooks-page';

// The page's place in the list lives in the URL: next's router is stubbed with an empty one.
vi.mock('next/navigation', () => ({
  useSearchParams: () => new URLSearchParams(),
  usePathname: () => '/webhooks',
  useRouter: () => ({ push: vi.fn(), replace: vi.fn() }),
}));

const SECRET = 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=';

const endpoint = (n: number, extra: Record<string, unknown> = {}) => ({
  __typename: 'WebhookEndpoint' as const,
  id: `00000000-0000-4000-8000-00000000000${n}`,
  url: `https://hooks.example.com/${n}`,
  description: null,
  events: ['REDEEMED', 'REVERSED'],
  bookId: null,
  enabled: true,
  disabledReason: null,
  failingSince: null,
  createdAt: `2026-03-0${n}T10:00:00.000Z`,
  ...extra,
});

const list = (...endpoints: ReturnType<typeof endpoint>[]) => ({
  request: { query: WebhookEndpointsQuery, variables: { first: 20, after: null } },
  result: {
    data: {
      webhookEndpoints: {
        __typename: 'WebhookEndpointConnection',
        totalCount: endpoints.length,
        pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
        edges: endpoints.map((node) => ({ __typename: 'WebhookEndpointEdge', cursor: node.id, node })),
      },
    },
  },
});

function renderPage(mocks: MockLink.MockedResponse[]) {
  return render(
    <main id="main" tabIndex={-1}>
      <WebhooksPage />
    </main>,
    { wrapper: mockedApi(mocks).wrapper },
  );
}

describe('WebhooksPage', () => {
  it('lists endpoints with their events and whether they work (a disabled one with its reason)', async () => {
    renderPage([list(endpoint(2), endpoint(1, { enabled: false, disabledReason: 'Disabled automatically: every delivery attempt since …' }))]);
    const row = (await screen.findByRole('link', { name: 'https://hooks.example.com/2' })).closest('tr') as HTMLElement;
    expect(within(within(row).getByRole('list', { name: 'Event types' })).getByText('Redeemed')).toBeTruthy();
    expect(within(row).getByText('Enabled')).toBeTruthy();
    const disabled = screen.getByRole('link', { name: 'https://hooks.example.com/1' }).closest('tr') as HTMLElement;
    expect(within(disabled).getByText('Disabled')).toBeTruthy();
    expect(within(disabled).getByText(/^Disabled automatically/)).toBeTruthy();
    expect((within(disabled).getByRole('button', { name: 'Send test' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('checks the URL and the event types before sending, then shows the secret once', async () => {
    const user = userEvent.setup();
    renderPage([
      list(),
      {
        request: { query: CreateWebhookEndpointMutation, variables: { input: { url: 'https://orders.example.com/in', events: ['LOCKED'], bookId: null, description: null } } },
        result: { data: { createWebhookEndpoint: { __typename: 'WebhookEndpointWithSecret', endpoint: endpoint(3, { url: 'https://orders.example.com/in', events: ['LOCKED'] }), secret: SECRET } } },
      },
      list(endpoint(3, { url: 'https://orders.example.com/in', events: ['LOCKED'] })),
    ]);
    await screen.findByText('No webhook endpoint yet');
    // The picker starts with Redeemed and Reversed: untick both, tick nothing, and a bad URL.
    await user.click(screen.getByRole('checkbox', { name: 'Redeemed' }));
    await user.click(screen.getByRole('checkbox', { name: 'Reversed' }));
    await user.type(screen.getByLabelText('URL'), 'not a url');
    await user.click(screen.getByRole('button', { name: 'Create endpoint' }));
    expect(screen.getByText(/Give an https:\/\/ URL/)).toBeTruthy();
    expect(screen.getByText('Choose at least one event type.')).toBeTruthy();

    await user.clear(screen.getByLabelText('URL'));
    await user.type(screen.getByLabelText('URL'), 'https://orders.example.com/in');
    await user.click(screen.getByRole('checkbox', { name: 'Locked' }));
    await user.click(screen.getByRole('button', { name: 'Create endpoint' }));
    const secret = await screen.findByTestId('webhook-secret');
    expect((within(secret).getByLabelText('Secret') as HTMLInputElement).value).toBe(SECRET);
    expect(within(secret).getByText('Copy it now: it will not be shown again.')).toBeTruthy();
    await user.click(within(secret).getByRole('button', { name: 'Done' }));
    expect(screen.queryByTestId('webhook-secret')).toBeNull();
  });

  it('names a delivery by where it stands', () => {
    expect(deliveryStatus({ status: 'DELIVERED', inFlight: false, attempts: 1 }).label).toBe('Delivered');
    expect(deliveryStatus({ status: 'PENDING', inFlight: true, attempts: 1 }).label).toBe('Sending');
    expect(deliveryStatus({ status: 'PENDING', inFlight: false, attempts: 2 }).label).toBe('Retrying');
    expect(deliveryStatus({ status: 'PENDING', inFlight: false, attempts: 0 }).label).toBe('Pending');
    expect(deliveryStatus({ status: 'FAILED', inFlight: false, attempts: 15 }).label).toBe('Failed');
  });
});
