import { randomUUID } from 'node:crypto';
import { e2eEnv } from './env.ts';
import { graphql } from './graphql.ts';

/**
 * Per-test data, created through the public API (and, for ADMIN only, the harness's factory).
 * Every call makes new rows with unique names, so tests never share mutable state.
 */
export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
  role: 'ADMIN' | 'USER';
}

export async function createUser(role: 'ADMIN' | 'USER' = 'USER', prefix?: string): Promise<TestUser> {
  const response = await fetch(`${e2eEnv.factoryUrl}/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role, prefix }),
  });
  if (!response.ok) throw new Error(`user factory: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as TestUser;
}

export interface TestBook {
  id: string;
  name: string;
}

export async function createBook(admin: TestUser, input: Record<string, unknown> = {}): Promise<TestBook> {
  const data = await graphql<{ createBook: TestBook }>(
    admin.token,
    `mutation ($input: CreateBookInput!) { createBook(input: $input) { id name } }`,
    {
      input: {
        name: `E2E book ${randomUUID().slice(0, 8)}`,
        discountType: 'PERCENTAGE',
        discountValue: 15,
        maxAssignmentsPerUser: null,
        lockTtlSeconds: 300,
        ...input,
      },
    },
  );
  return data.createBook;
}

/** Unique codes for one test: a random stem keeps them globally unique across parallel tests. */
export function uniqueCodes(count: number, stem = randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase()): string[] {
  return Array.from({ length: count }, (_, i) => `E2E${stem}${String(i + 1).padStart(3, '0')}`.replace(/[01IOL]/g, 'X'));
}

export async function uploadCodes(admin: TestUser, bookId: string, codes: string[]): Promise<number> {
  const data = await graphql<{ uploadCodes: { inserted: number } }>(
    admin.token,
    `mutation ($bookId: ID!, $codes: [String!]) { uploadCodes(bookId: $bookId, codes: $codes) { inserted } }`,
    { bookId, codes },
  );
  return data.uploadCodes.inserted;
}

export async function assignCoupon(user: TestUser, code: string): Promise<void> {
  await graphql(user.token, `mutation ($code: String!) { assignCoupon(code: $code) { id } }`, { code });
}

export async function lockCoupon(user: TestUser, code: string): Promise<string> {
  const data = await graphql<{ lockCoupon: { lockExpiresAt: string } }>(user.token, `mutation ($code: String!) { lockCoupon(code: $code) { lockExpiresAt } }`, { code });
  return data.lockCoupon.lockExpiresAt;
}

/** A book with `count` uploaded codes, the common starting point. */
export async function createBookWithCodes(admin: TestUser, count: number, input: Record<string, unknown> = {}) {
  const book = await createBook(admin, input);
  const codes = uniqueCodes(count);
  await uploadCodes(admin, book.id, codes);
  return { book, codes };
}

/**
 * An ADMIN and a USER (emails prefixed `userPrefix`), a book of `count` codes (`book` is its
 * input) and one of them, `codes[assign]`, assigned to the user: where most tests start.
 */
export async function createAssignedCoupon(
  count: number,
  options: { book?: Record<string, unknown>; assign?: number; userPrefix?: string } = {},
) {
  const [admin, user] = await Promise.all([createUser('ADMIN'), createUser('USER', options.userPrefix)]);
  const { book, codes } = await createBookWithCodes(admin, count, options.book);
  const code = codes[options.assign ?? 0] as string;
  await assignCoupon(user, code);
  return { admin, user, book, codes, code };
}
