import { expect, test } from '@playwright/test';
import { createAssignedCoupon } from '../support/factories.ts';
import { graphql } from '../support/graphql.ts';
import { openSignedIn } from '../support/session.ts';

// Issue 17, item 1: from a coupon's row in the book's table, Unassign and Void, each with a reason.

async function stateOf(admin: { token: string }, code: string): Promise<{ state: string; owner: string | null }> {
  const data = await graphql<{ coupon: { state: string; user: { email: string | null } | null } }>(admin.token, 'query ($c: String!) { coupon(code: $c) { state user { email } } }', {
    c: code,
  });
  return { state: data.coupon.state, owner: data.coupon.user?.email ?? null };
}

test('an admin unassigns one coupon and voids another from their rows, giving a reason each time', async ({ browser }) => {
  const { admin, user, book, codes, code } = await createAssignedCoupon(3);
  const other = codes[1] as string;
  const { context, page } = await openSignedIn(browser, admin, `/books/${book.id}`);
  const row = page.locator(`tr[data-code="${code}"]`);
  await expect(row).toContainText(user.email);

  await row.getByRole('button', { name: `Unassign ${code}` }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Take this coupon back?' });
  await dialog.getByLabel('Reason (required)').fill('given by mistake');
  await dialog.getByRole('button', { name: 'Unassign coupon' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toHaveAttribute('data-state', 'UNASSIGNED');
  expect(await stateOf(admin, code)).toEqual({ state: 'UNASSIGNED', owner: null });

  // An unassigned coupon has no Unassign; Void is there for every coupon not void.
  const otherRow = page.locator(`tr[data-code="${other}"]`);
  await expect(otherRow.getByRole('button', { name: `Unassign ${other}` })).toHaveCount(0);
  await otherRow.getByRole('button', { name: `Void ${other}` }).click();
  const voidDialog = page.getByRole('alertdialog', { name: 'Void this coupon?' });
  await expect(voidDialog.getByRole('button', { name: 'Void coupon' })).toBeDisabled();
  await voidDialog.getByLabel('Reason (required)').fill('leaked on a forum');
  await voidDialog.getByRole('button', { name: 'Void coupon' }).click();
  await expect(otherRow).toHaveAttribute('data-state', 'VOID');
  await expect(otherRow.getByRole('button')).toHaveCount(0);
  expect((await stateOf(admin, other)).state).toBe('VOID');
  await context.close();
});
