import { randomUUID } from 'node:crypto';
import { expect, type Page, test } from '@playwright/test';
import { assignCoupon, createBook, createBookWithCodes, createUser } from '../support/factories.ts';
import { graphql } from '../support/graphql.ts';
import { openSignedIn } from '../support/session.ts';

// Issue 17, item 2: every list pages by page ("Page 2 of 2") with Next page, and its search,
// filters and page live in the URL: a reload shows the same page, Back returns to the one before.

/** The names in the first column of the table, in order. */
const namesIn = (page: Page, table: string) => page.getByRole('table', { name: table }).getByRole('rowheader').allTextContents();

test('books: search and page 2 survive a reload, Back returns to page 1 of the same search', async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const stem = `Paging ${randomUUID().slice(0, 8)}`;
  // More than a page (20 by default) of books that the search finds, and one it does not.
  for (let i = 0; i < 23; i += 1) await createBook(admin, { name: `${stem} ${String(i + 1).padStart(2, '0')}` });
  await createBook(admin);
  const { context, page } = await openSignedIn(browser, admin, '/books');

  await page.getByRole('searchbox', { name: 'Search books' }).fill(stem);
  await expect(page).toHaveURL(new RegExp(`search=${encodeURIComponent(stem).replace(/%20/g, '(\\+|%20)')}`));
  const pager = page.getByRole('navigation', { name: 'Book pages' });
  await expect(pager.getByTestId('book-page')).toHaveText('Page 1 of 2');
  await expect(page.getByText('23 books')).toBeVisible();
  const first = await namesIn(page, 'Books with coupons per state');
  expect(first).toHaveLength(20);
  expect(first.every((name) => name.startsWith(stem))).toBe(true);

  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(pager.getByTestId('book-page')).toHaveText('Page 2 of 2');
  await expect(page.getByRole('table', { name: 'Books with coupons per state' }).getByRole('rowheader')).toHaveCount(3);
  const second = await namesIn(page, 'Books with coupons per state');
  expect(second.filter((name) => first.includes(name))).toEqual([]);
  expect(new Set([...first, ...second]).size).toBe(23);
  await expect(pager.getByRole('button', { name: 'Next page' })).toHaveCount(0);

  // A reload keeps the search and the page.
  await page.reload();
  await expect(pager.getByTestId('book-page')).toHaveText('Page 2 of 2');
  await expect(page.getByRole('searchbox', { name: 'Search books' })).toHaveValue(stem);
  expect(await namesIn(page, 'Books with coupons per state')).toEqual(second);

  // Back returns to page 1 of the same search.
  await page.goBack();
  await expect(pager.getByTestId('book-page')).toHaveText('Page 1 of 2');
  await expect(page).not.toHaveURL(/page=/);
  await expect(page.getByRole('searchbox', { name: 'Search books' })).toHaveValue(stem);
  expect(await namesIn(page, 'Books with coupons per state')).toEqual(first);
  await context.close();
});

test('users: a role filter and the page live in the URL; a shared link opens the same page; a new filter starts at page 1', async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const prefix = `pg${randomUUID().slice(0, 6)}`;
  await Promise.all(Array.from({ length: 22 }, () => createUser('USER', prefix)));
  await createUser('ADMIN', prefix);
  const { context, page } = await openSignedIn(browser, admin, '/users');

  await page.getByRole('searchbox', { name: 'Email contains' }).fill(prefix);
  await page.getByLabel('Role').selectOption('USER');
  await expect(page).toHaveURL(/role=USER/);
  await expect(page).toHaveURL(new RegExp(`search=${prefix}`));
  const pager = page.getByRole('navigation', { name: 'User pages' });
  await expect(pager.getByTestId('user-page')).toHaveText('Page 1 of 2');
  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(pager.getByTestId('user-page')).toHaveText('Page 2 of 2');
  await expect(page.getByRole('table', { name: 'Users' }).getByRole('rowheader')).toHaveCount(2);
  const second = await namesIn(page, 'Users');

  // The link opens the same page, filters and all, in a new tab.
  const shared = await context.newPage();
  await shared.goto(page.url());
  await expect(shared.getByRole('navigation', { name: 'User pages' }).getByTestId('user-page')).toHaveText('Page 2 of 2');
  await expect(shared.getByLabel('Role')).toHaveValue('USER');
  expect(await namesIn(shared, 'Users')).toEqual(second);

  // Another filter starts again at page 1.
  await page.getByLabel('Role').selectOption({ label: 'Any' });
  await expect(page).not.toHaveURL(/page=/);
  await expect(pager.getByTestId('user-page')).toHaveText('Page 1 of 2');
  await expect(page.getByText('23 users')).toBeVisible();
  await context.close();
});

test('a pool’s members: page 2 by its button, kept by a reload; Back returns to page 1', async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const prefix = `pm${randomUUID().slice(0, 6)}`;
  const members = await Promise.all(Array.from({ length: 24 }, () => createUser('USER', prefix)));
  const { createPool } = await graphql<{ createPool: { id: string } }>(admin.token, `mutation ($name: String!) { createPool(name: $name) { id } }`, { name: `Pool ${prefix}` });
  await graphql(admin.token, `mutation ($poolId: ID!, $userIds: [ID!]) { addPoolMembers(poolId: $poolId, userIds: $userIds) { id } }`, {
    poolId: createPool.id,
    userIds: members.map((m) => m.id),
  });
  const { context, page } = await openSignedIn(browser, admin, `/pools/${createPool.id}`);
  await expect(page.getByTestId('member-count')).toHaveText('24 members');
  const pager = page.getByRole('navigation', { name: 'Member pages' });
  await expect(pager.getByTestId('member-page')).toHaveText('Page 1 of 2');
  const first = await namesIn(page, 'Pool members');
  expect(first).toHaveLength(20);

  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(pager.getByTestId('member-page')).toHaveText('Page 2 of 2');
  await expect(page.getByRole('table', { name: 'Pool members' }).getByRole('rowheader')).toHaveCount(4);
  const second = await namesIn(page, 'Pool members');
  expect(new Set([...first, ...second])).toEqual(new Set(members.map((m) => m.email)));

  await page.reload();
  await expect(pager.getByTestId('member-page')).toHaveText('Page 2 of 2');
  expect(await namesIn(page, 'Pool members')).toEqual(second);
  await page.goBack();
  await expect(pager.getByTestId('member-page')).toHaveText('Page 1 of 2');
  expect(await namesIn(page, 'Pool members')).toEqual(first);
  await context.close();
});

test("a user's coupons page by page in the URL beside the users list; choosing another user starts at page 1", async ({ browser }) => {
  const [admin, user, other] = await Promise.all([createUser('ADMIN'), createUser('USER'), createUser('USER')]);
  // More than a page (20) of coupons held by one user.
  const { codes } = await createBookWithCodes(admin, 23);
  for (const code of codes) await assignCoupon(user, code);
  await assignCoupon(other, (await createBookWithCodes(admin, 1)).codes[0] as string);
  const { context, page } = await openSignedIn(browser, admin, `/users?email=${encodeURIComponent(user.email)}`);

  const table = `Coupons of ${user.email}`;
  const pager = page.getByRole('navigation', { name: 'Coupon pages' });
  await expect(pager.getByTestId('user-coupon-page')).toHaveText('Page 1 of 2');
  const first = await namesIn(page, table);
  expect(first).toHaveLength(20);
  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(page).toHaveURL(/cpage=2/);
  await expect(pager.getByTestId('user-coupon-page')).toHaveText('Page 2 of 2');
  await expect(page.getByRole('table', { name: table }).getByRole('rowheader')).toHaveCount(3);
  const second = await namesIn(page, table);
  expect(new Set([...first, ...second])).toEqual(new Set(codes));

  // A reload keeps the user and the page; Back returns to page 1.
  await page.reload();
  await expect(pager.getByTestId('user-coupon-page')).toHaveText('Page 2 of 2');
  expect(await namesIn(page, table)).toEqual(second);
  await page.goBack();
  await expect(pager.getByTestId('user-coupon-page')).toHaveText('Page 1 of 2');
  expect(await namesIn(page, table)).toEqual(first);

  // Another user's coupons start at their first page (the cursor of this list is not carried over).
  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(page).toHaveURL(/cpage=2/);
  await page.getByRole('searchbox', { name: 'Email contains' }).fill(other.email);
  await page.getByRole('button', { name: other.email }).click();
  await expect(page.getByRole('table', { name: `Coupons of ${other.email}` }).getByRole('rowheader')).toHaveCount(1);
  await expect(page).not.toHaveURL(/cpage=|cafter=/);
  await context.close();
});
