import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

/** Screenshots of the main pages, kept as artifacts of the run (e2e/artifacts/screenshots). */
export const screenshotDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../artifacts/screenshots');

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  // A full-page capture repeats a sticky header mid-page; pin it to the top for the picture.
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', style: '.shell__header { position: static !important; }' });
  return file;
}
