import { expect, test } from '@playwright/test';
import { createAssignedCoupon, createBook, createUser, uniqueCodes, uploadCodes } from '../support/factories.ts';
import { graphql } from '../support/graphql.ts';
import { openSignedIn, signInContext } from '../support/session.ts';

// The console's forms after the API answers: a refusal explained where the admin looks, a save
// that cannot happen twice, and a step back that keeps what was chosen.

test('a refused change of a book’s discount type is explained on the Type field', async ({ browser }) => {
  // Coupons of the book are out: updateBook refuses a change of terms, naming discountType first.
  const { admin, book } = await createAssignedCoupon(2);
  const { context, page } = await openSignedIn(browser, admin, `/books/${book.id}/edit`);
  await page.getByLabel('Type').selectOption('FIXED_AMOUNT');
  await page.getByLabel('Currency').fill('EUR');
  const answered = page.waitForResponse((r) => r.url().includes('/graphql') && (r.request().postData() ?? '').includes('UpdateBook'));
  await page.getByRole('button', { name: 'Save changes' }).click();
  const body = (await (await answered).json()) as { errors?: Array<{ extensions?: { code?: string; field?: string } }> };
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'discountType' });
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeEnabled();
  await expect(page).toHaveURL(new RegExp(`/books/${book.id}/edit$`));
  await expect(page.getByLabel('Type')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#book-discount-type-error')).toHaveText(/^Cannot change once coupons of this book were given out/);
  await context.close();
});

test('"Create book" creates the book once, however impatient the admin while its page loads', async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const context = await browser.newContext();
  await signInContext(context, admin);
  const page = await context.newPage();
  await page.goto('/books/new');
  const name = `Created once ${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Percent off').fill('10');
  // A slow network: the new book's page takes a while to arrive after the book is created.
  await page.route(/\/books\/[0-9a-f-]{36}(\?.*)?$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await route.continue().catch(() => undefined);
  });
  const created: string[] = [];
  page.on('response', async (response) => {
    if (!response.url().includes('/graphql') || !(response.request().postData() ?? '').includes('CreateBook')) return;
    const body = (await response.json().catch(() => null)) as { data?: { createBook?: { id: string } } } | null;
    if (body?.data?.createBook) created.push(body.data.createBook.id);
  });
  const button = page.getByRole('button', { name: /Create book|Saving/ });
  await button.click();
  await expect.poll(() => created.length).toBe(1);
  // Still on the form while the next page loads: the button says it is saving and takes no second click.
  if (page.url().endsWith('/books/new')) {
    await expect(button).toBeDisabled();
    await expect(button).toHaveText('Saving…');
    await button.click({ force: true, timeout: 1_000 }).catch(() => undefined);
    await page.getByLabel('Name', { exact: true }).press('Enter').catch(() => undefined);
  }
  await page.waitForURL(/\/books\/[0-9a-f-]{36}$/, { timeout: 20_000 });
  await page.waitForTimeout(1_000);
  const { books } = await graphql<{ books: { totalCount: number } }>(admin.token, 'query ($s: String) { books(search: $s) { totalCount } }', { s: name });
  expect(books.totalCount).toBe(1);
  expect(created).toHaveLength(1);
  await context.close();
});

test('"Change" after a distribution preview keeps the book, mode and count chosen', async ({ browser }) => {
  const admin = await createUser('ADMIN');
  const [ana, ben] = await Promise.all([createUser('USER'), createUser('USER')]);
  const book = await createBook(admin);
  await uploadCodes(admin, book.id, uniqueCodes(10));
  const { createPool } = await graphql<{ createPool: { id: string } }>(admin.token, 'mutation ($name: String!) { createPool(name: $name) { id } }', {
    name: `Change pool ${book.id.slice(0, 8)}`,
  });
  await graphql(admin.token, 'mutation ($poolId: ID!, $userIds: [ID!]) { addPoolMembers(poolId: $poolId, userIds: $userIds) { id } }', {
    poolId: createPool.id,
    userIds: [ana.id, ben.id],
  });
  const { context, page } = await openSignedIn(browser, admin, `/pools/${createPool.id}`);
  await page.getByRole('combobox', { name: 'Book', exact: true }).fill(book.name);
  await page.getByRole('option', { name: new RegExp(book.name) }).click();
  await page.getByRole('radio', { name: /^Random/ }).check();
  await page.getByLabel('Coupons in total').fill('6');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('preview-total')).toHaveText('6');
  // The admin wants to adjust the count: back to the form, as it was.
  await page.getByRole('button', { name: 'Change' }).click();
  await expect(page.getByLabel('Coupons in total')).toHaveValue('6');
  await expect(page.getByRole('radio', { name: /^Random/ })).toBeChecked();
  await expect(page.getByRole('combobox', { name: 'Book', exact: true })).toHaveValue(new RegExp(book.name));
  // Only the count changes; the next preview is from the same book, at random.
  await page.getByLabel('Coupons in total').fill('4');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('preview-total')).toHaveText('4');
  await expect(page.getByRole('heading', { name: new RegExp(`4 in total, at random from ${book.name}`) })).toBeVisible();
  await context.close();
});
