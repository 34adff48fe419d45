import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { assignCoupon, createBook, createBookWithCodes, createUser } from '../support/factories.ts';
import { graphql } from '../support/graphql.ts';
import { saveScreenshot } from '../support/screenshots.ts';
import { openSignedIn } from '../support/session.ts';

// Issue 17, items 1 and 2: an admin gives one customer a coupon (preview, then confirm) from the
// user's page and from the book's page; every book picker searches the server by name.

async function ownerOf(admin: { token: string }, code: string): Promise<string | null> {
  const data = await graphql<{ coupon: { user: { email: string | null } | null } | null }>(admin.token, 'query ($c: String!) { coupon(code: $c) { user { email } } }', { c: code });
  return data.coupon?.user?.email ?? null;
}

test('from a user’s page an admin gives a random code of a book found by search, after a preview; a taken code is refused in the preview', async ({ browser }) => {
  const [admin, ana, ben] = await Promise.all([createUser('ADMIN'), createUser('USER', 'ana'), createUser('USER', 'ben')]);
  const { book, codes } = await createBookWithCodes(admin, 3, { name: `Welcome ${randomUUID().slice(0, 8)}` });
  await assignCoupon(ben, codes[0] as string);

  const { context, page } = await openSignedIn(browser, admin, `/users?email=${encodeURIComponent(ana.email)}`);
  const panel = page.getByRole('region', { name: `Give ${ana.email} a coupon` });
  await expect(panel).toBeVisible();
  // The picker from the keyboard: type part of the name, arrow down, Enter.
  const picker = panel.getByRole('combobox', { name: 'Book to assign from' });
  await picker.fill(book.name.slice(0, 14));
  await expect(panel.getByRole('option', { name: new RegExp(book.name) })).toBeVisible();
  await picker.press('ArrowDown');
  await picker.press('Enter');
  await expect(picker).toHaveValue(book.name);
  await panel.getByRole('button', { name: 'Preview assignment' }).click();
  await expect(panel.getByTestId('assign-preview')).toHaveText(`${ana.email} gets one random code of ${book.name} (2 left).`);
  await expect(panel.getByRole('heading', { name: 'Preview: nothing is assigned yet' })).toBeFocused();
  // Nothing has changed yet.
  const coupons = page.getByRole('table', { name: `Coupons of ${ana.email}` });
  await expect(page.getByText('No coupons yet')).toBeVisible();
  await saveScreenshot(page, 'assign-preview');
  await panel.getByRole('button', { name: 'Confirm and assign' }).click();
  await expect(panel.getByRole('status').filter({ hasText: `is now ${ana.email}’s.` })).toBeVisible();
  await expect(coupons.getByRole('row')).toHaveCount(2); // header + the new coupon
  const given = (await panel.getByRole('status').getByRole('link').textContent()) as string;
  expect(codes.slice(1)).toContain(given);
  expect(await ownerOf(admin, given)).toBe(ana.email);

  // A code someone else holds: the preview says so and Confirm stays off.
  await panel.getByLabel('This code').check();
  await panel.getByLabel('Code to assign').fill((codes[0] as string).toLowerCase());
  await panel.getByRole('button', { name: 'Preview assignment' }).click();
  await expect(panel.getByRole('alert')).toContainText(`held by ${ben.email}`);
  await expect(panel.getByRole('button', { name: 'Confirm and assign' })).toBeDisabled();
  expect(await ownerOf(admin, codes[0] as string)).toBe(ben.email);
  await context.close();
});

test('from a book’s page an admin gives a chosen code to a user named by email', async ({ browser }) => {
  const [admin, ana] = await Promise.all([createUser('ADMIN'), createUser('USER', 'ana')]);
  const { book, codes } = await createBookWithCodes(admin, 2);
  const code = codes[1] as string;
  const { context, page } = await openSignedIn(browser, admin, `/books/${book.id}`);
  const panel = page.getByRole('region', { name: 'Give a user a coupon' });
  await panel.getByLabel('User’s email or customer id').fill(`nobody-${randomUUID().slice(0, 6)}@e2e.test`);
  await panel.getByLabel('This code').check();
  await panel.getByLabel('Code to assign').fill(code);
  await panel.getByRole('button', { name: 'Preview assignment' }).click();
  await expect(panel.getByText('No user has this email or customer id.')).toBeVisible();
  await panel.getByLabel('User’s email or customer id').fill(ana.email);
  await panel.getByRole('button', { name: 'Preview assignment' }).click();
  await expect(panel.getByTestId('assign-preview')).toHaveText(`${ana.email} gets ${code} of ${book.name}.`);
  expect(await ownerOf(admin, code)).toBeNull();
  await panel.getByRole('button', { name: 'Confirm and assign' }).click();
  await expect(panel.getByRole('status').filter({ hasText: `${code} is now ${ana.email}’s.` })).toBeVisible();
  expect(await ownerOf(admin, code)).toBe(ana.email);
  // The book's live table shows the new owner.
  await expect(page.locator(`tr[data-code="${code}"]`)).toContainText(ana.email);
  await context.close();
});

test('a shopper finds an old book among more than 100 newer ones by typing its name; a sold-out one is not offered', async ({ browser }) => {
  const [admin, shopper] = await Promise.all([createUser('ADMIN'), createUser('USER')]);
  const stem = `Findme ${randomUUID().slice(0, 8)}`;
  const { book } = await createBookWithCodes(admin, 2, { name: `${stem} welcome` });
  const soldOut = await createBook(admin, { name: `${stem} sold out` });
  for (let batch = 0; batch < 6; batch += 1) {
    await Promise.all(Array.from({ length: 20 }, () => createBook(admin)));
  }
  const { context, page } = await openSignedIn(browser, shopper, '/my-coupons');
  const picker = page.getByRole('combobox', { name: 'From a book' });
  await picker.fill(stem.toLowerCase());
  const options = page.getByRole('listbox', { name: 'Books' }).getByRole('option');
  await expect(options).toHaveCount(1);
  await expect(options.first()).toContainText(book.name);
  await expect(page.getByRole('option', { name: new RegExp(soldOut.name) })).toHaveCount(0);
  await options.first().click();
  await page.getByRole('button', { name: 'Claim a coupon' }).click();
  await expect(page.getByRole('status').or(page.getByRole('alert')).filter({ hasText: 'is yours' }).first()).toBeVisible();
  await context.close();
});
