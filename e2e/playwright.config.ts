import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, devices } from '@playwright/test';

// Run through `pnpm test:e2e` (scripts/e2e.ts), which starts the stack and sets E2E_BASE_URL,
// E2E_GRAPHQL_URL and E2E_FACTORY_URL. Debian's Chromium is used when present (Playwright cannot
// download its own browser on every machine); elsewhere Playwright's bundled one.
const here = path.dirname(fileURLToPath(import.meta.url));
const debianChromium = '/usr/bin/chromium';
const executablePath = fs.existsSync(debianChromium) ? debianChromium : undefined;

export default defineConfig({
  testDir: path.join(here, 'tests'),
  outputDir: path.join(here, 'artifacts/test-results'),
  fullyParallel: true,
  // Each worker drives up to three browser contexts against one API: no more workers than cores.
  workers: process.env.E2E_WORKERS ? Number(process.env.E2E_WORKERS) : Math.max(1, Math.min(3, os.availableParallelism())),
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // Generous: the suite shares CI machines with other jobs, and a loaded machine is slow, not broken.
  // On a two-core CI machine under load a test ran five times slower than alone (admin-to-user:
  // 19 s alone, 90 s there); each step still has its own 15 s expect/action timeout.
  timeout: 150_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { outputFolder: path.join(here, 'artifacts/report'), open: 'never' }]],
  use: {
    baseURL: process.env.E2E_BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1366, height: 900 },
    // Debian's Chromium renders in software here: the live badge's pulses (6 s after each page
    // load) cost it over a core while they run. With reduced motion they end at once; no test is
    // about an animation, and the console honours the preference (globals.css).
    reducedMotion: 'reduce',
    actionTimeout: 15_000,
    navigationTimeout: 20_000,
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1366, height: 900 },
        launchOptions: {
          executablePath,
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        },
      },
    },
  ],
});
