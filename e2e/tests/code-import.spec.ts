import { randomUUID } from 'node:crypto';
import { type Page, expect, test } from '@playwright/test';
import { createBook, createUser, type TestUser, uploadCodes } from '../support/factories.ts';
import { graphql } from '../support/graphql.ts';
import { openSignedIn } from '../support/session.ts';

// Issue 20, item 5 (upload half) and issue 17, item 4: a file of any size goes through the
// streamed import with an upload progress bar and a cancel, then the job's progress and the
// report; a paste box adds a list; the report's colour says what happened.

const stem = () => randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase();

async function codesInBook(admin: TestUser, bookId: string): Promise<number> {
  const data = await graphql<{ book: { counts: { total: number } } }>(admin.token, 'query ($id: ID!) { book(id: $id) { counts { total } } }', { id: bookId });
  return data.book.counts.total;
}

/** Chromium's network throttling (upload bytes per second), so the upload's progress is seen moving. */
async function throttleUploads(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
}

function csvFile(lines: string[]) {
  return { name: 'codes.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) };
}

test('a CSV file streams in with upload progress, then the import job, then the report and its full CSV', async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const book = await createBook(admin);
  const p = `IMP${stem()}`;
  const codes = Array.from({ length: 40_000 }, (_, i) => `${p}${String(i).padStart(6, '0')}`);
  const { context, page } = await openSignedIn(browser, admin, `/books/${book.id}`);
  await throttleUploads(page, 200 * 1024);

  const input = page.getByLabel('CSV file', { exact: true });
  await input.setInputFiles(csvFile(['code', ...codes, codes[0] as string, 'not a code!']));
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const sending = page.getByRole('progressbar', { name: 'File upload progress' });
  await expect(sending).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel upload' })).toBeVisible();
  // The bar moves while the bytes leave the browser: part-way at some moment, not only 0 then done.
  await expect.poll(async () => Number(await sending.getAttribute('aria-valuenow').catch(() => '0')), { timeout: 20_000 }).toBeGreaterThan(0);

  const report = page.getByRole('status', { name: 'Upload report' });
  await expect(report).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('upload-inserted')).toHaveText('40,000');
  await expect(page.getByTestId('upload-duplicates')).toHaveText('1');
  await expect(page.getByTestId('upload-invalid')).toHaveText('1');
  await expect(report).toHaveAttribute('data-outcome', 'partial');
  await expect(report.getByRole('button', { name: 'Download the full report (CSV)' })).toBeVisible();
  // The form is ready for the next file: the one just sent is no longer selected.
  await expect(input).toHaveValue('');
  expect(await codesInBook(admin, book.id)).toBe(40_000);
  await context.close();
});

test('cancelling an upload part-way adds nothing', async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const book = await createBook(admin);
  const p = `CAN${stem()}`;
  const { context, page } = await openSignedIn(browser, admin, `/books/${book.id}`);
  await throttleUploads(page, 100 * 1024);
  await page.getByLabel('CSV file', { exact: true }).setInputFiles(csvFile(Array.from({ length: 60_000 }, (_, i) => `${p}${String(i).padStart(6, '0')}`)));
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const sending = page.getByRole('progressbar', { name: 'File upload progress' });
  await expect.poll(async () => Number(await sending.getAttribute('aria-valuenow').catch(() => '0')), { timeout: 20_000 }).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Cancel upload' }).click();
  await expect(page.getByText('The upload was cancelled; nothing was added.')).toBeVisible();
  await expect(sending).toBeHidden();
  expect(await codesInBook(admin, book.id)).toBe(0);
  await context.close();
});

test('pasted codes are added through the list upload; a paste that adds nothing is a warning, and the box empties', async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const book = await createBook(admin);
  const p = `PST${stem()}`;
  await uploadCodes(admin, book.id, [`${p}-OLD`]);
  const { context, page } = await openSignedIn(browser, admin, `/books/${book.id}`);
  const box = page.getByLabel('Or paste codes');

  await box.fill(`${p}-A\n${p}-B, ${p}-OLD`);
  await page.getByRole('button', { name: 'Add pasted codes' }).click();
  const report = page.getByRole('status', { name: 'Upload report' });
  await expect(page.getByTestId('upload-inserted')).toHaveText('2');
  await expect(page.getByTestId('upload-duplicates')).toHaveText('1');
  await expect(report).toHaveAttribute('data-outcome', 'partial');
  await expect(box).toHaveValue('');

  await box.fill(`${p}-A`);
  await page.getByRole('button', { name: 'Add pasted codes' }).click();
  await expect(report).toHaveAttribute('data-outcome', 'nothing');
  await expect(report).toContainText('Nothing was added');
  await expect(page.getByText('Nothing added', { exact: true })).toBeVisible();
  expect(await codesInBook(admin, book.id)).toBe(3);
  await context.close();
});
