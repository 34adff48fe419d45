import { expect, type Page, test } from '@playwright/test';
import { createAssignedCoupon, createBook, createUser } from '../support/factories.ts';
import { openSignedIn } from '../support/session.ts';

// Issue 17, items 5 and 10: length limits shown as counters and enforced before submit (a paste
// is kept whole, not cut), the API's rules checked in the browser from the shared schema, long
// unbroken text wraps instead of widening the page, and the favicon is served.

test('the book form counts its name, keeps a 240-character paste whole and refuses it before the round trip', async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const { context, page } = await openSignedIn(browser, admin, '/books/new');
  const name = page.getByLabel('Name', { exact: true });
  await expect(page.getByText('0 of 200 characters')).toBeVisible();
  await name.fill('n'.repeat(240));
  await expect(name).toHaveValue('n'.repeat(240));
  await expect(page.getByText('240 of 200 characters: 40 too many')).toBeVisible();
  await page.getByLabel('Percent off').fill('10');
  let created = 0;
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.postData()?.includes('createBook')) created++;
  });
  await page.getByRole('button', { name: 'Create book' }).click();
  await expect(page.locator('#book-name-error')).toHaveText('Keep the name to 200 characters.');
  await expect(name).toBeFocused();
  expect(created).toBe(0);
  await expect(page).toHaveURL(/\/books\/new$/);
  await context.close();
});

test('a 600-character description without spaces wraps: the book page is no wider than the window', async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const book = await createBook(admin, { description: 'W'.repeat(600) });
  for (const viewport of [
    { width: 1440, height: 900 },
    { width: 390, height: 844 },
  ]) {
    const { context, page } = await openSignedIn(browser, admin, `/books/${book.id}`);
    await page.setViewportSize(viewport);
    await expect(page.getByText('W'.repeat(600))).toBeVisible();
    const widths = await pageWidths(page);
    expect(widths.page, `at ${viewport.width} px`).toBeLessThanOrEqual(widths.window);
    await context.close();
  }
});

test('a 200-character book name without spaces wraps in a shopper’s coupon card and the admin’s coupon page', async ({ browser }) => {
  const longName = 'L'.repeat(200);
  const { admin, user, code } = await createAssignedCoupon(1, { book: { name: longName } });
  for (const [who, path] of [
    [user, '/my-coupons'],
    [admin, `/coupons/${code}`],
  ] as const) {
    const { context, page } = await openSignedIn(browser, who, path);
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByText(longName).first()).toBeVisible();
    const widths = await pageWidths(page);
    expect(widths.page, path).toBeLessThanOrEqual(widths.window);
    await context.close();
  }
});

test('a shopper’s mistyped code is named before it costs a guess, and the field counts to 64', async ({ browser }) => {
  const { user } = await createAssignedCoupon(1);
  const { context, page } = await openSignedIn(browser, user, '/my-coupons');
  const field = page.getByLabel('Have a code?');
  let claims = 0;
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.postData()?.includes('assignCoupon')) claims++;
  });
  await field.fill('summer 10');
  await expect(page.getByText('9 of 64 characters')).toBeVisible();
  await page.getByRole('button', { name: 'Claim this code' }).click();
  await expect(page.locator('#claim-code-error')).toHaveText('A code has only letters, digits, "-" and "_".');
  expect(claims).toBe(0);
  await context.close();
});

test('the favicon is served', async ({ request }) => {
  const favicon = await request.get('/favicon.ico');
  expect(favicon.status()).toBe(200);
  expect((await favicon.body()).length).toBeGreaterThan(0);
});

/** The page's scroll width and the window's width (the e2e project has no DOM types: the page's globals are described here). */
function pageWidths(page: Page): Promise<{ page: number; window: number }> {
  return page.evaluate(() => {
    const view = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
    return { page: view.document.documentElement.scrollWidth, window: view.innerWidth };
  });
}
