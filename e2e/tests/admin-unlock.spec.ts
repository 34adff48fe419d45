import { expect, test } from '@playwright/test';
import { createAssignedCoupon, lockCoupon } from '../support/factories.ts';
import { graphql } from '../support/graphql.ts';
import { openSignedIn } from '../support/session.ts';

// Issue 17, item 1: from a coupon's row, an admin releases a shopper's lock (forceUnlockCoupon).
// The lock is taken through the API while two admin pages watch the book; one unlocks, and the
// other sees the row turn Assigned by the live feed alone.

test("an admin unlocks a shopper's coupon from its row; another admin's table turns Assigned live", async ({ browser }) => {
  const { admin, user, book, code } = await createAssignedCoupon(2);
  const acting = await openSignedIn(browser, admin, `/books/${book.id}`);
  const watching = await openSignedIn(browser, admin, `/books/${book.id}`);
  const row = acting.page.locator(`tr[data-code="${code}"]`);
  const watchedRow = watching.page.locator(`tr[data-code="${code}"]`);
  await expect(row).toHaveAttribute('data-state', 'ASSIGNED');
  await expect(watchedRow).toHaveAttribute('data-state', 'ASSIGNED');
  // An assigned coupon has nothing to unlock.
  await expect(row.getByRole('button', { name: `Unlock ${code}` })).toHaveCount(0);

  await lockCoupon(user, code);
  await expect(row).toHaveAttribute('data-state', 'LOCKED');
  await expect(watchedRow).toHaveAttribute('data-state', 'LOCKED');

  await row.getByRole('button', { name: `Unlock ${code}` }).click();
  const dialog = acting.page.getByRole('alertdialog', { name: 'Release this lock?' });
  await expect(dialog.getByText('The owner keeps the coupon')).toBeVisible();
  await dialog.getByLabel('Reason (optional)').fill('checkout hung');
  await expect(dialog.getByText('13 of 500 characters')).toBeVisible();
  await dialog.getByRole('button', { name: 'Unlock coupon' }).click();
  await expect(dialog).toBeHidden();
  await expect(acting.page.getByText(`${code} unlocked.`)).toBeVisible();
  await expect(row).toHaveAttribute('data-state', 'ASSIGNED');
  await expect(row.getByRole('button', { name: `Unlock ${code}` })).toHaveCount(0);
  // The other admin did nothing: the subscription brought the change.
  await expect(watchedRow).toHaveAttribute('data-state', 'ASSIGNED');
  await expect(watchedRow).toContainText(user.email);

  // The owner kept the coupon and may lock it again; the history names the admin's reason.
  const after = await graphql<{ coupon: { state: string; user: { email: string } | null; events: { edges: { node: { type: string; reason: string | null } }[] } } }>(
    admin.token,
    'query ($c: String!) { coupon(code: $c) { state user { email } events(first: 1) { edges { node { type reason } } } } }',
    { c: code },
  );
  expect(after.coupon).toEqual({ state: 'ASSIGNED', user: { email: user.email }, events: { edges: [{ node: { type: 'UNLOCKED', reason: 'checkout hung' } }] } });
  await lockCoupon(user, code);
  await expect(watchedRow).toHaveAttribute('data-state', 'LOCKED');

  await acting.context.close();
  await watching.context.close();
});
