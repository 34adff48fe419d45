import AxeBuilder from '@axe-core/playwright';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { createAssignedCoupon, createUser, lockCoupon, type TestUser } from '../support/factories.ts';
import { graphql } from '../support/graphql.ts';
import { openSignedIn } from '../support/session.ts';

// Every console page, as an admin and as a shopper (issue 17, item 8): axe finds no serious or
// critical violation (WCAG 2.1 A and AA rules); at 390×844 nothing overflows sideways and the
// navigation collapses behind a menu button; after a client-side navigation focus is on the new
// page's heading; Escape closes a notification.

interface Seeded {
  admin: TestUser;
  user: TestUser;
  book: string;
  code: string;
  pool: string;
  endpoint: string;
}

interface ConsolePage {
  name: string;
  as: 'admin' | 'user';
  path: (seeded: Seeded) => string;
}

// One test per page and check, each with its own time: fifteen axe runs in one test took over
// three minutes on a loaded CI machine, and a failure now names its page in the test's title.
const pages: ConsolePage[] = [
  { name: 'Books', as: 'admin', path: () => '/books' },
  { name: 'New book', as: 'admin', path: () => '/books/new' },
  { name: 'Book', as: 'admin', path: (s) => `/books/${s.book}` },
  { name: 'Edit book', as: 'admin', path: (s) => `/books/${s.book}/edit` },
  { name: 'Coupon', as: 'admin', path: (s) => `/coupons/${s.code}` },
  { name: 'Pools', as: 'admin', path: () => '/pools' },
  { name: 'Pool', as: 'admin', path: (s) => `/pools/${s.pool}` },
  { name: 'Users', as: 'admin', path: () => '/users' },
  { name: 'Live', as: 'admin', path: () => '/live' },
  { name: 'API keys', as: 'admin', path: () => '/api-keys' },
  { name: 'Webhooks', as: 'admin', path: () => '/webhooks' },
  { name: 'Webhook endpoint', as: 'admin', path: (s) => `/webhooks/${s.endpoint}` },
  { name: 'Audit', as: 'admin', path: () => '/audit' },
  { name: 'My coupons', as: 'admin', path: () => '/my-coupons' },
  { name: 'My coupons', as: 'user', path: () => '/my-coupons' },
];

/** One of every kind of page, with real rows in it (a book with claimed, locked and redeemed codes, a pool, a webhook). */
async function seedPages(): Promise<Seeded> {
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
  return { admin, user, book: book.id, code, pool: createPool.id, endpoint: createWebhookEndpoint.endpoint.id };
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

const phone = { width: 390, height: 844 };

/** Sideways overflow: the page wider than the window, or a card whose content is wider than the card (a table that pushes out of it). */
async function overflow(page: Page): Promise<string[]> {
  const { scrollWidth, innerWidth, cards } = await page.evaluate(() => {
    type El = { scrollWidth: number; clientWidth: number; id: string; className: string; getAttribute(n: string): string | null };
    const doc = globalThis as unknown as { document: { scrollingElement: { scrollWidth: number }; querySelectorAll(s: string): Iterable<El> }; innerWidth: number };
    const cards = [...doc.document.querySelectorAll('.card')]
      .filter((card) => card.scrollWidth > card.clientWidth + 1)
      .map((card) => `a card (${card.getAttribute('aria-labelledby') ?? card.className}) ${card.scrollWidth} px wide inside ${card.clientWidth} px`);
    return { scrollWidth: doc.document.scrollingElement.scrollWidth, innerWidth: doc.innerWidth, cards };
  });
  return [...(scrollWidth > innerWidth ? [`${scrollWidth} px wide in a ${innerWidth} px window`] : []), ...cards];
}

test.describe('every console page', () => {
  // Seeded once per worker that runs any of these tests.
  let seeded: Seeded;
  test.beforeAll(async () => {
    seeded = await seedPages();
  });

  async function check(browser: Browser, target: ConsolePage, probe: (page: Page) => Promise<string[]>, viewport?: typeof phone): Promise<void> {
    const { context, page } = await openSignedIn(browser, seeded[target.as], target.path(seeded), viewport ? { viewport } : {});
    await settled(page);
    const problems = await probe(page);
    await context.close();
    expect(problems, `${target.name} as ${target.as} (${target.path(seeded)})`).toEqual([]);
  }

  for (const target of pages) {
    test(`axe finds no serious or critical violation: ${target.name}, as ${target.as === 'admin' ? 'an admin' : 'a shopper'}`, async ({ browser }) => {
      await check(browser, target, seriousViolations);
    });
    test(`at 390×844 nothing overflows sideways: ${target.name}, as ${target.as === 'admin' ? 'an admin' : 'a shopper'}`, async ({ browser }) => {
      await check(browser, target, overflow, phone);
    });
  }
});

test('at 390×844 the navigation hides behind a menu button', async ({ browser }) => {
  const admin = await createUser('ADMIN');
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
