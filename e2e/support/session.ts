import { type Browser, type BrowserContext, type BrowserContextOptions, expect, type Page } from '@playwright/test';
import type { TestUser } from './factories.ts';

/** Signs in through the real sign-in form, as a person would. */
export async function signInThroughForm(page: Page, user: TestUser): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-email')).toHaveText(user.email);
}

/**
 * Starts a context already signed in (the session the console keeps in sessionStorage), for
 * tests whose subject is not the sign-in itself. Only seeds an empty tab, so a sign-out sticks.
 */
export async function signInContext(context: BrowserContext, user: TestUser): Promise<void> {
  const session = { token: user.token, user: { id: user.id, email: user.email, role: user.role }, expiresAt: null };
  await context.addInitScript((value) => {
    // Runs in the page; the e2e tsconfig has no DOM types, hence the narrow cast.
    const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } }).sessionStorage;
    if (!storage.getItem('coupons.session')) storage.setItem('coupons.session', value);
  }, JSON.stringify(session));
}

/** A new context already signed in as `user` (`signInContext`), and a page of it open at `path`. */
export async function openSignedIn(
  browser: Browser,
  user: TestUser,
  path: string,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  await signInContext(context, user);
  const page = await context.newPage();
  await page.goto(path);
  return { context, page };
}
