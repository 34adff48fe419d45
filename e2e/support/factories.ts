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

/**
 * Unique codes for one test: a random stem keeps them globally unique across parallel tests. Codes
 * may not hold 0, 1, I, O or L (they read alike), so the stem's are replaced and the index is
 * written with the digits 2-9 (writing it in decimal and replacing 0 and 1 made codes 1, 10 and 11
 * the same code).
 */
export function uniqueCodes(count: number, stem = randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase()): string[] {
  const digits = '23456789';
  const width = Math.max(3, Math.ceil(Math.log(count + 1) / Math.log(digits.length)));
  const index = (n: number) => Array.from({ length: width }, (_, place) => digits[Math.floor(n / digits.length ** (width - 1 - place)) % digits.length]).join('');
  return Array.from({ length: count }, (_, i) => `E2E${stem.replace(/[01IOL]/g, 'X')}${index(i + 1)}`);
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
