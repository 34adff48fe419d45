import { expect, test } from '@playwright/test';
import { assignCoupon, createAssignedCoupon, createBook, createUser, uniqueCodes, uploadCodes } from '../support/factories.ts';
import { openSignedIn, signInContext } from '../support/session.ts';

// A shopper's My coupons page: every coupon reachable however many, and lock countdowns on the
// server's clock.

test('a shopper with more than 100 coupons reaches the oldest through "Show more coupons"', async ({ browser }) => {
  test.setTimeout(150_000);
  const admin = await createUser('ADMIN');
  const shopper = await createUser('USER');
  const book = await createBook(admin, { maxAssignmentsPerUser: null });
  const codes = uniqueCodes(101);
  await uploadCodes(admin, book.id, codes);
  // The oldest claim: still unused, so still the shopper's to lock and redeem.
  const oldest = codes[0] as string;
  await assignCoupon(shopper, oldest);
  for (let i = 1; i < codes.length; i += 10) {
    await Promise.all(codes.slice(i, i + 10).map((code) => assignCoupon(shopper, code)));
  }
  const { context, page } = await openSignedIn(browser, shopper, '/my-coupons');
  await expect(page.locator('li.coupon')).toHaveCount(100);
  await expect(page.locator(`li.coupon[data-code="${oldest}"]`)).toHaveCount(0);
  await page.getByRole('button', { name: 'Show more coupons (100 of 101)' }).click();
  await expect(page.locator('li.coupon')).toHaveCount(101);
  const card = page.locator(`li.coupon[data-code="${oldest}"]`);
  await expect(card).toBeVisible();
  await expect(page.getByRole('button', { name: /Show more coupons/ })).toHaveCount(0);
  // It is as usable as any other.
  await card.getByRole('button', { name: `Lock for checkout: ${oldest}` }).click();
  await expect(card.getByRole('timer')).toBeVisible();
  await context.close();
});

test('a lock countdown reads the server’s time when the browser clock is 10 minutes fast', async ({ browser }) => {
  const { user, code } = await createAssignedCoupon(1, { book: { lockTtlSeconds: 300 } });
  const context = await browser.newContext();
  await signInContext(context, user);
  const page = await context.newPage();
  await page.clock.setSystemTime(new Date(Date.now() + 10 * 60_000));
  await page.goto('/my-coupons');
  const card = page.locator(`li.coupon[data-code="${code}"]`);
  await card.getByRole('button', { name: `Lock for checkout: ${code}` }).click();
  const timer = card.getByRole('timer');
  await expect(timer).toBeVisible();
  await expect.poll(async () => Number(await timer.getAttribute('data-remaining-seconds'))).toBeGreaterThan(240);
  await context.close();
});
