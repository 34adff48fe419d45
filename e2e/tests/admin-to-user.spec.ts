import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { createUser, uniqueCodes } from '../support/factories.ts';
import { saveScreenshot } from '../support/screenshots.ts';
import { signInThroughForm } from '../support/session.ts';

test('an admin sets up a campaign and a user locks and redeems a coupon from it', async ({ browser }) => {
  test.setTimeout(300_000);
  const [admin, ana, ben] = await Promise.all([createUser('ADMIN', 'admin'), createUser('USER', 'ana'), createUser('USER', 'ben')]);
  const suffix = randomUUID().slice(0, 6);
  const bookName = `Spring sale ${suffix}`;
  const poolName = `Newsletter ${suffix}`;

  // ── Admin: sign in, create a book (inline validation first) ──
  const adminContext = await browser.newContext();
  const page = await adminContext.newPage();
  await signInThroughForm(page, admin);
  await expect(page).toHaveURL(/\/books$/);
  await page.getByRole('link', { name: 'New book' }).click();
  await page.getByRole('button', { name: 'Create book' }).click();
  await expect(page.getByText('Give the book a name.')).toBeVisible();
  await expect(page.getByText('Enter the discount as a number.')).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill(bookName);
  await page.getByLabel('Percent off').fill('20');
  await page.getByLabel('Lock time (seconds)').fill('120');
  await saveScreenshot(page, 'book-form');
  await page.getByRole('button', { name: 'Create book' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(bookName);

  // ── Upload a CSV: 3 new codes, a repeat and an invalid line are reported ──
  const codes = uniqueCodes(3);
  const csv = ['code', ...codes, codes[0], 'not a code!', ''].join('\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'codes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await expect(page.getByTestId('upload-inserted')).toHaveText('3');
  await expect(page.getByTestId('upload-duplicates')).toHaveText('1');
  await expect(page.getByTestId('upload-invalid')).toHaveText('1');

  // ── Generate codes and watch the progress bar finish ──
  await page.getByLabel('How many', { exact: true }).fill('5000');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  const progress = page.getByRole('progressbar', { name: 'Code generation progress' });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute('aria-valuenow', '5000', { timeout: 30_000 });
  await expect(page.getByText(/Completed: 5,000 codes added/)).toBeVisible();
  await expect(page.locator('dd[data-stat="Unassigned"]')).toHaveText('5,003');
  await saveScreenshot(page, 'book-detail');

  // ── Create a pool, add members by email (one unknown), distribute with a preview ──
  await page.getByRole('link', { name: 'Pools', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(poolName);
  await page.getByRole('button', { name: 'Create pool' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(poolName);
  const stranger = `nobody-${suffix}@e2e.test`;
  await page.getByLabel('Add by email').fill(`${ana.email}\n${ben.email}, ${stranger}`);
  await page.getByRole('button', { name: 'Add members' }).click();
  await expect(page.getByTestId('member-count')).toHaveText('2 members');
  await expect(page.getByTestId('unknown-emails')).toContainText(stranger);
  await expect(page.getByRole('row', { name: new RegExp(ana.email) })).toBeVisible();

  await page.getByRole('combobox', { name: 'Book', exact: true }).fill(bookName);
  await page.getByRole('option', { name: new RegExp(bookName) }).click();
  await page.getByLabel('Equal').check();
  await page.getByLabel('Coupons in total').fill('2'); // the total: one each for the two members
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('preview-total')).toHaveText('2');
  // Focus moves from the Preview button (gone now) to the preview's heading.
  await expect(page.getByRole('heading', { level: 3, name: /^Preview:/ })).toBeFocused();
  await expect(page.getByRole('row', { name: new RegExp(`${ben.email}\\s+1`) })).toBeVisible();
  await saveScreenshot(page, 'pool-distribution-preview');
  await page.getByRole('button', { name: 'Confirm: assign 2 coupons' }).click();
  await expect(page.getByTestId('distribution-assigned')).toHaveText('2');
  await saveScreenshot(page, 'pool-distribution-done');
  // Members can leave the pool again (their coupons stay theirs).
  await page.getByRole('button', { name: `Remove ${ben.email}` }).click();
  // Removing asks first; until confirmed, the member stays.
  const confirmRemove = page.getByRole('alertdialog', { name: `Remove ${ben.email}?` });
  await expect(confirmRemove).toBeVisible();
  await expect(page.getByTestId('member-count')).toHaveText('2 members');
  await confirmRemove.getByRole('button', { name: 'Remove member' }).click();
  await expect(confirmRemove).toBeHidden();
  await expect(page.getByTestId('member-count')).toHaveText('1 member');
  await expect(page.getByRole('row', { name: new RegExp(ben.email) })).toHaveCount(0);

  // ── The user signs in, sees the coupon, locks it (countdown running) and redeems it ──
  const userContext = await browser.newContext();
  const userPage = await userContext.newPage();
  await signInThroughForm(userPage, ana);
  await expect(userPage).toHaveURL(/\/my-coupons$/);
  const card = userPage.locator('li.coupon').filter({ hasText: bookName });
  await expect(card).toHaveCount(1);
  await expect(card).toHaveAttribute('data-state', 'ASSIGNED');
  const code = (await card.getAttribute('data-code')) as string;
  await card.getByRole('button', { name: `Lock for checkout: ${code}` }).click();
  const timer = userPage.locator(`li[data-code="${code}"]`).getByRole('timer');
  await expect(timer).toBeVisible();
  const remainingAtStart = Number(await timer.getAttribute('data-remaining-seconds'));
  expect(remainingAtStart).toBeGreaterThan(100);
  expect(remainingAtStart).toBeLessThanOrEqual(120);
  await expect.poll(async () => Number(await timer.getAttribute('data-remaining-seconds')), { timeout: 5_000 }).toBeLessThan(remainingAtStart);
  await saveScreenshot(userPage, 'my-coupons-locked');

  await userPage.getByRole('button', { name: `Redeem ${code}` }).click();
  await expect(userPage.locator(`li[data-code="${code}"]`)).toHaveAttribute('data-state', 'REDEEMED');
  await expect(userPage.getByText(`${code} has been redeemed.`)).toBeVisible();
  await saveScreenshot(userPage, 'my-coupons-redeemed');

  await adminContext.close();
  await userContext.close();
});
