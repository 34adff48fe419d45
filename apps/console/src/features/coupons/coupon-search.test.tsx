import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockedApi } from '../../../test/mocked-api';
import { CouponSearch } from './coupon-search';
import { CouponLookupQuery } from './use-coupon-search';

const push = vi.fn();
vi.mock('next/navigation', () => ({ useRouter: () => ({ push }) }));

const lookup = (code: string, coupon: { code: string } | null) => ({
  request: { query: CouponLookupQuery, variables: { code } },
  result: { data: { coupon: coupon ? { __typename: 'Coupon' as const, id: 'c-1', code: coupon.code } : null } },
});

function renderSearch(mocks: ReturnType<typeof lookup>[]) {
  render(<CouponSearch />, { wrapper: mockedApi(mocks).wrapper });
  return screen.getByRole('searchbox', { name: 'Coupon code' });
}

beforeEach(() => push.mockReset());

describe('CouponSearch', () => {
  it('opens the coupon’s page on Enter, by its code as the API spells it', async () => {
    const user = userEvent.setup();
    const box = renderSearch([lookup('spring-001', { code: 'SPRING-001' })]);
    // A <search> landmark (happy-dom's role table predates the element; browsers map it to role search).
    expect(box.closest('search')?.getAttribute('aria-label')).toBe('Coupons');
    await user.type(box, '  spring-001 {Enter}');
    await waitFor(() => expect(push).toHaveBeenCalledWith('/coupons/SPRING-001'));
    expect((box as HTMLInputElement).value).toBe('');
    expect(box.getAttribute('aria-invalid')).toBeNull();
  });

  it('says in words that no coupon has an unknown code, tied to the box, and keeps the text to fix', async () => {
    const user = userEvent.setup();
    const box = renderSearch([lookup('NOPE-42', null)]);
    await user.type(box, 'NOPE-42');
    await user.click(screen.getByRole('button', { name: 'Find' }));
    const status = await screen.findByText('No coupon has the code “NOPE-42”.');
    expect(status.getAttribute('role')).toBe('status');
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(box.getAttribute('aria-describedby')).toBe(status.id);
    expect((box as HTMLInputElement).value).toBe('NOPE-42');
    expect(push).not.toHaveBeenCalled();
    // Typing again clears the message.
    await user.type(box, '3');
    expect(screen.queryByText(/No coupon has/)).toBeNull();
  });

  it('refuses what cannot be a code, and an empty box, without asking the API', async () => {
    const user = userEvent.setup();
    const box = renderSearch([]); // any request would fail: the mock link has no answer
    await user.type(box, 'two words{Enter}');
    expect(await screen.findByText('“two words” is not a coupon code: codes have only letters, digits, “-” and “_”.')).toBeTruthy();
    await user.clear(box);
    await user.type(box, '{Enter}');
    expect(await screen.findByText('Type a coupon code first.')).toBeTruthy();
    expect(push).not.toHaveBeenCalled();
  });
});
