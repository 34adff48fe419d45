import type { MockLink } from '@apollo/client/testing';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiKey as key, SECRET } from '../../../test/api-keys.fixtures';
import { mockedApi } from '../../../test/mocked-api';
import { ApiKeysPage } from './api-keys-page';
import { ApiKeysQuery, CreateApiKeyMutation, RevokeApiKeyMutation } from './use-api-keys';

const connection = (keys: ReturnType<typeof key>[]) => ({
  apiKeysConnection: {
    __typename: 'ApiKeyConnection' as const,
    totalCount: keys.length,
    pageInfo: { __typename: 'PageInfo' as const, hasNextPage: false, endCursor: keys.at(-1)?.id ?? null },
    edges: keys.map((node) => ({ __typename: 'ApiKeyEdge' as const, cursor: node.id, node })),
  },
});
const list = (...keys: ReturnType<typeof key>[]) => ({ request: { query: ApiKeysQuery, variables: { first: 20, after: null } }, result: { data: connection(keys) } });

// The page's place in the list lives in the URL: next's router is stubbed with an empty one.
vi.mock('next/navigation', () => ({
  useSearchParams: () => new URLSearchParams(),
  usePathname: () => '/api-keys',
  useRouter: () => ({ push: vi.fn(), replace: vi.fn() }),
}));

function renderPage(mocks: MockLink.MockedResponse[]) {
  return render(
    <main id="main" tabIndex={-1}>
      <ApiKeysPage />
    </main>,
    { wrapper: mockedApi(mocks).wrapper },
  );
}

const rowOf = (name: string) => screen.getByRole('rowheader', { name }).closest('tr') as HTMLElement;

afterEach(() => vi.restoreAllMocks());

describe('ApiKeysPage', () => {
  it('says so when there is no key yet', async () => {
    renderPage([list()]);
    expect(await screen.findByText('No API keys yet')).toBeTruthy();
  });

  it('lists keys with their prefix, scopes, last use and status', async () => {
    renderPage([list(key(2, { scopes: ['COUPONS_WRITE'], lastUsedAt: '2026-03-03T08:00:00.000Z' }), key(1, { revokedAt: '2026-03-02T12:00:00.000Z' }))]);
    await screen.findByRole('rowheader', { name: 'Shop 2' });
    const table = screen.getByRole('table', { name: 'All keys' });
    const active = within(rowOf('Shop 2'));
    expect(active.getByText('cbk_00000002…')).toBeTruthy();
    expect(within(active.getByRole('list', { name: 'Scopes' })).getByText('Write coupons')).toBeTruthy();
    expect(active.getByText('Active')).toBeTruthy();
    expect(active.getByRole('button', { name: 'Revoke Shop 2' })).toBeTruthy();
    const revoked = within(rowOf('Shop 1'));
    expect(revoked.getByText('never')).toBeTruthy();
    expect(revoked.getByText('Revoked')).toBeTruthy();
    expect(revoked.queryByRole('button')).toBeNull();
    expect(within(table).getAllByRole('row')).toHaveLength(3);
  });

  it('checks the name and the scopes before sending anything', async () => {
    const user = userEvent.setup();
    renderPage([list()]); // any request beyond the list would fail the mock link
    await screen.findByText('No API keys yet');
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    expect(screen.getByText('Give the key a name of 1 to 100 characters.')).toBeTruthy();
    expect(screen.getByText('Choose at least one scope.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Name'));

    await user.type(screen.getByLabelText('Name'), 'x'.repeat(101));
    await user.click(screen.getByRole('checkbox', { name: /Read coupons/ }));
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    expect(screen.getByText('Give the key a name of 1 to 100 characters.')).toBeTruthy();
    expect(screen.queryByText('Choose at least one scope.')).toBeNull();
  });

  it('shows the new secret once, copies it, and forgets it on Done; the key joins the list', async () => {
    const user = userEvent.setup();
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue(undefined);
    renderPage([
      list(key(1)),
      {
        request: { query: CreateApiKeyMutation, variables: { input: { name: 'Shop 3', scopes: ['COUPONS_WRITE'] } } },
        result: { data: { createApiKey: { __typename: 'CreatedApiKey', apiKey: key(3, { scopes: ['COUPONS_WRITE'] }), secret: SECRET } } },
      },
      list(key(3, { scopes: ['COUPONS_WRITE'] }), key(1)),
    ]);
    await screen.findByRole('rowheader', { name: 'Shop 1' });
    await user.type(screen.getByLabelText('Name'), '  Shop 3 ');
    await user.click(screen.getByRole('checkbox', { name: /Write coupons/ }));
    // Write includes Read: shown ticked and not separately choosable; only Write is sent.
    const read = screen.getByRole('checkbox', { name: /Read coupons/ }) as HTMLInputElement;
    expect(read.checked && read.disabled).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Create key' }));

    const panel = await screen.findByRole('region', { name: 'Secret of “Shop 3”' });
    expect(within(panel).getByText('Copy it now: it will not be shown again.')).toBeTruthy();
    expect((within(panel).getByLabelText('Secret') as HTMLInputElement).value).toBe(SECRET);
    // The panel appears when the mutation's answer arrives, outside any act(): focus moves to it
    // in an effect, and the copy is confirmed after the clipboard's promise, so both are awaited
    // (asserted at once, they failed under load in a full run).
    await waitFor(() => expect(document.activeElement).toBe(within(panel).getByRole('heading')));
    await user.click(within(panel).getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith(SECRET);
    expect(await within(panel).findByRole('button', { name: 'Copied' })).toBeTruthy();

    expect(screen.getAllByRole('rowheader').map((h) => h.textContent)).toEqual(['Shop 3', 'Shop 1']);
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('');

    await user.click(within(panel).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('region', { name: /Secret of/ })).toBeNull();
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it('tells a person what the API refused, in words and without its code', async () => {
    const user = userEvent.setup();
    renderPage([
      list(),
      {
        request: { query: CreateApiKeyMutation, variables: { input: { name: 'Shop', scopes: ['ADMIN'] } } },
        result: { errors: [{ message: 'name: must not be blank', extensions: { code: 'BAD_USER_INPUT', field: 'name' } }] },
      },
      {
        request: { query: CreateApiKeyMutation, variables: { input: { name: 'Shop', scopes: ['ADMIN'] } } },
        result: { errors: [{ message: 'Admins only', extensions: { code: 'FORBIDDEN' } }] },
      },
    ]);
    await screen.findByText('No API keys yet');
    await user.type(screen.getByLabelText('Name'), 'Shop');
    await user.click(screen.getByRole('checkbox', { name: /Admin/ }));
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    expect(await screen.findByText('Give the key a name of 1 to 100 characters.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Only admins can manage API keys.');
    expect(document.body.textContent).not.toMatch(/BAD_USER_INPUT|FORBIDDEN/);
  });

  it('shows a list that failed to load with a human message and a way to try again', async () => {
    renderPage([{ request: { query: ApiKeysQuery, variables: { first: 20, after: null } }, result: { errors: [{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }] } }]);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load the API keys. Only admins can manage API keys.');
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
    expect(alert.textContent).not.toContain('FORBIDDEN');
  });

  it('revokes after a confirmation that starts on Cancel and that Escape dismisses', async () => {
    const user = userEvent.setup();
    renderPage([
      list(key(1)),
      { request: { query: RevokeApiKeyMutation, variables: { id: 'key-1' } }, result: { data: { revokeApiKey: key(1, { revokedAt: '2026-03-05T09:00:00.000Z' }) } } },
    ]);
    const revoke = await screen.findByRole('button', { name: 'Revoke Shop 1' });
    await user.click(revoke);
    let dialog = screen.getByRole('alertdialog', { name: 'Revoke “Shop 1”?' });
    expect(within(dialog).getByText(/stops working at once/)).toBeTruthy();
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(revoke);
    expect(within(rowOf('Shop 1')).getByText('Active')).toBeTruthy();

    await user.click(revoke);
    dialog = screen.getByRole('alertdialog', { name: 'Revoke “Shop 1”?' });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(within(rowOf('Shop 1')).getByText('Revoked')).toBeTruthy();
    expect(within(rowOf('Shop 1')).queryByRole('button')).toBeNull();
    expect(screen.getByText('API key “Shop 1” revoked.')).toBeTruthy();
    // The revoke button is gone with the row's change: focus lands on the page, not on nothing.
    expect(document.activeElement?.id).toBe('main');
  });
});
