import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ToastProvider } from '@/components/toast/toast-provider';
import { mockedApi } from '../../../test/mocked-api';
import { PoolList } from './pool-list';
import { CreatePoolMutation, POOLS_PAGE, PoolsQuery } from './use-pools';

// The new-pool form checks the name and description by the API's own rules before it sends, and
// a created pool opens its page (where members are added).

const push = vi.fn();
vi.mock('next/navigation', () => ({
  useSearchParams: () => new URLSearchParams(),
  usePathname: () => '/pools',
  useRouter: () => ({ push, replace: vi.fn() }),
}));

beforeEach(() => push.mockClear());

const pool = { __typename: 'Pool' as const, id: 'p-9', name: 'VIP', description: 'Best customers', memberCount: 0 };
const poolsPage = (nodes: (typeof pool)[]) => ({
  request: { query: PoolsQuery, variables: { first: POOLS_PAGE, after: null } },
  result: {
    data: {
      pools: {
        __typename: 'PoolConnection' as const,
        totalCount: nodes.length,
        pageInfo: { __typename: 'PageInfo' as const, hasNextPage: false, endCursor: null },
        edges: nodes.map((node, i) => ({ __typename: 'PoolEdge' as const, cursor: String(i), node })),
      },
    },
  },
});

/** The pools page with no pool yet; `mocks` answer what follows the list, in order (anything else fails). */
async function renderPage(mocks: Parameters<typeof mockedApi>[0] = []) {
  const api = mockedApi([poolsPage([]), ...mocks]);
  const mutate = vi.spyOn(api.client, 'mutate');
  render(
    <ToastProvider>
      <PoolList />
    </ToastProvider>,
    { wrapper: api.wrapper },
  );
  await screen.findByText('No pools yet');
  const form = screen.getByRole('region', { name: 'New pool' });
  return { mutate, form, name: within(form).getByLabelText('Name') as HTMLInputElement };
}

describe('the new-pool form', () => {
  it('keeps a pasted 240-character name whole, counts it, and refuses it before the round trip', async () => {
    const { mutate, form, name } = await renderPage();
    await userEvent.click(name);
    await userEvent.paste('n'.repeat(240));
    expect(name.value).toHaveLength(240); // not cut to 200 silently
    expect(within(form).getByText('240 of 200 characters: 40 too many')).toBeTruthy();
    await userEvent.click(within(form).getByRole('button', { name: 'Create pool' }));
    expect(within(form).getByText('Keep the name to 200 characters.')).toBeTruthy();
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(mutate).not.toHaveBeenCalled();
  });

  it('refuses an empty name and an over-long description in words, sending nothing', async () => {
    const { mutate, form } = await renderPage();
    await userEvent.click(within(form).getByLabelText(/Description/));
    await userEvent.paste('d'.repeat(2001));
    await userEvent.click(within(form).getByRole('button', { name: 'Create pool' }));
    expect(within(form).getByText('Give the pool a name.')).toBeTruthy();
    expect(within(form).getByText('Keep the description to 2,000 characters.')).toBeTruthy();
    expect(mutate).not.toHaveBeenCalled();
  });

  it('creates a pool from trimmed fields, says so and opens its page', async () => {
    const { mutate, form, name } = await renderPage([
      { request: { query: CreatePoolMutation, variables: { name: 'VIP', description: 'Best customers' } }, result: { data: { createPool: pool } } },
      // The list of pools is read again.
      poolsPage([pool]),
    ]);
    await userEvent.type(name, '  VIP ');
    await userEvent.type(within(form).getByLabelText(/Description/), 'Best customers');
    await userEvent.click(within(form).getByRole('button', { name: 'Create pool' }));
    expect(await screen.findByText('Pool “VIP” created. Add members next.')).toBeTruthy();
    expect(push).toHaveBeenCalledWith('/pools/p-9');
    expect(mutate).toHaveBeenCalledTimes(1);
  });
});
