import { randomBytes, randomUUID } from 'node:crypto';
import type { Config } from '@coupons/config';
import { type Clock, type Role, signAccessToken, type UserRecord } from '@coupons/core';
import type { BookOverrides } from '@coupons/core/testing';
import { type Database, Prisma } from '@coupons/db';
import { tokenSettings } from '../src/auth/auth.settings.ts';
import { call, graphqlRequest } from './graphql-http.client.ts';
import { OPS } from './operations.ts';
import type { TestServer } from './test-server.ts';

// Users and campaigns for API tests. `signUp` goes through `register` (argon2, ~100 ms); the bulk
// factories insert users directly and sign their tokens with the server's settings.

/** A signed-up test user: send `token` with requests. */
export interface SignedUpUser {
  token: string;
  user: UserRecord;
  email: string;
  password: string;
}

export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * Registers a fresh user through the API (`register`), with a unique email. For `ADMIN`, the role
 * is then set directly in the database (there is no API to become admin) and a token carrying
 * it is signed with the server's settings.
 */
export async function signUp(
  server: TestServer,
  role: Role = 'USER',
  overrides: { email?: string; password?: string } = {},
): Promise<SignedUpUser> {
  const email = overrides.email ?? `user-${randomUUID()}@example.test`;
  const password = overrides.password ?? TEST_PASSWORD;
  type Registered = { token: string; user: { id: string; email: string; role: Role; createdAt: string } };
  const response = await graphqlRequest<{ register: Registered }>(
    server,
    `mutation SignUp($email: String!, $password: String!) {
      register(email: $email, password: $password) { token user { id email role createdAt } }
    }`,
    { email, password },
  );
  const registered = response.data?.register;
  if (!registered) throw new Error(`signUp failed: ${JSON.stringify(response.errors)}`);
  if (role === 'USER') {
    const user: UserRecord = { ...registered.user, externalId: null, createdAt: new Date(registered.user.createdAt), disabledAt: null, erasedAt: null };
    return { token: registered.token, user, email, password };
  }
  const user = await server.db.prisma.user.update({
    where: { id: registered.user.id },
    data: { role },
    select: { id: true, email: true, externalId: true, role: true, createdAt: true, disabledAt: true, erasedAt: true },
  });
  const { token } = signAccessToken(tokenSettings(server.config), user, server.clock);
  return { token, user, email, password };
}

/** Where users are created: the API's database, and the settings and clock its tokens are checked with. */
export interface UserTarget {
  db: Database;
  config: Config;
  clock: Clock;
}

/** A user with a real token signed by the server's settings. */
export interface ApiUser {
  id: string;
  email: string;
  role: Role;
  token: string;
}

/**
 * Inserts `count` users in one statement and signs a token for each with the server's JWT
 * settings. Much faster than `signUp` (no argon2 per user), for tests that need hundreds of
 * callers; these users never log in with a password.
 */
export async function createUsers(server: UserTarget, count: number, role: Role = 'USER'): Promise<ApiUser[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const emails = ids.map((id) => `${role.toLowerCase()}-${id}@reliability.test`);
  await server.db.prisma.$executeRaw(Prisma.sql`
    INSERT INTO app_user (id, email, password_hash, role)
    SELECT u.id, u.email, 'not-a-hash', ${role}::"Role" FROM unnest(${ids}::uuid[], ${emails}::text[]) AS u(id, email)`);
  const settings = tokenSettings(server.config);
  return ids.map((id, i) => {
    const user = { id, email: emails[i], role };
    return { ...user, token: signAccessToken(settings, user, server.clock).token };
  });
}

/**
 * The book fields a test may set (the rest take test defaults): those of core's fixtures, and the
 * discount (default 10 PERCENTAGE) with its currency and total budget.
 */
export type BookOptions = BookOverrides & {
  discountType?: 'PERCENTAGE' | 'FIXED_AMOUNT';
  discountValue?: number;
  currency?: string;
  maxTotalDiscountAmount?: string;
};

/** A book created through the API, with its codes. */
export interface Campaign {
  bookId: string;
  codes: string[];
  /** The upload's code job (null for a book without codes). */
  jobId: string | null;
}

/** Codes unique to one campaign: `<prefix>-<i>` with a random upper-case prefix. */
export function uniqueCodes(count: number): string[] {
  const prefix = `R${randomBytes(5).toString('hex').toUpperCase()}`;
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

/** Creates a book with `createBook` and fills it with `uploadCodes`, as an admin would. */
export async function createCampaign(
  server: { url: string },
  admin: Pick<ApiUser, 'token'>,
  codeCount: number,
  options: BookOptions = {},
): Promise<Campaign> {
  const input = {
    name: `Reliability ${randomBytes(4).toString('hex')}`,
    discountType: options.discountType ?? 'PERCENTAGE',
    discountValue: options.discountValue ?? 10,
    ...(options.currency === undefined ? {} : { currency: options.currency }),
    ...(options.maxTotalDiscountAmount === undefined ? {} : { maxTotalDiscountAmount: options.maxTotalDiscountAmount }),
    maxAssignmentsPerUser: options.maxAssignmentsPerUser ?? null,
    allowMultipleRedemptions: options.allowMultipleRedemptions ?? false,
    maxRedemptionsPerUser: options.maxRedemptionsPerUser ?? null,
    lockTtlSeconds: options.lockTtlSeconds ?? 300,
    validFrom: options.validFrom?.toISOString() ?? null,
    validUntil: options.validUntil?.toISOString() ?? null,
  };
  const book = await call<{ id: string }>(
    server,
    'mutation ($input: CreateBookInput!) { createBook(input: $input) { id } }',
    { input },
    admin.token,
  );
  if (!book.ok) throw new Error(`createBook failed: ${book.code} ${book.message}`);
  const codes = uniqueCodes(codeCount);
  if (codes.length === 0) return { bookId: book.data.id, codes, jobId: null };
  const upload = await call<{ inserted: number; jobId: string }>(
    server,
    'mutation ($bookId: ID!, $codes: [String!]) { uploadCodes(bookId: $bookId, codes: $codes) { inserted jobId } }',
    { bookId: book.data.id, codes },
    admin.token,
  );
  if (!upload.ok || upload.data.inserted !== codes.length) {
    throw new Error(`uploadCodes failed: ${JSON.stringify(upload)}`);
  }
  return { bookId: book.data.id, codes, jobId: upload.data.jobId };
}

/** Creates a pool through the API with these members; returns its id. */
export async function createPool(server: { url: string }, admin: ApiUser, members: ApiUser[]): Promise<string> {
  const pool = await call<{ id: string }>(
    server,
    'mutation ($name: String!) { createPool(name: $name) { id } }',
    { name: `Pool ${randomBytes(4).toString('hex')}` },
    admin.token,
  );
  if (!pool.ok) throw new Error(`createPool failed: ${pool.code} ${pool.message}`);
  const added = await call(
    server,
    'mutation ($poolId: ID!, $userIds: [ID!]) { addPoolMembers(poolId: $poolId, userIds: $userIds) { id } }',
    { poolId: pool.data.id, userIds: members.map((m) => m.id) },
    admin.token,
  );
  if (!added.ok) throw new Error(`addPoolMembers failed: ${added.code} ${added.message}`);
  return pool.data.id;
}

/** How far `checkoutAs` takes a coupon: claimed (assigned), then locked, then redeemed. */
export type CheckoutStep = 'claim' | 'lock' | 'redeem';

/**
 * The shopper claims a random coupon of the book through the API and, as `until` asks, locks and
 * redeems it. A refusal throws: this is a test's setup, not what it checks. Returns the code and,
 * once redeemed, the redemption's id.
 */
export async function checkoutAs(
  server: { url: string },
  shopper: Pick<ApiUser, 'token'>,
  bookId: string,
  until: CheckoutStep,
): Promise<{ code: string; redemptionId: string | null }> {
  const claimed = await call<{ code: string }>(server, OPS.assignRandom, { bookId }, shopper.token);
  if (!claimed.ok) throw new Error(`claim: ${claimed.code}`);
  const { code } = claimed.data;
  if (until === 'claim') return { code, redemptionId: null };
  const locked = await call(server, OPS.lock, { code }, shopper.token);
  if (!locked.ok) throw new Error(`lock: ${locked.code}`);
  if (until === 'lock') return { code, redemptionId: null };
  const redeemed = await call<{ id: string }>(server, OPS.redeem, { code }, shopper.token);
  if (!redeemed.ok) throw new Error(`redeem: ${redeemed.code}`);
  return { code, redemptionId: redeemed.data.id };
}

/** Each shopper claims and locks one coupon of the book, all at once; returns [shopper, code] pairs in their order. */
export function lockedByShoppers<U extends Pick<ApiUser, 'token'>>(server: { url: string }, bookId: string, shoppers: U[]): Promise<Array<[U, string]>> {
  return Promise.all(shoppers.map(async (shopper): Promise<[U, string]> => [shopper, (await checkoutAs(server, shopper, bookId, 'lock')).code]));
}
