import { act, render, renderHook } from '@testing-library/react';
import { type ReactNode, startTransition, Suspense } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useUrlPaging, useUrlSearchInput } from './use-url-paging';
import { useUrlState } from './use-url-state';

// next's router is stubbed: the URL is `location`, push and replace write it.
let location = new URLSearchParams();
const write = (href: string) => {
  location = new URLSearchParams(href.split('?')[1] ?? '');
};
const push = vi.fn(write);
const replace = vi.fn(write);
vi.mock('next/navigation', () => ({
  useSearchParams: () => location,
  usePathname: () => '/books/b-1',
  useRouter: () => ({ push, replace }),
}));

beforeEach(() => {
  push.mockReset();
  replace.mockReset();
});

const list = { totalCount: 45, hasMore: true, endCursor: 'c-20' };

describe('useUrlPaging', () => {
  it('reads the page, its cursor and the size from the URL, under its prefix, beside another list’s keys', () => {
    location = new URLSearchParams('page=3&after=x&rpage=2&rafter=c-20&rsize=50&reversed=true');
    const { result } = renderHook(() => useUrlPaging(['reversed'], { prefix: 'r', defaultSize: 20, label: 'Redemption pages' }));
    expect(result.current).toMatchObject({ page: 2, start: 'c-20', pageSize: 50, filters: { reversed: 'true' } });
    expect(result.current.pager(list)).toMatchObject({ label: 'Redemption pages', page: 2, pageSize: 50, totalCount: 45, hasNext: true });
  });

  it('starts at page 1 for a page number without its cursor or a size it does not offer', () => {
    location = new URLSearchParams('page=4&size=7');
    const { result } = renderHook(() => useUrlPaging([], { label: 'Pages' }));
    expect(result.current).toMatchObject({ page: 1, start: null, pageSize: 50 });
  });

  it('Next page writes the next number and the last row’s cursor; a filter or a size goes back to page 1; a size keeps the filters', () => {
    location = new URLSearchParams('state=LOCKED&page=2&after=c-20&size=20&redeemedCode=X');
    const { result } = renderHook(() => useUrlPaging(['state', 'email'], { label: 'Coupon pages' }));
    act(() => result.current.pager({ ...list, endCursor: 'c-40' }).onNext());
    expect(push).toHaveBeenLastCalledWith('/books/b-1?state=LOCKED&page=3&after=c-40&size=20&redeemedCode=X', { scroll: false });

    location = new URLSearchParams('state=LOCKED&page=2&after=c-20&size=20');
    const again = renderHook(() => useUrlPaging(['state', 'email'], { label: 'Coupon pages' }));
    act(() => again.result.current.applyFilters({ email: 'ann@example.com' }));
    expect(push).toHaveBeenLastCalledWith('/books/b-1?state=LOCKED&size=20&email=ann%40example.com', { scroll: false });
    again.rerender(); // the router shows it

    location = new URLSearchParams('state=LOCKED&page=2&after=c-20&size=20');
    const sized = renderHook(() => useUrlPaging(['state', 'email'], { label: 'Coupon pages' }));
    act(() => sized.result.current.pager(list).onPageSize(50));
    // 50 is this list's default: left out of the URL.
    expect(push).toHaveBeenLastCalledWith('/books/b-1?state=LOCKED', { scroll: false });
  });
});

// A users list whose render of the URL `suspendOn` suspends, so React never commits it: the page
// keeps showing the URL before it, and its handlers (`committed`) are that render's.
let suspendOn: string | null = null;
let committed: ReturnType<typeof useUrlPaging<'search' | 'role'>> | null = null;
const never = new Promise<never>(() => {});
function SuspendingUsers() {
  const paging = useUrlPaging(['search', 'role'], { label: 'User pages' });
  if (location.toString() === suspendOn) throw never;
  committed = paging;
  return null;
}

describe('useUrlState', () => {
  it('a second write before the router shows the first builds on it: a filter chosen while a typed search waits keeps both', () => {
    location = new URLSearchParams('');
    // The router has not shown the first write yet: the page still reads the old URL.
    const slow = vi.fn();
    push.mockImplementationOnce(slow);
    replace.mockImplementationOnce(slow);
    const { result, rerender } = renderHook(() => useUrlPaging(['search', 'role'], { label: 'User pages' }));
    act(() => result.current.applyFilters({ role: 'USER' }));
    act(() => result.current.applyFilters({ search: 'ann' }, { replace: true }));
    expect(slow).toHaveBeenNthCalledWith(1, '/books/b-1?role=USER', { scroll: false });
    expect(slow).toHaveBeenNthCalledWith(2, '/books/b-1?role=USER&search=ann', { scroll: false });
    // The router shows the first write, then the second.
    for (const shown of ['role=USER', 'role=USER&search=ann']) {
      location = new URLSearchParams(shown);
      rerender();
    }
    expect(result.current.filters).toEqual({ role: 'USER', search: 'ann' });
  });

  it('a render of the next URL that React drops (a transition interrupted by a click) does not end the pending write: the click builds on it', () => {
    location = new URLSearchParams('');
    const slow = vi.fn();
    replace.mockImplementationOnce(slow);
    push.mockImplementationOnce(slow);
    const wrap = (children: ReactNode) => <Suspense fallback="loading">{children}</Suspense>;
    const view = render(wrap(<SuspendingUsers />));
    // The search's timer writes `search=ann`; the router starts rendering it (a transition) …
    act(() => committed?.applyFilters({ search: 'ann' }, { replace: true }));
    expect(slow).toHaveBeenNthCalledWith(1, '/books/b-1?search=ann', { scroll: false });
    suspendOn = 'search=ann';
    location = new URLSearchParams('search=ann');
    act(() => startTransition(() => view.rerender(wrap(<SuspendingUsers />))));
    expect(view.container.textContent).toBe('');
    // … and before it commits, a role is chosen on the page still shown.
    act(() => committed?.applyFilters({ role: 'USER' }));
    expect(slow).toHaveBeenNthCalledWith(2, '/books/b-1?search=ann&role=USER', { scroll: false });
  });

  it('so does a write by another list of the same page: a user chosen while the typed search waits stays chosen', () => {
    location = new URLSearchParams('role=USER');
    const slow = vi.fn();
    replace.mockImplementationOnce(slow).mockImplementationOnce(slow);
    const users = renderHook(() => useUrlPaging(['search', 'role'], { label: 'User pages' }));
    const chosen = renderHook(() => useUrlState(['email']));
    act(() => chosen.result.current.apply({ email: 'ann@example.com' }, { replace: true }));
    // The search's timer fires before the router has shown the chosen user.
    act(() => users.result.current.applyFilters({ search: 'ann' }, { replace: true }));
    expect(slow).toHaveBeenNthCalledWith(1, '/books/b-1?role=USER&email=ann%40example.com', { scroll: false });
    expect(slow).toHaveBeenNthCalledWith(2, '/books/b-1?role=USER&email=ann%40example.com&search=ann', { scroll: false });
    location = new URLSearchParams('role=USER&email=ann%40example.com&search=ann');
    users.rerender();
    chosen.rerender();
    expect(chosen.result.current.values).toEqual({ email: 'ann@example.com' });
  });

  it('a write back to the URL it started from, once shown, leaves nothing pending: Back then builds on what Back shows', () => {
    location = new URLSearchParams('role=USER');
    const slow = vi.fn();
    push.mockImplementationOnce(slow);
    const users = renderHook(() => useUrlPaging(['search', 'role'], { label: 'User pages' }));
    act(() => users.result.current.applyFilters({ role: 'ADMIN' }));
    // Before the router shows role=ADMIN, the role goes back to USER.
    act(() => users.result.current.applyFilters({ role: 'USER' }));
    expect(push).toHaveBeenLastCalledWith('/books/b-1?role=USER', { scroll: false });
    // The router shows role=ADMIN, then role=USER; then Back shows role=ADMIN again.
    for (const shown of ['role=ADMIN', 'role=USER', 'role=ADMIN']) {
      location = new URLSearchParams(shown);
      users.rerender();
    }
    act(() => users.result.current.applyFilters({ search: 'ann' }, { replace: true }));
    expect(replace).toHaveBeenLastCalledWith('/books/b-1?role=ADMIN&search=ann', { scroll: false });
  });

  it('once the router has shown a write, Back to the URL it was written over is read as it is', () => {
    location = new URLSearchParams('role=USER');
    const users = renderHook(() => useUrlPaging(['search', 'role'], { label: 'User pages' }));
    act(() => users.result.current.applyFilters({ search: 'ann' }, { replace: true }));
    users.rerender();
    expect(users.result.current.filters).toMatchObject({ search: 'ann', role: 'USER' });
    // Back: the URL before the write.
    location = new URLSearchParams('role=USER');
    users.rerender();
    act(() => users.result.current.applyFilters({ role: 'ADMIN' }));
    expect(push).toHaveBeenLastCalledWith('/books/b-1?role=ADMIN', { scroll: false });
  });
});

describe('useUrlSearchInput', () => {
  it('shows the text as typed and writes it once typing pauses; a URL changed by Back shows its own search', async () => {
    vi.useFakeTimers();
    try {
      const commit = vi.fn();
      const { result, rerender } = renderHook(({ value }) => useUrlSearchInput(value, commit, 250), { initialProps: { value: '' } });
      act(() => result.current.onChange('sp'));
      act(() => result.current.onChange('spring '));
      expect(result.current.value).toBe('spring ');
      expect(commit).not.toHaveBeenCalled();
      act(() => vi.advanceTimersByTime(250));
      expect(commit).toHaveBeenCalledExactlyOnceWith('spring');
      rerender({ value: 'spring' });
      expect(result.current.value).toBe('spring ');
      rerender({ value: 'autumn' });
      expect(result.current.value).toBe('autumn');
    } finally {
      vi.useRealTimers();
    }
  });
});
