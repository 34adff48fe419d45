/**
 * Imports a large CSV through the console, as an admin would (issue 20, "Done when": a 10M-line
 * CSV imports through the console with the API's RSS growing by < 50 MB).
 *
 * Against a running `pnpm dev` (or any console and API): writes the file to the temporary folder,
 * signs in through the console's form as the demo admin, creates a book, picks the file in the
 * book page's "CSV file" input, presses Upload and waits for the report, in Debian's Chromium
 * driven by Playwright. The API process's VmRSS is sampled every 100 ms from before the upload to
 * the report.
 *
 *   pnpm dev                                     # in another terminal
 *   pnpm exec tsx bench/tools/console-import.ts [lines=10000000] [--api-pid N]
 *
 * CONSOLE_URL (http://localhost:3000), API_URL (http://localhost:4000/graphql), ADMIN_EMAIL and
 * ADMIN_PASSWORD (the demo admin) say where and who. The API's pid is found from its port.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { chromium, expect } from '@playwright/test';
import { expectedImport, importCsvLine } from '../lib/import-csv.ts';
import { rssKb, sampleRss } from '../lib/memory.ts';

const consoleUrl = process.env.CONSOLE_URL ?? 'http://localhost:3000';
const apiUrl = process.env.API_URL ?? 'http://localhost:4000/graphql';
const email = process.env.ADMIN_EMAIL ?? 'admin@example.com';
const password = process.env.ADMIN_PASSWORD ?? 'admin-demo-password';
const args = process.argv.slice(2);
const lines = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000_000);
const pidArg = args.indexOf('--api-pid');

async function graphql<T>(token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (!body.data || body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** The pid listening on the API's port (`ss -ltnp`), unless given. */
function apiPid(): number {
  if (pidArg >= 0) return Number(args[pidArg + 1]);
  const port = new URL(apiUrl).port || '80';
  const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(out)?.[1];
  if (!pid) throw new Error(`no process listens on port ${port} (start pnpm dev, or pass --api-pid)`);
  return Number(pid);
}

/** The CSV (a header, then `lines` codes with repeats and invalid lines), written in pieces. */
async function writeCsv(file: string, prefix: string): Promise<number> {
  const out = fs.createWriteStream(file);
  out.write('code\n');
  for (let start = 1; start <= lines; start += 10_000) {
    let text = '';
    for (let i = start; i < Math.min(start + 10_000, lines + 1); i += 1) text += importCsvLine(prefix, i);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return fs.statSync(file).size;
}

async function main() {
  const pid = apiPid();
  const prefix = `C${Date.now().toString(36).toUpperCase().slice(-5)}`;
  const file = path.join(os.tmpdir(), `console-import-${lines}.csv`);
  console.log(`writing ${lines.toLocaleString('en-US')} lines to ${file}`);
  const bytes = await writeCsv(file, prefix);
  console.log(`${(bytes / 1e6).toFixed(0)} MB; API pid ${pid}`);

  const { login: signIn } = await graphql<{ login: { token: string } }>(
    null,
    'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }',
    { email, password },
  );
  const { createBook } = await graphql<{ createBook: { id: string } }>(
    signIn.token,
    'mutation ($input: CreateBookInput!) { createBook(input: $input) { id } }',
    { input: { name: `Console import of ${lines.toLocaleString('en-US')} lines`, discountType: 'PERCENTAGE', discountValue: 10 } },
  );

  const browser = await chromium.launch({ executablePath: fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined });
  const page = await browser.newPage({ baseURL: consoleUrl });
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-email')).toHaveText(email, { timeout: 60_000 });
  await page.goto(`/books/${createBook.id}`);
  await page.getByLabel('CSV file', { exact: true }).setInputFiles(file);

  const rss = sampleRss(pid);
  const started = Date.now();
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  const sending = page.getByRole('progressbar', { name: 'File upload progress' });
  await expect(sending).toBeHidden({ timeout: 60 * 60_000 });
  const uploadedMs = Date.now() - started;
  const stagingPeakKb = rss.peakKb();
  console.log(`file sent and staged in ${(uploadedMs / 1000).toFixed(1)} s; merging`);
  const report = page.getByRole('status', { name: 'Upload report' });
  await expect(report).toBeVisible({ timeout: 2 * 60 * 60_000 });
  const totalMs = Date.now() - started;
  const { beforeKb, peakKb } = rss.stop();

  const shown = {
    inserted: await page.getByTestId('upload-inserted').textContent(),
    duplicates: await page.getByTestId('upload-duplicates').textContent(),
    invalid: await page.getByTestId('upload-invalid').textContent(),
  };
  const { book } = await graphql<{ book: { counts: { total: number } } }>(signIn.token, 'query ($id: ID!) { book(id: $id) { counts { total } } }', {
    id: createBook.id,
  });
  await browser.close();
  fs.rmSync(file);

  console.log(
    JSON.stringify(
      {
        lines,
        megabytes: Math.round(bytes / 1e6),
        uploadAndStageSeconds: Math.round(uploadedMs / 100) / 10,
        totalSeconds: Math.round(totalMs / 100) / 10,
        rowsPerSecond: Math.round(lines / (totalMs / 1000)),
        apiRssBeforeMb: Math.round(beforeKb / 102.4) / 10,
        apiRssPeakMb: Math.round(peakKb / 102.4) / 10,
        apiRssGrowthMb: Math.round((peakKb - beforeKb) / 102.4) / 10,
        apiRssGrowthWhileSendingMb: Math.round((stagingPeakKb - beforeKb) / 102.4) / 10,
        apiRssAfterMb: Math.round(rssKb(pid) / 102.4) / 10,
        consoleReport: shown,
        expected: expectedImport(lines),
        storedInBook: book.counts.total,
        loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
      },
      null,
      2,
    ),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
