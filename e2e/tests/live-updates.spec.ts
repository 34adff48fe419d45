import { type APIResponse, expect, type Route, test } from '@playwright/test';
import { createAssignedCoupon, lockCoupon, uniqueCodes, uploadCodes } from '../support/factories.ts';
import { saveScreenshot } from '../support/screenshots.ts';
import { openSignedIn } from '../support/session.ts';

test('the admin’s book page shows a user’s lock and redemption without a reload', async ({ browser }) => {
  const { admin, user, book, code } = await createAssignedCoupon(3, { book: { lockTtlSeconds: 300 }, assign: 1 });

  const { context: adminContext, page: adminPage } = await openSignedIn(browser, admin, `/books/${book.id}`);
  const row = adminPage.locator(`tr[data-code="${code}"]`);
  await expect(row).toHaveAttribute('data-state', 'ASSIGNED');
  await expect(row).toContainText(user.email);
  await expect(adminPage.getByText('Live', { exact: true }).first()).toBeVisible();

  const { context: userContext, page: userPage } = await openSignedIn(browser, user, '/my-coupons');
  await userPage.getByRole('button', { name: `Lock for checkout: ${code}` }).click();

  // No reload on the admin's page: the row changes in place.
  await expect(row).toHaveAttribute('data-state', 'LOCKED');
  await expect(row.getByRole('timer')).toBeVisible();
  await expect(adminPage.locator('dd[data-stat="Locked"]')).toHaveText('1');
  await saveScreenshot(adminPage, 'book-detail-live-lock');

  await userPage.getByRole('button', { name: `Redeem ${code}` }).click();
  await expect(row).toHaveAttribute('data-state', 'REDEEMED');
  await expect(row.getByRole('timer')).toHaveCount(0);
  await expect(adminPage.locator('dd[data-stat="Redeemed"]')).toHaveText('1');

  // A refund: the admin reverses the redemption; the use comes back on both screens.
  const redemption = adminPage.locator(`tr[data-redemption][data-coupon-code="${code}"]`);
  await expect(redemption).toContainText('Redeemed');
  await redemption.getByRole('button', { name: `Reverse the redemption of ${code}` }).click();
  await adminPage.getByLabel(`Reason for reversing ${code}`).fill('Order refunded');
  await adminPage.getByRole('button', { name: 'Reverse redemption' }).click();
  await expect(redemption).toContainText('Reversed');
  // The reason is text in the row, not a hover-only tooltip.
  await expect(redemption).toContainText('Reason: Order refunded');
  await expect(row).toHaveAttribute('data-state', 'ASSIGNED');
  await expect(userPage.locator(`li[data-code="${code}"]`)).toHaveAttribute('data-state', 'ASSIGNED');

  await adminContext.close();
  await userContext.close();
});

test('a short lock expires and both screens show it', async ({ browser }) => {
  const ttl = 8;
  const { admin, user, book, code } = await createAssignedCoupon(1, { book: { lockTtlSeconds: ttl } });

  const { context: adminContext, page: adminPage } = await openSignedIn(browser, admin, `/books/${book.id}`);
  const row = adminPage.locator(`tr[data-code="${code}"]`);
  await expect(row).toHaveAttribute('data-state', 'ASSIGNED');

  const { context: userContext, page: userPage } = await openSignedIn(browser, user, '/my-coupons');
  const card = userPage.locator(`li[data-code="${code}"]`);
  await card.getByRole('button', { name: `Lock for checkout: ${code}` }).click();

  await expect(card).toHaveAttribute('data-state', 'LOCKED');
  await expect(card.getByRole('timer')).toBeVisible();
  await expect(row).toHaveAttribute('data-state', 'LOCKED');
  await expect(row.getByRole('timer')).toBeVisible();

  // The server's sweeper ends the lock; both screens drop back to ASSIGNED on its event.
  const expiry = { timeout: (ttl + 8) * 1000 };
  await expect(card).toHaveAttribute('data-state', 'ASSIGNED', expiry);
  await expect(row).toHaveAttribute('data-state', 'ASSIGNED', expiry);
  await expect(card.getByRole('timer')).toHaveCount(0);
  await expect(row.getByRole('timer')).toHaveCount(0);
  await expect(card.getByRole('button', { name: `Lock for checkout: ${code}` })).toBeVisible();

  await adminContext.close();
  await userContext.close();
});

test('a list read before a lock that answers after the lock’s event does not put the row back to ASSIGNED', async ({ browser }) => {
  const { admin, user, book, code } = await createAssignedCoupon(3, { assign: 1 });
  const { context, page } = await openSignedIn(browser, admin, `/books/${book.id}`);
  const row = page.locator(`tr[data-code="${code}"]`);
  await expect(row).toHaveAttribute('data-state', 'ASSIGNED');
  // The page hears events (the upload's below makes it read its coupons again).
  await expect(page.getByText('Live', { exact: true }).first()).toBeVisible();

  // The next read of the book's coupons is held: its answer is taken from the API at once (before
  // the lock), and handed to the page only after the lock's event was shown.
  type Held = { route: Route; response: APIResponse; body: string };
  let holding = false;
  let hold: (held: Held) => void = () => {};
  const read = new Promise<Held>((resolve) => {
    hold = resolve;
  });
  await page.route('**/graphql', async (route) => {
    if (holding || route.request().postDataJSON()?.operationName !== 'BookCoupons') return route.fallback();
    holding = true;
    const response = await route.fetch();
    hold({ route, response, body: await response.text() });
  });
  // New codes are not on screen: their event makes the page read its coupons again. (Another one
  // each second, should the first event come before the page's subscription is in place.)
  const added = uniqueCodes(15);
  let uploads = 0;
  await expect
    .poll(
      async () => {
        if (!holding) await uploadCodes(admin, book.id, [added[uploads++] as string]);
        return holding;
      },
      { timeout: 15_000, intervals: [1_000] },
    )
    .toBe(true);
  const held = await read;
  expect(held.body).toContain(`"code":"${code}","state":"ASSIGNED"`);

  await lockCoupon(user, code);
  await expect(row).toHaveAttribute('data-state', 'LOCKED');
  await held.route.fulfill({ response: held.response, body: held.body });
  // The held list is shown (it has the new code), and the coupon stays LOCKED with its countdown.
  await expect(page.locator(`tr[data-code="${added[0]}"]`)).toBeVisible();
  await expect(row).toHaveAttribute('data-state', 'LOCKED');
  await expect(row.getByRole('timer')).toBeVisible();
  await context.close();
});
