import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { createBookWithCodes, createUser } from '../support/factories.ts';
import { errorCodeOf, graphql } from '../support/graphql.ts';
import { saveScreenshot } from '../support/screenshots.ts';
import { openSignedIn } from '../support/session.ts';

// A shop's customer (made by an API key, known by the shop's id, no password) on the console's
// Users page: found by that id, shown with their coupons, disabled (the key's claims are refused),
// enabled again, and erased by typing the id. No role to change: a customer never signs in.

/** The key's claim for the customer: null when it worked, else the error code. */
function claimFor(secret: string, customerId: string, bookId: string): Promise<string | null> {
  return errorCodeOf(secret, 'mutation ($b: ID!, $c: String!) { assignRandomCoupon(bookId: $b, customerId: $c) { id } }', { b: bookId, c: customerId });
}

test("an admin finds a shop's customer by their id, disables, enables and erases them", async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const { book } = await createBookWithCodes(admin, 4);
  const { createApiKey } = await graphql<{ createApiKey: { secret: string } }>(
    admin.token,
    'mutation { createApiKey(input: { name: "e2e shop", scopes: [COUPONS_WRITE] }) { secret } }',
  );
  const secret = createApiKey.secret;
  const customerId = `shop-${randomUUID().slice(0, 8)}`;
  expect(await claimFor(secret, customerId, book.id)).toBeNull();

  const { page } = await openSignedIn(browser, admin, '/users');
  await page.getByLabel('Email contains').fill(customerId);
  await page.getByRole('button', { name: `Customer ${customerId}` }).click();
  await expect(page).toHaveURL(new RegExp(`customer=${customerId}`));
  const panel = page.getByRole('region', { name: `Customer ${customerId}` });
  await expect(panel.getByText('Shop customer')).toBeVisible();
  await expect(panel.getByRole('table', { name: `Coupons of Customer ${customerId}` }).getByRole('row')).toHaveCount(2); // header + 1
  await expect(panel.getByRole('button', { name: 'Change role' })).toHaveCount(0);

  await panel.getByRole('button', { name: 'Disable…' }).click();
  await page.getByRole('alertdialog', { name: `Disable customer ${customerId}?` }).getByRole('button', { name: 'Disable customer' }).click();
  await expect(page.getByRole('row', { name: new RegExp(customerId) })).toContainText('Disabled');
  expect(await claimFor(secret, customerId, book.id)).toBe('FORBIDDEN');
  await saveScreenshot(page, 'users-customer-disabled');

  await panel.getByRole('button', { name: 'Enable' }).click();
  await expect(page.getByRole('row', { name: new RegExp(customerId) })).toContainText('Enabled');
  expect(await claimFor(secret, customerId, book.id)).toBeNull();

  await panel.getByRole('button', { name: 'Erase…' }).click();
  const erase = page.getByRole('alertdialog', { name: `Erase customer ${customerId}?` });
  await expect(erase.getByRole('button', { name: 'Erase customer' })).toBeDisabled();
  await erase.getByLabel(/to confirm/).fill(customerId);
  await erase.getByRole('button', { name: 'Erase customer' }).click();
  await expect(erase).toHaveCount(0);
  await expect(page.getByRole('button', { name: `Customer ${customerId}` })).toHaveCount(0);
  // Their two coupons went back to the book.
  const { book: after } = await graphql<{ book: { counts: { unassigned: number } } }>(admin.token, 'query ($id: ID!) { book(id: $id) { counts { unassigned } } }', { id: book.id });
  expect(after.counts.unassigned).toBe(4);
});
