import { expect, test } from '@playwright/test';
import { createBook, createUser, uniqueCodes, uploadCodes } from '../support/factories.ts';
import { openSignedIn } from '../support/session.ts';

// Issue 17, item 2: a book's coupons page by page, with a total and a page size, all in the URL.

test('a book’s coupons go page by page (20 by default) with a chosen page size; the page survives a reload and a filter starts again at page 1', async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const book = await createBook(admin);
  // 45 distinct codes (uniqueCodes' digits may fold together): one stem, two letters after it.
  const stem = uniqueCodes(1)[0] as string;
  const letters = 'ABCDEFGHJKMNPQRSTUVWXYZ';
  const codes = Array.from({ length: 45 }, (_, i) => `${stem}${letters[Math.floor(i / letters.length)]}${letters[i % letters.length]}`);
  expect(await uploadCodes(admin, book.id, codes)).toBe(45);
  const { context, page } = await openSignedIn(browser, admin, `/books/${book.id}`);
  const pager = page.getByRole('navigation', { name: 'Coupon pages' });
  const rows = page.locator('tr[data-code]');
  // 20 a page by default; 50 shows them all.
  await expect(pager.getByTestId('coupon-page')).toHaveText('Page 1 of 3');
  await expect(rows).toHaveCount(20);
  await pager.getByLabel('Per page').selectOption('50');
  await expect(page).toHaveURL(/size=50/);
  await expect(pager.getByTestId('coupon-page')).toHaveText('Page 1 of 1');
  await expect(rows).toHaveCount(45);

  await pager.getByLabel('Per page').selectOption('20');
  await expect(page).not.toHaveURL(/size=/);
  await expect(pager.getByTestId('coupon-page')).toHaveText('Page 1 of 3');
  await expect(rows).toHaveCount(20);
  const firstPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-code')));

  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(pager.getByTestId('coupon-page')).toHaveText('Page 2 of 3');
  await expect(rows).toHaveCount(20);
  const secondPage = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-code')));
  expect(secondPage.filter((code) => firstPage.includes(code))).toEqual([]);

  await page.reload();
  await expect(pager.getByTestId('coupon-page')).toHaveText('Page 2 of 3');
  await expect(rows).toHaveCount(20);
  await expect(rows.first()).toHaveAttribute('data-code', secondPage[0] as string);

  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(pager.getByTestId('coupon-page')).toHaveText('Page 3 of 3');
  await expect(rows).toHaveCount(5);
  await expect(pager.getByRole('button', { name: 'Next page' })).toHaveCount(0);
  await page.goBack();
  await expect(pager.getByTestId('coupon-page')).toHaveText('Page 2 of 3');

  // A filter starts again at page 1 and keeps the page size.
  await pager.getByLabel('Per page').selectOption('100');
  await expect(page).toHaveURL(/size=100/);
  const filters = page.getByRole('search', { name: 'Filter coupons' });
  await filters.getByLabel('Code starts with').fill(codes[0] as string);
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(rows).toHaveCount(1);
  await expect(page).not.toHaveURL(/page=/);
  await expect(page).toHaveURL(/size=100/);
  // No more than the smallest page holds: nothing to page, so no pager.
  await expect(pager).toHaveCount(0);
  await context.close();
});
