import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { e2eEnv } from '../support/env.ts';
import { createAssignedCoupon, createUser } from '../support/factories.ts';
import { signInContext, signInThroughForm } from '../support/session.ts';

// Sessions of people: the access token lives an hour, the refresh token in an HttpOnly cookie.
// An expired access token is simulated by replacing the tab's stored one (a garbage token answers
// UNAUTHENTICATED exactly as an expired one does; the harness runs one API for every test, so its
// JWT_TTL_SECONDS cannot be shortened for this file alone) or by moving its `expiresAt` into the
// past (the console then refreshes before it sends anything).

const COOKIE = 'coupons_refresh';
const STORAGE_KEY = 'coupons.session';

async function refreshCookie(context: BrowserContext) {
  return (await context.cookies(e2eEnv.graphqlUrl)).find((cookie) => cookie.name === COOKIE);
}

/** The tab's stored session (the e2e tsconfig has no DOM types, hence the narrow casts). */
async function storedSession(page: Page): Promise<{ token: string; expiresAt: number | null } | null> {
  return page.evaluate((key) => {
    const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage;
    const raw = storage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  }, STORAGE_KEY);
}

/** Changes the tab's stored session as an hour would: a token the API refuses, or an expiry passed. */
async function ageSession(page: Page, change: 'refused-token' | 'expired'): Promise<string | null> {
  return page.evaluate(
    ({ key, how }) => {
      const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } })
        .sessionStorage;
      const session = JSON.parse(storage.getItem(key) ?? 'null');
      let refused: string | null = null;
      if (how === 'refused-token') {
        // Shaped like the API's tokens, with an `exp` in the past and a signature the API refuses:
        // over HTTP and over the WebSocket it is answered exactly as an expired token (a token
        // that is not even a JWT is "not ours", a WebSocket 4403, which ends the session).
        const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
        refused = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: session.user.id, exp: Math.floor(Date.now() / 1000) - 60 })}.expired`;
        session.token = refused;
      } else session.expiresAt = Date.now() - 1000;
      storage.setItem(key, JSON.stringify(session));
      return refused;
    },
    { key: STORAGE_KEY, how: change },
  );
}

/** Waits for the console's next refreshSession answer. */
function nextRefresh(page: Page) {
  return page.waitForResponse((r) => r.url() === e2eEnv.graphqlUrl && (r.request().postData() ?? '').includes('RefreshSession'));
}

async function refreshWith(cookie: string): Promise<{ data?: unknown; errors?: Array<{ extensions?: { code?: string } }> }> {
  const response = await fetch(e2eEnv.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `${COOKIE}=${cookie}` },
    body: JSON.stringify({ query: 'mutation { refreshSession { token } }' }),
  });
  return (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
}

test('stays signed in after a reload, an expired access token and in a new tab; sign-out is for real', async ({ browser }) => {
  const user = await createUser('USER');
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInThroughForm(page, user);
  await expect(page).toHaveURL(/\/my-coupons$/);

  // The refresh token: HttpOnly, SameSite=Strict, only for the GraphQL path.
  const cookie = await refreshCookie(context);
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/graphql' });
  expect(cookie?.expires ?? 0).toBeGreaterThan(Date.now() / 1000 + 13 * 86_400);

  await page.reload();
  await expect(page.getByTestId('signed-in-email')).toHaveText(user.email);

  // The access token is refused (as an expired one is): one refresh, the query again, still in.
  const refusedToken = await ageSession(page, 'refused-token');
  const refreshed = nextRefresh(page);
  await page.reload();
  expect((await refreshed).ok()).toBe(true);
  await expect(page.getByTestId('signed-in-email')).toHaveText(user.email);
  await expect(page.getByText('You have no coupons yet')).toBeVisible();
  const afterRefusal = await storedSession(page);
  expect(afterRefusal?.token).not.toBe(refusedToken);
  expect((await refreshCookie(context))?.value).not.toBe(cookie?.value); // rotated

  // Past its expiry: refreshed before any call is made.
  await ageSession(page, 'expired');
  const ahead = nextRefresh(page);
  await page.reload();
  await ahead;
  await expect(page.getByTestId('signed-in-email')).toHaveText(user.email);
  expect((await storedSession(page))?.expiresAt ?? 0).toBeGreaterThan(Date.now());

  // A new tab has no stored token: the cookie gives it a session.
  const second = await context.newPage();
  await second.goto('/my-coupons');
  await expect(second.getByTestId('signed-in-email')).toHaveText(user.email);
  await second.close();

  // Sign out: the cookie's session is revoked and the cookie cleared; a reload stays out.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in\?reason=signed-out/);
  expect(await refreshCookie(context)).toBeUndefined();
  const refused = nextRefresh(page);
  await page.reload();
  expect(await (await refused).json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.goto('/my-coupons');
  await expect(page).toHaveURL(/\/sign-in/);
  await context.close();
});

test('a spent refresh cookie replayed is UNAUTHENTICATED, and ends the session it came from', async ({ browser }) => {
  const user = await createUser('USER');
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInThroughForm(page, user);
  const spent = (await refreshCookie(context))?.value as string;

  // The console refreshes (rotation): the first cookie is now spent.
  await ageSession(page, 'refused-token');
  const refreshed = nextRefresh(page);
  await page.reload();
  expect((await refreshed).ok()).toBe(true);
  await expect(page.getByTestId('signed-in-email')).toHaveText(user.email);

  // Someone replays the spent cookie: refused, and the whole family is revoked.
  const replay = await refreshWith(spent);
  expect(replay.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

  // The console's own, newer cookie is gone with it: the next refresh sends it to sign-in. The
  // revocation can also reach the tab's open socket first, and the console then ends the session
  // by itself, the same way, before the test ages it.
  if (await storedSession(page)) {
    await ageSession(page, 'refused-token').catch(() => null); // the session may end while it is aged
    await page.reload();
  }
  await expect(page).toHaveURL(/\/sign-in\?reason=expired/);
  await expect(page.getByText('Your session has expired. Sign in again to continue.')).toBeVisible();
  await context.close();
});

test('after a session ends, signing in again returns to the same page with its filters', async ({ browser }) => {
  const { admin, book } = await createAssignedCoupon(3);
  // A bookmarked link to the book's assigned coupons, opened once the session has ended.
  const context = await browser.newContext();
  await signInContext(context, { ...admin, token: 'expired.or.forged' });
  const page = await context.newPage();
  await page.goto(`/books/${book.id}?state=ASSIGNED`);
  await expect(page).toHaveURL(/\/sign-in\?reason=expired/);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(new RegExp(`/books/${book.id}\\?(.*&)?state=ASSIGNED`));
  await expect(page.getByLabel('State', { exact: true })).toHaveValue('ASSIGNED');
  await context.close();
});
