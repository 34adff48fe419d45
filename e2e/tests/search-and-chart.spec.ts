import { expect, test } from '@playwright/test';
import { assignCoupon, createAssignedCoupon, createBook, createUser, lockCoupon, uniqueCodes, uploadCodes } from '../support/factories.ts';
import { graphql } from '../support/graphql.ts';
import { saveScreenshot } from '../support/screenshots.ts';
import { openSignedIn } from '../support/session.ts';

// Finding things in the console (issue 16, items 5 and 8): the header's code search jumps to a
// coupon and says in words when no coupon has the code; the book page's coupon list narrows by
// state, code prefix and holder, with the filters in the URL (reload and back keep them); the
// claims-and-redemptions chart draws a claim and a redemption, follows new claims live, and a new
// book shows an empty state (issue 17, item 7).

test('the header search opens a coupon by its code, in any case, and says so in words when no coupon has it', async ({ browser }) => {
  const { admin, book, code } = await createAssignedCoupon(3);
  const { page } = await openSignedIn(browser, admin, '/books');
  const search = page.getByRole('search', { name: 'Coupons' });
  const box = search.getByRole('searchbox', { name: 'Coupon code' });

  // An unknown code: a sentence under the box, tied to it; the box keeps the text.
  await box.fill('NO-SUCH-CODE-42');
  await box.press('Enter');
  const message = search.getByRole('status');
  await expect(message).toHaveText('No coupon has the code “NO-SUCH-CODE-42”.');
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  await expect(box).toHaveAccessibleDescription('No coupon has the code “NO-SUCH-CODE-42”.');
  await expect(page).toHaveURL(/\/books$/);
  await saveScreenshot(page, 'coupon-search-not-found');

  // The real code, typed in lower case from the keyboard only: Enter opens the coupon's page.
  await box.fill('');
  await box.pressSequentially(code.toLowerCase());
  await expect(message).toBeEmpty();
  await box.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/coupons/${code}$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(code);
  await expect(page.getByRole('link', { name: book.name }).first()).toBeVisible();
  await expect(box).toHaveValue('');
});

test('a USER has no code search in the header', async ({ browser }) => {
  const { user } = await createAssignedCoupon(1);
  const { page } = await openSignedIn(browser, user, '/my-coupons');
  await expect(page.getByTestId('signed-in-email')).toHaveText(user.email);
  await expect(page.getByRole('search')).toHaveCount(0);
});

test('the book page charts its claims and redemptions over time, live; a book without any shows an empty state', async ({ browser }) => {
  const { admin, user, book, code } = await createAssignedCoupon(2);
  await lockCoupon(user, code);
  await graphql(user.token, 'mutation ($code: String!) { redeemCoupon(code: $code) { id } }', { code });
  const { page } = await openSignedIn(browser, admin, `/books/${book.id}`);

  const chart = page.getByRole('region', { name: 'Claims and redemptions over time' });
  await expect(chart.getByRole('figure', { name: /^1 claim and 1 redemption in the last 24 hours\./ })).toBeVisible();
  // Drawn: a claims bar and a redemptions bar with a value axis, and time ticks along the bottom.
  const plot = chart.getByTestId('redemption-chart-plot');
  await expect(plot.locator('.recharts-bar-rectangle path')).toHaveCount(2);
  await expect(plot.locator('.recharts-legend-item-text')).toHaveText(['Claims', 'Redemptions that stand', 'Reversed since']);
  const valueTicks = plot.locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value');
  await expect(valueTicks.first()).toHaveText('0');
  await expect(valueTicks.filter({ hasText: /^1$/ })).toHaveCount(1);
  expect(await plot.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').count()).toBeGreaterThan(2);
  // The numbers, for keyboards and screen readers: 24 hours, one with the redemption.
  await chart.getByText('Show the numbers').click();
  const table = chart.getByRole('table', { name: 'Claims and redemptions per hour in the last 24 hours' });
  await expect(table.locator('tbody tr')).toHaveCount(24);
  await expect(table.locator('tr[data-redemptions="1"][data-claims="1"]')).toHaveCount(1);
  await saveScreenshot(page, 'book-redemption-chart');

  // Live: another shopper's claim shows without a reload (the chart rereads at most every 10 s).
  const other = await createUser('USER');
  await graphql(other.token, 'mutation ($bookId: ID!) { assignRandomCoupon(bookId: $bookId) { code } }', { bookId: book.id });
  await expect(chart.getByRole('figure', { name: /^2 claims and 1 redemption in the last 24 hours\./ })).toBeVisible({ timeout: 20_000 });

  // The last 30 days: the same redemption, in a day.
  await chart.getByLabel('Period').selectOption({ label: 'Last 30 days' });
  await expect(chart.getByRole('figure', { name: /^2 claims and 1 redemption in the last 30 days\. Busiest day: .*\(UTC\), with 2 claims and 1 redemption\.$/ })).toBeVisible();

  const empty = await createBook(admin);
  await page.goto(`/books/${empty.id}`);
  const emptyChart = page.getByRole('region', { name: 'Claims and redemptions over time' });
  await expect(emptyChart.getByText('No claims or redemptions in the last 24 hours')).toBeVisible();
  await expect(emptyChart.getByTestId('redemption-chart-plot')).toHaveCount(0);
  // The live trends of a new book say in words that they wait for readings: no lone dot.
  await expect(page.getByTestId('trend-chart').first()).toBeVisible();
  await expect(page.getByTestId('trend-chart').locator('circle')).toHaveCount(0);
});

test('the book page filters its coupons by state, code prefix and holder; reload and back keep the filters', async ({ browser }) => {
  const [admin, shopper] = await Promise.all([createUser('ADMIN'), createUser('USER')]);
  const book = await createBook(admin);
  const spring = uniqueCodes(3);
  const summer = uniqueCodes(2);
  await uploadCodes(admin, book.id, [...spring, ...summer]);
  await assignCoupon(shopper, spring[0] as string);
  await assignCoupon(shopper, summer[0] as string);
  await lockCoupon(shopper, summer[0] as string);
  const { page } = await openSignedIn(browser, admin, `/books/${book.id}`);
  const rows = page.getByRole('region', { name: 'Coupons' }).locator('tbody tr[data-code]');
  const filters = page.getByRole('search', { name: 'Filter coupons' });
  const state = filters.getByLabel('State');
  const prefix = filters.getByLabel('Code starts with');
  await expect(rows).toHaveCount(5);

  // By state: at once, into the URL, and still there after a reload.
  await state.selectOption('ASSIGNED');
  await expect(page).toHaveURL(/[?&]state=ASSIGNED(&|$)/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-code', spring[0] as string);
  await page.reload();
  await expect(state).toHaveValue('ASSIGNED');
  await expect(rows).toHaveCount(1);

  // By code prefix, typed in lower case (codes are case-insensitive), with Enter.
  await state.selectOption('');
  await expect(rows).toHaveCount(5);
  const summerPrefix = (summer[0] as string).slice(0, -3);
  await prefix.fill(summerPrefix.toLowerCase());
  await prefix.press('Enter');
  await expect(page).toHaveURL(new RegExp(`[?&]codePrefix=${summerPrefix.toLowerCase()}(&|$)`));
  await expect(rows).toHaveCount(2);
  await expect(page.getByRole('region', { name: 'Coupons' })).toContainText('2 coupons match');
  await saveScreenshot(page, 'book-coupon-filters');
  await page.reload();
  await expect(prefix).toHaveValue(summerPrefix.toLowerCase());
  await expect(rows).toHaveCount(2);

  // Back: the unfiltered list, then the state filter, each as it was.
  await page.goBack();
  await expect(rows).toHaveCount(5);
  await expect(prefix).toHaveValue('');
  await page.goBack();
  await expect(state).toHaveValue('ASSIGNED');
  await expect(rows).toHaveCount(1);

  // By the holder's email, with a state: the shopper's locked coupon only.
  await filters.getByLabel('Holder’s email').fill(shopper.email.toUpperCase());
  await state.selectOption('LOCKED');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-code', summer[0] as string);

  // Nothing matches: said in words, and Clear filters brings every coupon back.
  await prefix.fill('ZZZZZZ');
  await prefix.press('Enter');
  await expect(page.getByText('No coupon matches these filters')).toBeVisible();
  await filters.getByRole('button', { name: 'Clear filters' }).click();
  await expect(rows).toHaveCount(5);
  await expect(page).not.toHaveURL(/state=|codePrefix=|email=/);
});
