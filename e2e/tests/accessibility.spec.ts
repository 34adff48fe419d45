import AxeBuilder from '@axe-core/playwright';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { createAssignedCoupon, createUser, lockCoupon, type TestUser } from '../support/factories.ts';
import { graphql } from '../support/graphql.ts';
import { openSignedIn } from '../support/session.ts';

// Every console page, as an admin and as a shopper (issue 17, item 8): axe finds no serious or
// critical violation (WCAG 2.1 A and AA rules); at 390×844 nothing overflows sideways and the
// navigation collapses behind a menu button; after a client-side navigation focus is on the new
// page's heading; Escape closes a notification.

interface ConsolePage {
  name: string;
  path: string;
}

/** One of every kind of page, with real rows in it (a book with claimed, locked and redeemed codes, a pool, a webhook). */
async function seedPages(): Promise<{ admin: TestUser; user: TestUser; admin_pages: ConsolePage[]; user_pages: ConsolePage[] }> {
  const { admin, user, book, codes, code } = await createAssignedCoupon(6);
  await lockCoupon(user, code);
  await graphql(user.token, 'mutation ($code: String!) { redeemCoupon(code: $code) { id } }', { code });
  const second = codes[1] as string;
  await graphql(user.token, 'mutation ($code: String!) { assignCoupon(code: $code) { code } }', { code: second });
  await lockCoupon(user, second);
  // And one still to lock: its card's "Lock for checkout" button is on the page too.
  await graphql(user.token, 'mutation ($code: String!) { assignCoupon(code: $code) { code } }', { code: codes[2] as string });
  const { createPool } = await graphql<{ createPool: { id: string } }>(admin.token, 'mutation ($name: String!) { createPool(name: $name) { id } }', {
    name: `A11y pool ${Date.now()}`,
  });
  const { createWebhookEndpoint } = await graphql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
    admin.token,
    'mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }',
    { input: { url: 'http://localhost:9/a11y-hook', events: ['REDEEMED'] } },
  );
  const admin_pages: ConsolePage[] = [
    { name: 'Books', path: '/books' },
    { name: 'New book', path: '/books/new' },
    { name: 'Book', path: `/books/${book.id}` },
    { name: 'Edit book', path: `/books/${book.id}/edit` },
    { name: 'Coupon', path: `/coupons/${code}` },
    { name: 'Pools', path: '/pools' },
    { name: 'Pool', path: `/pools/${createPool.id}` },
    { name: 'Users', path: '/users' },
    { name: 'Live', path: '/live' },
    { name: 'API keys', path: '/api-keys' },
    { name: 'Webhooks', path: '/webhooks' },
    { name: 'Webhook endpoint', path: `/webhooks/${createWebhookEndpoint.endpoint.id}` },
    { name: 'Audit', path: '/audit' },
    { name: 'My coupons (admin)', path: '/my-coupons' },
  ];
  const user_pages: ConsolePage[] = [{ name: 'My coupons', path: '/my-coupons' }];
  return { admin, user, admin_pages, user_pages };
}

/** The page's heading is shown and nothing on it is still loading. */
async function settled(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await expect(page.getByText(/^Loading/)).toHaveCount(0);
}

async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ')}`).join(' | ')}`);
}

async function visitAll(browser: Browser, who: TestUser, pages: ConsolePage[], check: (page: Page, target: ConsolePage) => Promise<string[]>, viewport?: { width: number; height: number }) {
  const { context, page } = await openSignedIn(browser, who, pages[0]?.path ?? '/', viewport ? { viewport } : {});
  const problems: string[] = [];
  for (const target of pages) {
    await page.goto(target.path);
    await settled(page);
    problems.push(...(await check(page, target)).map((p) => `${target.name} (${target.path}): ${p}`));
  }
  await context.close();
  return problems;
}

test('axe finds no serious or critical violation on any console page, as an admin or a shopper', async ({ browser }) => {
  test.setTimeout(180_000);
  const { admin, user, admin_pages, user_pages } = await seedPages();
  const problems = [...(await visitAll(browser, admin, admin_pages, seriousViolations)), ...(await visitAll(browser, user, user_pages, seriousViolations))];
  expect(problems).toEqual([]);
});

test('at 390×844 no page overflows sideways and the navigation hides behind a menu button', async ({ browser }) => {
  test.setTimeout(180_000);
  const { admin, user, admin_pages, user_pages } = await seedPages();
  const phone = { width: 390, height: 844 };
  const overflow = async (page: Page) => {
    const { scrollWidth, innerWidth, cards } = await page.evaluate(() => {
      type El = { scrollWidth: number; clientWidth: number; id: string; className: string; getAttribute(n: string): string | null };
      const doc = globalThis as unknown as { document: { scrollingElement: { scrollWidth: number }; querySelectorAll(s: string): Iterable<El> }; innerWidth: number };
      // A card whose content is wider than the card (a table that pushes out of it) overflows too.
      const cards = [...doc.document.querySelectorAll('.card')]
        .filter((card) => card.scrollWidth > card.clientWidth + 1)
        .map((card) => `a card (${card.getAttribute('aria-labelledby') ?? card.className}) ${card.scrollWidth} px wide inside ${card.clientWidth} px`);
      return { scrollWidth: doc.document.scrollingElement.scrollWidth, innerWidth: doc.innerWidth, cards };
    });
    return [...(scrollWidth > innerWidth ? [`${scrollWidth} px wide in a ${innerWidth} px window`] : []), ...cards];
  };
  const problems = [...(await visitAll(browser, admin, admin_pages, overflow, phone)), ...(await visitAll(browser, user, user_pages, overflow, phone))];
  expect(problems).toEqual([]);

  // The menu: closed, the links are hidden; open, they are there and one goes to its page and closes it.
  const { page } = await openSignedIn(browser, admin, '/books', { viewport: phone });
  await settled(page);
  const menu = page.getByRole('button', { name: 'Menu' });
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pools' })).toBeHidden();
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pools' }).click();
  await expect(page).toHaveURL(/\/pools$/);
  await expect(menu).toHaveAttribute('aria-expanded', 'false');
  // The header and its menu button take a small part of the screen.
  const header = await page.locator('header').first().boundingBox();
  expect(header?.height ?? 999).toBeLessThan(0.12 * phone.height);
});

test('after a client-side navigation focus is on the new page’s heading', async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const { page } = await openSignedIn(browser, admin, '/books');
  await settled(page);
  // A wide screen has no Menu button: the navigation is in the header.
  await expect(page.getByRole('button', { name: 'Menu' })).toBeHidden();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pools' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Pools' })).toBeFocused();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(page).toHaveURL(/\/audit$/);
});

test('Escape closes a notification', async ({ browser }) => {
  const { user, code } = await createAssignedCoupon(1);
  const { page } = await openSignedIn(browser, user, '/my-coupons');
  await page.getByRole('button', { name: `Lock for checkout: ${code}` }).click();
  const notifications = page.getByRole('region', { name: 'Notifications' });
  await expect(notifications.getByRole('button', { name: 'Dismiss notification' })).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(notifications.getByRole('button', { name: 'Dismiss notification' })).toHaveCount(0);
});
