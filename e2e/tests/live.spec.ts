import { expect, type Page, test } from '@playwright/test';
import { assignCoupon, createBook, createBookWithCodes, createUser, type TestUser } from '../support/factories.ts';
import { graphql } from '../support/graphql.ts';
import { saveScreenshot } from '../support/screenshots.ts';
import { openSignedIn } from '../support/session.ts';

// The Live page, truthfully (issue 17, item 3): the busiest books are the server's ranking of
// recent coupon events; pins are saved on the server per admin; a reversal is a feed line of
// its own and marks its redemption; a dropped connection dims the numbers and says since when,
// and failing HTTP calls turn the connection badge from green.

const LOCK = 'mutation ($code: String!) { lockCoupon(code: $code) { id } }';
const REDEEM = 'mutation ($code: String!) { redeemCoupon(code: $code) { id } }';
const REVERSE = 'mutation ($id: ID!, $reason: String!) { reverseRedemption(redemptionId: $id, reason: $reason) { id } }';

/** Claim, lock and redeem: three coupon events; returns the redemption's id. */
async function redeem(user: TestUser, code: string, claim = true): Promise<string> {
  if (claim) await assignCoupon(user, code);
  await graphql(user.token, LOCK, { code });
  const data = await graphql<{ redeemCoupon: { id: string } }>(user.token, REDEEM, { code });
  return data.redeemCoupon.id;
}

const badge = (page: Page) => page.getByTestId('connection-badge');

test('a busy book is among the busiest; a quiet book pinned stays pinned after a reload', async ({ browser }) => {
  const [admin, user] = await Promise.all([createUser('ADMIN'), createUser('USER', 'live-busy')]);
  // 7 redemptions: 21 events in a few seconds, more than any other test makes on one book.
  const { book: hot, codes } = await createBookWithCodes(admin, 7);
  for (const code of codes) await redeem(user, code);
  const quiet = await createBook(admin, { name: `Quiet live ${Date.now().toString(36)}` });

  const { context, page } = await openSignedIn(browser, admin, '/live');
  const busiest = page.getByTestId('busiest-books');
  const hotTile = busiest.locator(`li[data-book="${hot.id}"]`);
  await expect(hotTile).toBeVisible();
  // The upload's CREATED_BULK and the 21 transitions.
  await expect(hotTile).toHaveAttribute('data-events', '22');
  await expect(hotTile).toContainText('22 events in 5 min');
  await expect(hotTile.getByRole('heading', { name: hot.name })).toBeVisible();
  await expect(busiest.locator(`li[data-book="${quiet.id}"]`)).toHaveCount(0);

  // A quiet book is found by name and pinned.
  const pinned = page.getByTestId('pinned-books');
  await page.getByRole('searchbox', { name: 'Pin a book' }).fill(quiet.name);
  await page.getByRole('button', { name: `Pin ${quiet.name}` }).click();
  const quietTile = pinned.locator(`li[data-book="${quiet.id}"]`);
  await expect(quietTile).toBeVisible();
  await expect(quietTile).toContainText('No events in 5 min');
  await expect(page.getByRole('button', { name: `${quiet.name} is pinned` })).toBeDisabled();
  await saveScreenshot(page, 'live-busiest-and-pinned');

  // Saved on the server: a reload, and another screen of the same admin, show it.
  await page.reload();
  await expect(pinned.locator(`li[data-book="${quiet.id}"]`)).toBeVisible();
  const { context: second, page: other } = await openSignedIn(browser, admin, '/live');
  await expect(other.getByTestId('pinned-books').locator(`li[data-book="${quiet.id}"]`)).toBeVisible();
  await second.close();

  // Unpinned, it is gone after a reload too.
  await pinned.getByRole('button', { name: `Unpin ${quiet.name}` }).click();
  await expect(pinned.locator(`li[data-book="${quiet.id}"]`)).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('pinned-books')).toContainText('Pin a book to keep it on this screen');
  await context.close();
});

test('a redemption and its reversal are two feed lines, the redemption marked reversed', async ({ browser }) => {
  const [admin, user] = await Promise.all([createUser('ADMIN'), createUser('USER', 'live-reversal')]);
  const { codes } = await createBookWithCodes(admin, 1, { allowMultipleRedemptions: true, maxRedemptionsPerUser: 5 });
  const code = codes[0] as string;
  const { context, page } = await openSignedIn(browser, admin, '/live');
  await expect(badge(page)).toHaveText('Live');

  // Redeemed, reversed, redeemed again, reversed again: the "identical redemptions".
  const first = await redeem(user, code);
  const firstLine = page.locator(`.feed__item[data-redemption="${first}"][data-kind="REDEEMED"]`);
  await expect(firstLine).toHaveAttribute('data-reversed', 'false');
  await graphql(admin.token, REVERSE, { id: first, reason: 'order refunded' });
  const firstReversal = page.locator(`.feed__item[data-redemption="${first}"][data-kind="REVERSED"]`);
  await expect(firstReversal).toBeVisible();
  await expect(firstReversal).toContainText('order refunded');
  await expect(firstLine).toHaveAttribute('data-reversed', 'true');
  await expect(firstLine).toContainText('Redeemed · reversed');

  const second = await redeem(user, code, false);
  await graphql(admin.token, REVERSE, { id: second, reason: 'cancelled' });
  const lines = page.locator('.feed__item').filter({ hasText: code });
  await expect(lines).toHaveCount(4);
  // Newest first: reversal, its redemption (reversed), reversal, its redemption (reversed).
  await expect
    .poll(async () => lines.evaluateAll((items) => items.map((li) => `${li.getAttribute('data-kind')} ${li.getAttribute('data-reversed') ?? ''}`.trim())))
    .toEqual(['REVERSED', 'REDEEMED true', 'REVERSED', 'REDEEMED true']);
  await saveScreenshot(page, 'live-feed-reversals');

  // The same after a reload (read from the API, not only heard live).
  await page.reload();
  await expect(page.locator('.feed__item').filter({ hasText: code })).toHaveCount(4);
  await expect(page.locator(`.feed__item[data-redemption="${second}"][data-kind="REDEEMED"]`)).toHaveAttribute('data-reversed', 'true');
  await context.close();
});

test('failing HTTP calls turn the badge; offline, the numbers dim and the page says since when', async ({ browser }) => {
  const [admin, user] = await Promise.all([createUser('ADMIN'), createUser('USER', 'live-offline')]);
  const { book, codes } = await createBookWithCodes(admin, 2);
  await redeem(user, codes[0] as string);
  const { context, page } = await openSignedIn(browser, admin, '/live');
  const live = page.locator('[data-stale]');
  await expect(page.getByTestId('busiest-books').locator(`li[data-book="${book.id}"]`)).toBeVisible();
  await expect(badge(page)).toHaveText('Live');
  await expect(live).toHaveAttribute('data-stale', 'false');

  // HTTP calls fail (the socket stays up): the badge is not green and says since when.
  await page.route('**/graphql', (route) => route.abort('connectionrefused'));
  await page.getByRole('searchbox', { name: 'Pin a book' }).fill(book.name);
  await expect(badge(page)).toHaveAttribute('data-status', 'failing');
  await expect(badge(page)).toHaveText(/^Server not answering since \d\d:\d\d:\d\d$/);
  await expect(page.getByTestId('offline-notice')).toContainText('Server not answering since');
  await expect(live).toHaveAttribute('data-stale', 'true');
  await page.unroute('**/graphql');
  await page.getByRole('searchbox', { name: 'Pin a book' }).fill(book.name.slice(0, -1));
  await expect(badge(page)).toHaveText('Live');
  await expect(page.getByTestId('offline-notice')).toHaveCount(0);

  // The network goes away: the socket is down at once, numbers dim, the page says since when.
  await context.setOffline(true);
  await expect(badge(page)).toHaveAttribute('data-status', 'offline');
  await expect(badge(page)).toHaveText(/^Offline since \d\d:\d\d:\d\d — reconnecting$/);
  await expect(page.getByTestId('offline-notice')).toHaveText(/^Offline since \d\d:\d\d:\d\d\. The numbers below stopped updating/);
  await expect(live).toHaveAttribute('data-stale', 'true');
  const redeemed = page.getByTestId('busiest-books').locator(`li[data-book="${book.id}"] dd[data-stat="Redeemed"]`);
  await expect(redeemed).toHaveCSS('opacity', '0.45');
  await saveScreenshot(page, 'live-offline');

  // Back online: the socket reconnects, what happened meanwhile shows, the numbers are live again.
  await redeem(user, codes[1] as string);
  await context.setOffline(false);
  await expect(badge(page)).toHaveText('Live', { timeout: 30_000 });
  await expect(page.getByTestId('offline-notice')).toHaveCount(0);
  await expect(live).toHaveAttribute('data-stale', 'false');
  await expect(redeemed).toHaveCSS('opacity', '1');
  await expect(redeemed).toHaveText('2');
  await context.close();
});
