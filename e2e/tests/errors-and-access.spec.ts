import { type Download, expect, test } from '@playwright/test';
import { assignCoupon, createAssignedCoupon, createBookWithCodes, createUser } from '../support/factories.ts';
import { graphql } from '../support/graphql.ts';
import { saveScreenshot } from '../support/screenshots.ts';
import { openSignedIn } from '../support/session.ts';

test('claiming a code that is already someone else’s reads like a code that does not exist (NOT_FOUND toast)', async ({ browser }) => {
  const [admin, owner, other] = await Promise.all([createUser('ADMIN'), createUser('USER'), createUser('USER')]);
  const { codes } = await createBookWithCodes(admin, 2);
  const taken = codes[0] as string;
  await assignCoupon(owner, taken);

  const { context, page } = await openSignedIn(browser, other, '/my-coupons');
  await page.getByLabel('Have a code?').fill(taken.toLowerCase());
  await page.getByRole('button', { name: 'Claim this code' }).click();
  const toast = page.getByRole('alert').filter({ hasText: `Could not claim ${taken}` });
  await expect(toast).toBeVisible();
  // Codes cannot be probed: the shopper learns nothing about a code someone else holds.
  await expect(toast.locator('code')).toHaveText('NOT_FOUND');
  await saveScreenshot(page, 'my-coupons-not-found-toast');
  await context.close();
});

test('claiming from a book whose last code went while choosing shows the SOLD_OUT toast', async ({ browser }) => {
  const [admin, user, other] = await Promise.all([createUser('ADMIN'), createUser('USER'), createUser('USER')]);
  const { book, codes } = await createBookWithCodes(admin, 1);
  const { context, page } = await openSignedIn(browser, user, '/my-coupons');
  await page.getByRole('combobox', { name: 'From a book' }).fill(book.name);
  await page.getByRole('option', { name: new RegExp(book.name) }).click();
  // Someone else takes the last code between the choice and the click.
  await assignCoupon(other, codes[0] as string);
  await page.getByRole('button', { name: 'Claim a coupon' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Could not claim a coupon' }).locator('code')).toHaveText('SOLD_OUT');
  await context.close();
});

test('a USER cannot open admin pages', async ({ browser }) => {
  const user = await createUser('USER');
  const { context, page } = await openSignedIn(browser, user, '/my-coupons');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link')).toHaveText(['My coupons']);
  for (const path of ['/books', '/books/new', '/pools', '/users', '/live', '/api-keys']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: 'Admins only' })).toBeVisible();
  }
  await saveScreenshot(page, 'forbidden');
  await context.close();
});

test('an invalid or expired token returns to sign-in with a message', async ({ browser }) => {
  const user = await createUser('USER');
  const { context, page } = await openSignedIn(browser, { ...user, token: 'expired.or.forged' }, '/my-coupons');
  await expect(page).toHaveURL(/\/sign-in\?reason=expired/);
  await expect(page.getByText('Your session has expired. Sign in again to continue.')).toBeVisible();
  await expect(page).not.toHaveURL(/token/);
  await saveScreenshot(page, 'sign-in-expired');
  await context.close();
});

test('a new user registers, lands on their coupons and signs out', async ({ page }) => {
  const email = `new-${Date.now()}-${Math.floor(Math.random() * 1e6)}@e2e.test`;
  await page.goto('/register');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Repeat password').fill('different');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Use at least 8 characters.')).toBeVisible();
  await expect(page.getByText('The passwords do not match.')).toBeVisible();
  await page.getByLabel('Password', { exact: true }).fill('a good long password');
  await page.getByLabel('Repeat password').fill('a good long password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/my-coupons$/);
  await expect(page.getByTestId('signed-in-email')).toHaveText(email);
  await expect(page.getByText('You have no coupons yet')).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in\?reason=signed-out/);
  await expect(page.getByText('You have signed out.')).toBeVisible();
  await saveScreenshot(page, 'sign-in');
});

test('the book form checks its rules inline', async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const { context, page } = await openSignedIn(browser, admin, '/books/new');
  await page.getByLabel('Name', { exact: true }).fill('Rules');
  await page.getByLabel('Percent off').fill('150');
  await page.getByLabel('Valid from').fill('2030-06-10T10:00');
  await page.getByLabel('Valid until').fill('2030-06-01T10:00');
  await page.getByLabel('Metadata (JSON)').fill('{not json');
  await page.getByRole('button', { name: 'Create book' }).click();
  await expect(page.getByText('A percentage cannot be more than 100.')).toBeVisible();
  await expect(page.getByText('The end must be after the start.')).toBeVisible();
  await expect(page.getByText('This is not valid JSON.')).toBeVisible();
  await expect(page.getByLabel('Percent off')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Percent off')).toBeFocused();

  // Two decimals at most: the shared rules (@coupons/rules) name it on its field before the round trip.
  await page.getByLabel('Percent off').fill('12.345');
  await page.getByLabel('Valid until').fill('2030-06-20T10:00');
  await page.getByLabel('Metadata (JSON)').fill('{"channel": "web"}');
  await page.getByRole('button', { name: 'Create book' }).click();
  await expect(page.locator('#book-discount-value-error')).toContainText('at most 2 decimal places');
  await expect(page.getByLabel('Percent off')).toHaveAttribute('aria-invalid', 'true');

  // Fixed, it saves; then the edit form round-trips the values.
  await page.getByLabel('Percent off').fill('12.5');
  await page.getByRole('button', { name: 'Create book' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Rules');
  await page.getByRole('link', { name: 'Edit book' }).click();
  await expect(page.getByLabel('Percent off')).toHaveValue('12.5');
  await expect(page.getByLabel('Metadata (JSON)')).toHaveValue(/"channel": "web"/);
  await page.getByLabel('Name', { exact: true }).fill('Rules, renamed');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Rules, renamed');
  await context.close();
});

test('a user locks and unlocks a coupon; the admin exports the book’s codes as CSV', async ({ browser }) => {
  const { admin, user, book, code, codes } = await createAssignedCoupon(2);

  const { context: userContext, page: userPage } = await openSignedIn(browser, user, '/my-coupons');
  const card = userPage.locator(`li[data-code="${code}"]`);
  await card.getByRole('button', { name: `Lock for checkout: ${code}` }).click();
  await expect(card).toHaveAttribute('data-state', 'LOCKED');
  await card.getByRole('button', { name: `Unlock ${code}` }).click();
  await expect(card).toHaveAttribute('data-state', 'ASSIGNED');
  await expect(card.getByRole('timer')).toHaveCount(0);

  const { context: adminContext, page } = await openSignedIn(browser, admin, `/books/${book.id}`, { acceptDownloads: true });
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.getByRole('button', { name: 'Export codes' }).click()]);
  expect(download.suggestedFilename()).toMatch(/-codes\.csv$/);
  // The token travelled in a header of a fetch: the download is a blob, never an API URL with a token.
  expect(download.url()).toMatch(/^blob:/);
  const csv = await readDownload(download);
  expect(csv.split('\n')[0]).toContain('code');
  for (const c of codes) expect(csv).toContain(c);
  expect(csv).toContain(user.email);
  await userContext.close();
  await adminContext.close();
});

test('main admin pages: users and the live dashboard (screenshots)', async ({ browser }) => {
  const { admin, user, book, code } = await createAssignedCoupon(4, { userPrefix: 'live' });

  const { context, page } = await openSignedIn(browser, admin, '/books');
  await page.getByRole('searchbox', { name: 'Search books' }).fill(book.name);
  await expect(page.getByRole('row', { name: new RegExp(book.name) })).toBeVisible();
  await saveScreenshot(page, 'books-list');

  await page.goto('/users');
  await page.getByRole('searchbox', { name: 'Email contains' }).fill(user.email);
  await page.getByRole('button', { name: new RegExp(user.email) }).click();
  await expect(page.getByRole('row', { name: new RegExp(code) })).toBeVisible();
  await saveScreenshot(page, 'users');

  await page.goto('/pools');
  await saveScreenshot(page, 'pools');

  // The live feed: a redemption made elsewhere appears without a reload.
  await page.goto('/live');
  await expect(page.getByRole('heading', { name: 'Redemption feed' })).toBeVisible();
  await expect(page.getByText('Live', { exact: true }).first()).toBeVisible();
  await graphql(user.token, 'mutation ($code: String!) { lockCoupon(code: $code) { id } }', { code });
  await graphql(user.token, 'mutation ($code: String!) { redeemCoupon(code: $code) { id } }', { code });
  await expect(page.locator('.feed__item').filter({ hasText: code })).toBeVisible();
  await saveScreenshot(page, 'live-dashboard');
  await context.close();
});

async function readDownload(download: Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
