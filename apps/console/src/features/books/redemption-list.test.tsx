import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ToastProvider } from '@/components/toast/toast-provider';
import { mockedApi } from '../../../test/mocked-api';
import { RedemptionList } from './redemption-list';
import { BookRedemptionsQuery, REDEMPTIONS_PAGE, ReverseRedemptionMutation } from './use-book-redemptions';

// An admin reverses a redemption (a refund): the reason is checked by the API's own rule before
// anything is sent, and a good one is sent as typed (trimmed) and shown in the row.

vi.mock('next/navigation', () => ({
  useSearchParams: () => new URLSearchParams(),
  usePathname: () => '/books/b-1',
  useRouter: () => ({ push: vi.fn(), replace: vi.fn() }),
}));

const redemption = (reversal: { reversedAt: string; reversalReason: string } | null) => ({
  __typename: 'Redemption' as const,
  id: 'r-1',
  redeemedAt: '2026-03-01T10:00:00.000Z',
  reversedAt: reversal?.reversedAt ?? null,
  reversalReason: reversal?.reversalReason ?? null,
  coupon: { __typename: 'Coupon' as const, id: 'c-1', code: 'SPR-1' },
  user: { __typename: 'User' as const, id: 'u-1', email: 'ann@example.com' },
});
const REVERSED = { reversedAt: '2026-03-01T11:00:00.000Z', reversalReason: 'Order 1042 refunded' };
const listOf = (node: ReturnType<typeof redemption>) => ({
  request: {
    query: BookRedemptionsQuery,
    variables: { bookId: 'b-1', email: null, codePrefix: null, redeemedAfter: null, redeemedBefore: null, reversed: null, first: REDEMPTIONS_PAGE, after: null },
  },
  result: {
    data: {
      redemptions: {
        __typename: 'RedemptionConnection' as const,
        totalCount: 1,
        pageInfo: { __typename: 'PageInfo' as const, hasNextPage: false, endCursor: null },
        edges: [{ __typename: 'RedemptionEdge' as const, cursor: '0', node }],
      },
    },
  },
});

/** The list with one standing redemption; `mocks` answer what follows it, in order (anything else fails). */
async function renderList(mocks: Parameters<typeof mockedApi>[0] = []) {
  const api = mockedApi([listOf(redemption(null)), ...mocks]);
  const mutate = vi.spyOn(api.client, 'mutate');
  render(
    <ToastProvider>
      <RedemptionList bookId="b-1" live={false} />
    </ToastProvider>,
    { wrapper: api.wrapper },
  );
  const table = screen.getByRole('table', { name: 'Redemptions of this book, newest first' });
  await within(table).findByRole('rowheader', { name: 'SPR-1' });
  await userEvent.click(within(table).getByRole('button', { name: 'Reverse the redemption of SPR-1' }));
  const form = screen.getByRole('form', { name: 'Reverse the redemption of SPR-1' });
  return { mutate, form, reason: within(form).getByLabelText('Reason for reversing SPR-1') as HTMLInputElement };
}

describe('reversing a redemption', () => {
  it('asks why, and sends nothing without a reason', async () => {
    const { mutate, form } = await renderList();
    await userEvent.click(within(form).getByRole('button', { name: 'Reverse redemption' }));
    expect(within(form).getByText('Say why (refund, cancelled order …): it is kept with the redemption.')).toBeTruthy();
    expect(mutate).not.toHaveBeenCalled();
  });

  it('keeps a pasted over-long reason whole, counts it, and refuses it before the round trip', async () => {
    const { mutate, form, reason } = await renderList();
    await userEvent.click(reason);
    await userEvent.paste('r'.repeat(501));
    expect(reason.value).toHaveLength(501); // not cut to 500 silently
    expect(within(form).getByText('501 of 500 characters: 1 too many')).toBeTruthy();
    await userEvent.click(within(form).getByRole('button', { name: 'Reverse redemption' }));
    expect(within(form).getByText('Keep a reason to 500 characters.')).toBeTruthy();
    expect(reason.getAttribute('aria-invalid')).toBe('true');
    expect(mutate).not.toHaveBeenCalled();
  });

  it('sends a good reason trimmed, says the use is given back, and the row shows the reversal with its reason', async () => {
    const reversed = redemption(REVERSED);
    const { mutate, reason } = await renderList([
      {
        request: { query: ReverseRedemptionMutation, variables: { redemptionId: 'r-1', reason: 'Order 1042 refunded' } },
        result: {
          data: { reverseRedemption: { ...reversed, coupon: { ...reversed.coupon, state: 'ASSIGNED', redemptionCount: 0 } } },
        },
      },
      // The list is read again after a reversal.
      listOf(reversed),
    ]);
    await userEvent.type(reason, '  Order 1042 refunded ');
    await userEvent.click(screen.getByRole('button', { name: 'Reverse redemption' }));
    expect(await screen.findByText('The use of SPR-1 is given back.')).toBeTruthy();
    expect(mutate).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('form', { name: 'Reverse the redemption of SPR-1' })).toBeNull();
    const row = screen.getByRole('rowheader', { name: 'SPR-1' }).closest('tr') as HTMLElement;
    expect(await within(row).findByText('Reason: Order 1042 refunded')).toBeTruthy();
    expect(within(row).queryByRole('button', { name: /Reverse/ })).toBeNull();
  });
});
