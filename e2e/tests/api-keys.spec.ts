import { expect, test } from '@playwright/test';
import { createUser } from '../support/factories.ts';
import { errorCodeOf } from '../support/graphql.ts';
import { saveScreenshot } from '../support/screenshots.ts';
import { openSignedIn } from '../support/session.ts';

// The console's API keys page (issue 15, item 6): an admin makes a key for a shop backend, keeps
// its secret (shown once), and revokes it; the API agrees at every step.

const BOOKS = 'query { books(first: 1) { totalCount } }';

/** Calls the API with the key's secret, as a shop backend would: the error code, or null. */
function callWithKey(secret: string): Promise<string | null> {
  return errorCodeOf(secret, BOOKS);
}

test('an admin creates a key, copies its secret once, and revokes it after confirming', async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const name = `Shop backend ${Date.now()}`;
  const { context, page } = await openSignedIn(browser, admin, '/books', { permissions: ['clipboard-read', 'clipboard-write'] });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'All keys' })).toBeVisible();

  // The form's own rules first: nothing is sent.
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByText('Give the key a name of 1 to 100 characters.')).toBeVisible();
  await expect(page.getByText('Choose at least one scope.')).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toBeFocused();

  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('checkbox', { name: /Write coupons/ }).check();
  await expect(page.getByRole('checkbox', { name: /Read coupons/ })).toBeDisabled();
  await expect(page.getByRole('checkbox', { name: /Read coupons/ })).toBeChecked();
  await page.getByRole('button', { name: 'Create key' }).click();

  const panel = page.getByRole('region', { name: `Secret of “${name}”` });
  await expect(panel.getByText('Copy it now: it will not be shown again.')).toBeVisible();
  const secret = await panel.getByLabel('Secret').inputValue();
  expect(secret).toMatch(/^cbk_/);
  await panel.getByRole('button', { name: 'Copy' }).click();
  await expect(panel.getByRole('button', { name: 'Copied' })).toBeVisible();
  const copied = await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
  expect(copied).toBe(secret);
  await saveScreenshot(page, 'api-key-secret');

  // The list has it, with its prefix, scope and no use yet; the secret works against the API.
  const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
  await expect(row).toContainText(secret.slice(0, 12));
  await expect(row.getByRole('list', { name: 'Scopes' })).toHaveText('Write coupons');
  await expect(row).toContainText('never');
  await expect(row).toContainText('Active');
  expect(await callWithKey(secret)).toBeNull();

  // Done: the secret is gone from the page, and a reload does not bring it back.
  await panel.getByRole('button', { name: 'Done' }).click();
  await expect(panel).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(secret);
  await page.reload();
  await expect(row).toBeVisible();
  await expect(page.locator('body')).not.toContainText(secret);
  await expect(page.getByLabel('Secret', { exact: true })).toHaveCount(0);

  // Revoke asks first; Escape cancels and focus returns to the button.
  const revoke = row.getByRole('button', { name: `Revoke ${name}` });
  await revoke.click();
  const dialog = page.getByRole('alertdialog', { name: `Revoke “${name}”?` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(revoke).toBeFocused();
  await expect(row).toContainText('Active');
  expect(await callWithKey(secret)).toBeNull();

  await revoke.click();
  await saveScreenshot(page, 'api-key-revoke-confirm');
  await dialog.getByRole('button', { name: 'Revoke key' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row).toContainText('Revoked');
  await expect(row.getByRole('button')).toHaveCount(0);
  // The key was used once above: its last use is no longer "never".
  await page.reload();
  await expect(row).toContainText('Revoked');
  await expect(row).not.toContainText('never');
  expect(await callWithKey(secret)).toBe('UNAUTHENTICATED');
  await saveScreenshot(page, 'api-keys');
  await context.close();
});
