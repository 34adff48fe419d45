import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ToastProvider } from '@/components/toast/toast-provider';
import { mockedApi } from '../../../test/mocked-api';
import { CouponTable } from './coupon-table';
import { RedemptionList } from './redemption-list';
import { BookCouponsQuery, COUPONS_PAGE } from './use-book-coupons';
import { BookRedemptionsQuery, REDEMPTIONS_PAGE } from './use-book-redemptions';

// The book page's two lists read their filters from the URL and write them back to it (next's
// router is stubbed: the URL is `location`), and ask the API with exactly those filters.

let location = new URLSearchParams();
const push = vi.fn((href: string) => {
  location = new URLSearchParams(href.split('?')[1] ?? '');
});
vi.mock('next/navigation', () => ({
  useSearchParams: () => location,
  usePathname: () => '/books/b-1',
  useRouter: () => ({ push }),
}));

const coupon = (code: string, state: string) => ({
  __typename: 'Coupon' as const,
  id: `c-${code}`,
  code,
  state,
  lockExpiresAt: null,
  redemptionCount: 0,
  assignedAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
  user: { __typename: 'User' as const, id: 'u-1', email: 'ann@example.com' },
});
const page = <T,>(typename: string, nodes: T[]) => ({
  __typename: typename,
  totalCount: nodes.length,
  pageInfo: { __typename: 'PageInfo' as const, hasNextPage: false, endCursor: null },
  edges: nodes.map((node, i) => ({ __typename: typename.replace('Connection', 'Edge'), cursor: String(i), node })),
});
const couponFilters = { state: null, email: null, codePrefix: null, assignedAfter: null, assignedBefore: null };

beforeEach(() => {
  push.mockClear();
});

/** The book's coupon list (not live) in the toast provider its row actions need, against `mockedApi`'s `wrapper`. */
function renderCouponTable(wrapper: ReturnType<typeof mockedApi>['wrapper']) {
  render(
    <ToastProvider>
      <CouponTable bookId="b-1" live={false} />
    </ToastProvider>,
    { wrapper },
  );
}

describe('the book’s coupon list', () => {
  it('asks for the filters in the URL, and Enter in a filter writes it to the URL (other keys stay)', async () => {
    location = new URLSearchParams('state=LOCKED&codePrefix=SPR&redeemedCode=X');
    const { wrapper } = mockedApi([
      {
        request: { query: BookCouponsQuery, variables: { bookId: 'b-1', ...couponFilters, state: 'LOCKED', codePrefix: 'SPR', first: COUPONS_PAGE, after: null } },
        result: { data: { coupons: page('CouponConnection', [coupon('SPR-1', 'LOCKED')]) } },
      },
    ]);
    const user = userEvent.setup();
    renderCouponTable(wrapper);
    const table = screen.getByRole('table', { name: 'Coupons' });
    expect(await within(table).findByRole('rowheader', { name: 'SPR-1' })).toBeTruthy();
    expect(within(table).getByText('1 coupon matches')).toBeTruthy();
    expect((screen.getByLabelText('State') as HTMLSelectElement).value).toBe('LOCKED');

    await user.type(screen.getByLabelText('Holder’s email'), 'ann@example.com{Enter}');
    expect(push).toHaveBeenCalledWith('/books/b-1?state=LOCKED&codePrefix=SPR&redeemedCode=X&email=ann%40example.com', { scroll: false });
  });

  it('says when nothing matches, and Clear filters removes only this list’s keys from the URL', async () => {
    location = new URLSearchParams('codePrefix=NOPE&reversed=true');
    const { wrapper } = mockedApi([
      {
        request: { query: BookCouponsQuery, variables: { bookId: 'b-1', ...couponFilters, codePrefix: 'NOPE', first: COUPONS_PAGE, after: null } },
        result: { data: { coupons: page('CouponConnection', []) } },
      },
    ]);
    const user = userEvent.setup();
    renderCouponTable(wrapper);
    expect(await screen.findByText('No coupon matches these filters')).toBeTruthy();
    await user.click(screen.getAllByRole('button', { name: 'Clear filters' })[0] as HTMLElement);
    expect(push).toHaveBeenCalledWith('/books/b-1?reversed=true', { scroll: false });
  });
});

describe('the book’s redemption list', () => {
  it('asks for reversed redemptions of a code prefix when the URL says so', async () => {
    location = new URLSearchParams('reversed=true&redeemedCode=spr');
    const redemption = {
      __typename: 'Redemption' as const,
      id: 'r-1',
      redeemedAt: '2026-03-01T10:00:00.000Z',
      reversedAt: '2026-03-01T11:00:00.000Z',
      reversalReason: 'refund',
      coupon: { __typename: 'Coupon' as const, id: 'c-1', code: 'SPR-1' },
      user: { __typename: 'User' as const, id: 'u-1', email: 'ann@example.com' },
    };
    const { wrapper } = mockedApi([
      {
        request: {
          query: BookRedemptionsQuery,
          variables: { bookId: 'b-1', email: null, codePrefix: 'spr', redeemedAfter: null, redeemedBefore: null, reversed: true, first: REDEMPTIONS_PAGE, after: null },
        },
        result: { data: { redemptions: page('RedemptionConnection', [redemption]) } },
      },
    ]);
    render(<RedemptionList bookId="b-1" live={false} />, { wrapper });
    const table = screen.getByRole('table', { name: 'Redemptions of this book, newest first' });
    expect(await within(table).findByRole('rowheader', { name: 'SPR-1' })).toBeTruthy();
    expect(within(table).getByText(/^Reversed/)).toBeTruthy();
    expect(screen.getByText('1 match')).toBeTruthy();
    expect((screen.getByLabelText('Status') as HTMLSelectElement).value).toBe('true');
  });
});
