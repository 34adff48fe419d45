import { expect, type Page, type Route, test } from '@playwright/test';
import { createAssignedCoupon, lockCoupon } from '../support/factories.ts';
import { saveScreenshot } from '../support/screenshots.ts';
import { openSignedIn } from '../support/session.ts';

/**
 * Holds each page's redeem request until both have been sent, then lets them go together, so the
 * two redemptions really reach the API at the same moment (not one after the other's live update).
 */
function redeemBarrier(pages: Page[]) {
  const held: Route[] = [];
  let release: () => void = () => {};
  const allHeld = new Promise<void>((resolve) => {
    release = resolve;
  });
  return Promise.all(
    pages.map((page) =>
      page.route('**/graphql', async (route) => {
        const body = route.request().postData() ?? '';
        if (!body.includes('RedeemMyCoupon')) return route.continue();
        held.push(route);
        if (held.length === pages.length) release();
        await allHeld;
        return route.continue();
      }),
    ),
  );
}

test('two tabs of the same user redeem one locked coupon at once: one succeeds, one gets a clear error', async ({ browser }) => {
  const { user, code } = await createAssignedCoupon(1, { book: { lockTtlSeconds: 300 } });
  await lockCoupon(user, code);

  const pages: Page[] = [];
  for (let i = 0; i < 2; i++) {
    const { page } = await openSignedIn(browser, user, '/my-coupons');
    await expect(page.getByRole('button', { name: `Redeem ${code}` })).toBeVisible();
    pages.push(page);
  }
  await redeemBarrier(pages);

  await Promise.all(pages.map((page) => page.getByRole('button', { name: `Redeem ${code}` }).click()));

  // Exactly one success toast and one error toast (with the contract's code) across both tabs.
  const successes = pages.map((page) => page.getByText(`${code} has been redeemed.`));
  const failures = pages.map((page) => page.getByRole('alert').filter({ hasText: `Could not redeem ${code}` }));
  await expect.poll(async () => (await Promise.all(successes.map((l) => l.count()))).reduce((a, b) => a + b, 0)).toBe(1);
  await expect.poll(async () => (await Promise.all(failures.map((l) => l.count()))).reduce((a, b) => a + b, 0)).toBe(1);
  const loser = (await failures[0]?.count()) ? 0 : 1;
  const errorToast = failures[loser] as ReturnType<Page['getByRole']>;
  await expect(errorToast).toContainText(/INVALID_STATE|LOCK_EXPIRED|LIMIT_REACHED/);
  await saveScreenshot(pages[loser] as Page, 'my-coupons-race-error-toast');

  // Both tabs converge on the truth: redeemed.
  for (const page of pages) await expect(page.locator(`li[data-code="${code}"]`)).toHaveAttribute('data-state', 'REDEEMED');
  for (const page of pages) await page.context().close();
});
