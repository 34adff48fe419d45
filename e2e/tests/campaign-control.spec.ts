import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { createAssignedCoupon, createBook, createUser } from '../support/factories.ts';
import { ApiError, errorCodeOf, graphql } from '../support/graphql.ts';
import { saveScreenshot } from '../support/screenshots.ts';
import { openSignedIn } from '../support/session.ts';
import type { TestUser } from '../support/factories.ts';

// Campaign control in the console (issue 16, item 8): an admin pauses a book (shoppers' claims are
// refused), resumes it, voids a leaked code with a reason that tops its history, and finds each of
// those actions on the audit page.

/** A shopper's claim of a random coupon of the book, through the API: the error code, or null. */
function claim(shopper: TestUser, bookId: string): Promise<string | null> {
  return errorCodeOf(shopper.token, 'mutation ($bookId: ID!) { assignRandomCoupon(bookId: $bookId) { id } }', { bookId });
}

test('an admin pauses and resumes a book, voids a coupon with a reason, and finds it all in the audit log', async ({ browser }) => {
  const { admin, user: shopper, book, code } = await createAssignedCoupon(4);
  const reason = `Leaked on a forum ${randomUUID().slice(0, 6)}`;
  const { page } = await openSignedIn(browser, admin, `/books/${book.id}`);
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toContainText(book.name);
  await expect(heading).toContainText('Active');

  // ── Pause: confirmed first (Cancel has focus), then shoppers are refused ──
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  const pauseDialog = page.getByRole('alertdialog', { name: `Pause “${book.name}”?` });
  await expect(pauseDialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await pauseDialog.getByRole('button', { name: 'Pause book' }).click();
  await expect(pauseDialog).toHaveCount(0);
  await expect(heading).toContainText('Paused');
  await expect(page.getByRole('button', { name: 'Resume', exact: true })).toBeVisible();
  await saveScreenshot(page, 'book-paused');
  expect(await claim(shopper, book.id)).toBe('BOOK_NOT_ACTIVE');

  // ── Resume: no confirmation needed; claims work again ──
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(heading).toContainText('Active');
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  expect(await claim(shopper, book.id)).toBeNull();

  // ── The shopper's coupon, from the book's coupon table: void it with a reason ──
  await page.getByRole('link', { name: code, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/coupons/${code}$`));
  await expect(heading).toContainText(code);
  await expect(heading).toContainText('Assigned');
  await expect(page.getByRole('link', { name: shopper.email })).toBeVisible();
  const history = page.getByRole('list', { name: 'History' });
  await expect(history.getByRole('listitem').first()).toContainText('Assigned');

  await page.getByRole('button', { name: 'Void…' }).click();
  const voidDialog = page.getByRole('alertdialog', { name: 'Void this coupon?' });
  const confirmVoid = voidDialog.getByRole('button', { name: 'Void coupon' });
  await expect(voidDialog.getByLabel('Reason (required)')).toBeFocused();
  await expect(confirmVoid).toBeDisabled();
  await voidDialog.getByLabel('Reason (required)').fill(reason);
  await confirmVoid.click();
  await expect(voidDialog).toHaveCount(0);
  await expect(heading).toContainText('Void');
  const newest = history.getByRole('listitem').first();
  await expect(newest).toContainText('Voided');
  await expect(newest).toContainText(`Reason: ${reason}`);
  await expect(newest).toContainText(admin.email);
  await expect(page.getByRole('button', { name: 'Void…' })).toHaveCount(0);
  await saveScreenshot(page, 'coupon-voided');
  // The API agrees: the code is VOID.
  const { coupon } = await graphql<{ coupon: { state: string } }>(admin.token, 'query ($code: String!) { coupon(code: $code) { state } }', { code });
  expect(coupon.state).toBe('VOID');

  // ── The audit page lists the pause, the resume and the void, each linked to its target ──
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  const log = page.getByRole('table', { name: 'Audit log' });
  await page.getByLabel('Target').selectOption('BOOK');
  for (const action of ['BOOK_PAUSED', 'BOOK_RESUMED']) {
    const row = log.locator(`tr[data-action="${action}"][data-target="${book.id}"]`);
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('You');
  }
  await page.getByLabel('Target').selectOption('COUPON');
  await page.getByLabel('Action').selectOption('COUPON_VOIDED');
  const voided = log.locator(`tr[data-action="COUPON_VOIDED"][data-target="${code}"]`);
  await expect(voided).toHaveCount(1);
  await expect(voided).toContainText('Coupon voided');
  await expect(voided).toContainText(reason);
  await saveScreenshot(page, 'audit-log');
  await voided.getByRole('link', { name: new RegExp(code) }).click();
  await expect(page).toHaveURL(new RegExp(`/coupons/${code}$`));
});

test('an admin is refused deleting a book whose coupons went out, archives it, and manages a user and a pool', async ({ browser }) => {
  const { admin, user: shopper, book, code } = await createAssignedCoupon(2);
  // Given out, then taken back: nothing is out now, but the book's history forbids a delete.
  await graphql(admin.token, 'mutation ($code: String!) { unassignCoupon(code: $code, reason: "given by mistake") { id } }', { code });
  const { page } = await openSignedIn(browser, admin, `/books/${book.id}`);
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toContainText('Active');

  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  const deleteDialog = page.getByRole('alertdialog', { name: `Delete “${book.name}”?` });
  await deleteDialog.getByRole('button', { name: 'Delete book' }).click();
  await expect(deleteDialog.getByRole('alert')).toContainText('archive it instead');
  await expect(deleteDialog).not.toContainText('INVALID_STATE');
  await deleteDialog.getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('button', { name: 'Archive', exact: true }).click();
  await page.getByRole('alertdialog', { name: `Archive “${book.name}”?` }).getByRole('button', { name: 'Archive book' }).click();
  await expect(heading).toContainText('Archived');

  // The books list hides it by default; the status filter finds it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Books' }).click();
  await page.getByLabel('Search books').fill(book.name);
  await expect(page.getByText(`No book matches “${book.name}”`)).toBeVisible();
  await page.getByLabel('Status').selectOption('ARCHIVED');
  await expect(page.getByRole('rowheader', { name: book.name })).toBeVisible();

  // ── Users: filter, promote, disable (the API refuses the user's token), enable, erase ──
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await page.getByLabel('Email contains').fill(shopper.email);
  await page.getByLabel('Role').first().selectOption('USER');
  await page.getByRole('button', { name: shopper.email }).click();
  const panel = page.getByRole('region', { name: shopper.email });
  await panel.getByLabel('Role').selectOption('ADMIN');
  await panel.getByRole('button', { name: 'Change role' }).click();
  await expect(page.getByText(`${shopper.email} is now an admin.`)).toBeVisible();
  await panel.getByLabel('Role').selectOption('USER');
  await panel.getByRole('button', { name: 'Change role' }).click();
  await expect(page.getByText(`${shopper.email} is now a user.`)).toBeVisible();

  await panel.getByRole('button', { name: 'Disable…' }).click();
  await page.getByRole('alertdialog', { name: `Disable ${shopper.email}?` }).getByRole('button', { name: 'Disable user' }).click();
  await expect(page.getByRole('row', { name: new RegExp(shopper.email) })).toContainText('Disabled');
  await expect(graphql(shopper.token, 'query { me { id } }')).rejects.toBeInstanceOf(ApiError);
  await panel.getByRole('button', { name: 'Enable' }).click();
  await expect(page.getByRole('row', { name: new RegExp(shopper.email) })).toContainText('Enabled');

  await panel.getByRole('button', { name: 'Erase…' }).click();
  const erase = page.getByRole('alertdialog', { name: `Erase ${shopper.email}?` });
  await expect(erase.getByRole('button', { name: 'Erase user' })).toBeDisabled();
  await erase.getByLabel(/to confirm/).fill(shopper.email);
  await erase.getByRole('button', { name: 'Erase user' }).click();
  await expect(erase).toHaveCount(0);
  await expect(page.getByRole('button', { name: shopper.email })).toHaveCount(0);
  await saveScreenshot(page, 'users-admin');

  // ── Pools: rename, then delete after confirming ──
  const poolName = `Control pool ${randomUUID().slice(0, 6)}`;
  const { createPool } = await graphql<{ createPool: { id: string } }>(admin.token, 'mutation ($name: String!) { createPool(name: $name) { id } }', { name: poolName });
  await page.goto(`/pools/${createPool.id}`);
  await expect(heading).toHaveText(poolName);
  const settings = page.getByRole('region', { name: 'Settings' });
  await settings.getByLabel('Name', { exact: true }).fill(`${poolName} renamed`);
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(heading).toHaveText(`${poolName} renamed`);
  await settings.getByRole('button', { name: 'Delete pool…' }).click();
  await page.getByRole('alertdialog', { name: `Delete “${poolName} renamed”?` }).getByRole('button', { name: 'Delete pool' }).click();
  await expect(page).toHaveURL(/\/pools$/);
});

test('two admins edit one book: a save sends only what its form changed, so the other admin’s change stays', async ({ browser }) => {
  const [admin, other] = await Promise.all([createUser('ADMIN'), createUser('ADMIN')]);
  const book = await createBook(admin, { maxTotalRedemptions: 100 });
  const { context, page } = await openSignedIn(browser, admin, `/books/${book.id}/edit`);
  await expect(page.getByLabel('Total redemptions')).toHaveValue('100');

  // While this form is open, the other admin raises the budget.
  await graphql(other.token, 'mutation ($id: ID!, $input: UpdateBookInput!) { updateBook(id: $id, input: $input) { id } }', {
    id: book.id,
    input: { maxTotalRedemptions: 500 },
  });
  await page.getByLabel('Name', { exact: true }).fill(`${book.name}, renamed`);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`${book.name}, renamed`);

  const { book: saved } = await graphql<{ book: { name: string; maxTotalRedemptions: number | null } }>(
    admin.token,
    'query ($id: ID!) { book(id: $id) { name maxTotalRedemptions } }',
    { id: book.id },
  );
  expect(saved).toEqual({ name: `${book.name}, renamed`, maxTotalRedemptions: 500 });
  await context.close();
});
