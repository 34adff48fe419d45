import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@coupons/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSettings } from '../../src/auth/auth.settings.ts';
import { buildApiSchema } from '../../src/server/schema.ts';
import {
  type ApiUser,
  call,
  createCampaign,
  createPool,
  createUsers,
  OPS,
  type Outcome,
  signUp,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';

// Every root Query and Mutation field × {anonymous, the user who owns the objects, another
// user, an admin} → the expected outcome, from the one table below. A root field of the schema
// without a row fails the test, so a new field cannot ship without its access decided here.
// Then the same row × API keys of each scope (COUPONS_READ, COUPONS_WRITE, ADMIN), each on a world
// of its own, acting for a shop customer who owns nothing there: FORBIDDEN for every key unless
// the row's `keys` says otherwise.

type Actor = 'anonymous' | 'user' | 'other' | 'admin';
type KeyActor = 'readKey' | 'writeKey' | 'adminKey';
/**
 * 'ok': data; 'null': data null (hidden: no probing); 'empty': a connection with nothing in it; else
 * an error code (BAD_USER_INPUT: allowed in, then refused by the service for the world's object).
 */
type Expected = 'ok' | 'null' | 'empty' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'INVALID_STATE';

/** What every row works on, made fresh per row: one book, the user's coupons in each state, a pool. */
interface World {
  bookId: string;
  jobId: string;
  poolId: string;
  /** The user's coupons: ASSIGNED, LOCKED, REDEEMED. */
  assigned: string;
  locked: string;
  redeemed: string;
  redemptionId: string;
  /** Unassigned codes, one per actor (so one actor's success does not change another's answer). */
  free: Record<Actor, string>;
  /** An API key no actor uses: the one revokeApiKey revokes. */
  apiKeyId: string;
  /** A USER no actor is, fresh per world: the one the user-management rows change. */
  userId: string;
  /** A webhook endpoint (to a closed port) and a FAILED delivery of it, for the webhook rows. */
  webhookEndpointId: string;
  webhookDeliveryId: string;
}

interface Row {
  field: string;
  /** Distinguishes several rows of one field. */
  variant?: string;
  op: (w: World, actor: Actor) => { query: string; variables?: Record<string, unknown> };
  /** anonymous, user, other, admin — run in that order on one world. */
  expect: [Expected, Expected, Expected, Expected];
  /** The row signs its actors out everywhere: they get fresh tokens after it. */
  revokesTokens?: true;
  /**
   * COUPONS_READ, COUPONS_WRITE and ADMIN keys (default: FORBIDDEN for all three). A key's
   * operation is the row's as the non-owner `other` sends it, with a `customerId` added when
   * the operation declares `$customerId`.
   */
  keys?: [Expected, Expected, Expected];
  /** Sent as a GraphQL multipart request: each named variable (an `Upload`) gets this file's text. */
  files?: Record<string, string>;
}

const U = 'UNAUTHENTICATED';
const F = 'FORBIDDEN';
const ADMIN_ONLY: Row['expect'] = [U, F, F, 'ok'];
const SIGNED_IN: Row['expect'] = [U, 'ok', 'ok', 'ok'];
/** The owner's transition: another shopper hears NOT_FOUND (codes cannot be probed), an admin FORBIDDEN. */
const OWNER_ONLY: Row['expect'] = [U, 'ok', 'NOT_FOUND', F];
/** Keys: only the ADMIN scope, as for an admin. */
const ADMIN_KEY: Row['keys'] = [F, F, 'ok'];
/** Keys: every scope reads. */
const KEYS_READ: Row['keys'] = ['ok', 'ok', 'ok'];
/** Keys acting for a customer: COUPONS_WRITE and ADMIN. */
const KEYS_WRITE: Row['keys'] = [F, 'ok', 'ok'];
/** Keys acting for a customer on a code that is not the customer's: NOT_FOUND, as for a shopper. */
const KEYS_NOT_THEIRS: Row['keys'] = [F, 'NOT_FOUND', 'NOT_FOUND'];

/** The most common row: admins and ADMIN keys only. */
const adminOnly = (field: string, op: Row['op']): Row => ({ field, op, expect: ADMIN_ONLY, keys: ADMIN_KEY });

const bookInput = { name: 'Matrix', discountType: 'PERCENTAGE', discountValue: 5 };
/** Nothing listens there: the world's webhook deliveries fail (and are retried) quietly. */
const WEBHOOK_URL = 'http://127.0.0.1:9/matrix';
let credentials: { email: string; password: string };

const MATRIX: Row[] = [
  // Queries
  { field: 'Query.me', op: () => ({ query: '{ me { id } }' }), expect: SIGNED_IN },
  { field: 'Query.book', op: (w) => ({ query: 'query ($id: ID!) { book(id: $id) { id } }', variables: { id: w.bookId } }), expect: SIGNED_IN, keys: KEYS_READ },
  { field: 'Query.books', op: () => ({ query: '{ books(first: 5) { totalCount } }' }), expect: SIGNED_IN, keys: KEYS_READ },
  adminOnly('Query.busiestBooks', () => ({ query: '{ busiestBooks { events book { id } } }' })),
  // Pins belong to a person (the Live page): admins only, no key of any scope.
  { field: 'Query.pinnedBooks', op: () => ({ query: '{ pinnedBooks { id } }' }), expect: ADMIN_ONLY },
  adminOnly('Query.codeJob', (w) => ({ query: 'query ($id: ID!) { codeJob(jobId: $id) { jobId } }', variables: { id: w.jobId } })),
  {
    field: 'Query.coupon',
    op: (w) => ({ query: OPS.coupon, variables: { code: w.assigned } }),
    expect: [U, 'ok', 'null', 'ok'], // another user's coupon does not exist for you
    keys: KEYS_READ, // a shop backend reads any code (customerCoupons for one customer's)
  },
  {
    field: 'Query.customerCoupons',
    op: () => ({ query: 'query ($c: String!) { customerCoupons(customerId: $c) { totalCount } }', variables: { c: `never-acted-for-${randomUUID()}` } }),
    expect: [U, F, F, 'empty'],
    keys: ['empty', 'empty', 'empty'],
  },
  // The search over every book and holder: not even one's own through it (myCoupons is).
  adminOnly('Query.coupons', (w) => ({ query: 'query ($b: ID) { coupons(bookId: $b) { totalCount } }', variables: { b: w.bookId } })),
  {
    field: 'Query.coupons',
    variant: 'by the owner',
    op: () => ({ query: 'query ($e: String) { coupons(email: $e) { totalCount } }', variables: { e: owner.email } }),
    expect: ADMIN_ONLY,
    keys: ADMIN_KEY,
  },
  adminOnly('Query.apiKeys', () => ({ query: '{ apiKeys { id } }' })),
  adminOnly('Query.apiKeysConnection', () => ({ query: '{ apiKeysConnection(first: 5) { totalCount } }' })),
  adminOnly('Query.auditLog', () => ({ query: '{ auditLog(first: 5) { totalCount } }' })),
  {
    field: 'Query.myCoupons',
    op: () => ({ query: '{ myCoupons(first: 10) { totalCount edges { node { code } } } }' }),
    expect: [U, 'ok', 'empty', 'empty'], // only your own, never the owner's
  },
  {
    field: 'Query.redemptions',
    op: (w) => ({ query: 'query ($b: ID) { redemptions(bookId: $b) { totalCount } }', variables: { b: w.bookId } }),
    expect: [U, 'ok', 'empty', 'ok'], // a USER sees their own; an ADMIN all
    keys: KEYS_READ,
  },
  {
    field: 'Query.redemptions',
    variant: "filtered by the owner's email",
    op: () => ({ query: 'query ($e: String) { redemptions(email: $e) { totalCount } }', variables: { e: owner.email } }),
    expect: [U, 'ok', 'empty', 'ok'], // naming someone else does not widen what a USER sees
    keys: KEYS_READ,
  },
  {
    field: 'Query.validateCoupon',
    op: (w) => ({
      query: 'query ($c: String!, $customerId: String) { validateCoupon(code: $c, customerId: $customerId) { valid reason } }',
      variables: { c: w.assigned },
    }),
    expect: SIGNED_IN, // an answer for anyone signed in: to another shopper valid: false, reason NOT_FOUND (no probing)
    keys: KEYS_WRITE, // for the key's customer, who does not hold it: valid: false, NOT_FOUND
  },
  adminOnly('Query.pool', (w) => ({ query: 'query ($id: ID!) { pool(id: $id) { id } }', variables: { id: w.poolId } })),
  adminOnly('Query.pools', () => ({ query: '{ pools(first: 5) { totalCount } }' })),
  adminOnly('Query.users', () => ({ query: '{ users(first: 5) { totalCount } }' })),
  adminOnly('Query.userByEmail', () => ({ query: 'query ($e: String!) { userByEmail(email: $e) { id } }', variables: { e: credentials.email } })),
  {
    field: 'Query.userByExternalId',
    op: () => ({ query: 'query ($x: String!) { userByExternalId(externalId: $x) { id } }', variables: { x: `never-acted-for-${randomUUID()}` } }),
    expect: [U, F, F, 'null'],
    keys: [F, F, 'null'],
  },
  // Mutations: public
  {
    field: 'Mutation.register',
    op: () => ({
      query: 'mutation ($e: String!, $p: String!) { register(email: $e, password: $p) { token } }',
      variables: { e: `matrix-${randomUUID()}@example.test`, p: 'long enough password' },
    }),
    expect: ['ok', 'ok', 'ok', 'ok'],
    keys: KEYS_READ, // public: a key is ignored
  },
  {
    field: 'Mutation.login',
    op: () => ({ query: 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', variables: { e: credentials.email, p: credentials.password } }),
    expect: ['ok', 'ok', 'ok', 'ok'],
    keys: KEYS_READ, // public: a key is ignored
  },
  {
    field: 'Mutation.refreshSession',
    // Public, but the refresh cookie is the proof, and no bearer token or key stands in for it
    // (the cookie's own cases: src/auth/refresh-session.api.test.ts).
    op: () => ({ query: 'mutation { refreshSession { token } }' }),
    expect: [U, U, U, U],
    keys: [U, U, U],
  },
  { field: 'Mutation.logout', op: () => ({ query: 'mutation { logout }' }), expect: ['ok', 'ok', 'ok', 'ok'], keys: KEYS_READ }, // without a cookie: nothing to revoke
  // Mutations: books, codes, pools — admins only
  adminOnly('Mutation.createBook', () => ({ query: 'mutation ($i: CreateBookInput!) { createBook(input: $i) { id } }', variables: { i: bookInput } })),
  adminOnly('Mutation.updateBook', (w) => ({ query: 'mutation ($id: ID!) { updateBook(id: $id, input: { description: "changed" }) { id } }', variables: { id: w.bookId } })),
  ...(['pauseBook', 'resumeBook', 'archiveBook'] as const).map((name) =>
    adminOnly(`Mutation.${name}`, (w) => ({ query: `mutation ($id: ID!) { ${name}(id: $id) { id status } }`, variables: { id: w.bookId } })),
  ),
  adminOnly('Mutation.voidCoupon', (w) => ({ query: 'mutation ($c: String!) { voidCoupon(code: $c, reason: "matrix") { state } }', variables: { c: w.assigned } })),
  adminOnly('Mutation.unassignCoupon', (w) => ({ query: 'mutation ($c: String!) { unassignCoupon(code: $c, reason: "matrix") { state } }', variables: { c: w.assigned } })),
  adminOnly('Mutation.forceUnlockCoupon', (w) => ({ query: 'mutation ($c: String!) { forceUnlockCoupon(code: $c, reason: "matrix") { state } }', variables: { c: w.locked } })),
  adminOnly('Mutation.updateCoupon', (w) => ({ query: 'mutation ($c: String!) { updateCoupon(code: $c, input: { metadata: { a: 1 } }) { state } }', variables: { c: w.assigned } })),
  { field: 'Mutation.pinBook', op: (w) => ({ query: 'mutation ($id: ID!) { pinBook(bookId: $id) { id } }', variables: { id: w.bookId } }), expect: ADMIN_ONLY },
  { field: 'Mutation.unpinBook', op: (w) => ({ query: 'mutation ($id: ID!) { unpinBook(bookId: $id) { id } }', variables: { id: w.bookId } }), expect: ADMIN_ONLY },
  {
    field: 'Mutation.deleteBook',
    // The world's coupons went out: an admin gets through to the service, which refuses.
    op: (w) => ({ query: 'mutation ($id: ID!) { deleteBook(id: $id) }', variables: { id: w.bookId } }),
    expect: [U, F, F, 'INVALID_STATE'],
    keys: [F, F, 'INVALID_STATE'],
  },
  adminOnly('Mutation.uploadCodes', (w) => ({
    query: 'mutation ($b: ID!, $c: [String!]) { uploadCodes(bookId: $b, codes: $c) { inserted } }',
    variables: { b: w.bookId, c: [`UP-${randomUUID().slice(0, 8)}`] },
  })),
  {
    ...adminOnly('Mutation.uploadCodes', (w) => ({ query: 'mutation ($b: ID!, $f: Upload) { uploadCodes(bookId: $b, file: $f) { inserted } }', variables: { b: w.bookId } })),
    variant: 'file (multipart)',
    files: { f: `code\nUPF-${randomUUID().slice(0, 8)}\n` },
  },
  adminOnly('Mutation.generateCodes', (w) => ({ query: 'mutation ($b: ID!) { generateCodes(bookId: $b, input: { count: 3, prefix: "GEN" }) { generated } }', variables: { b: w.bookId } })),
  {
    field: 'Mutation.resumeCodeJob',
    // The world's job is a completed upload: an admin gets through to the service, which refuses it.
    op: (w) => ({ query: 'mutation ($id: ID!) { resumeCodeJob(jobId: $id) { status } }', variables: { id: w.jobId } }),
    expect: [U, F, F, 'BAD_USER_INPUT'],
    keys: [F, F, 'BAD_USER_INPUT'],
  },
  {
    field: 'Mutation.cancelCodeJob',
    // The world's job is a completed upload: an admin gets through to the service, which refuses it.
    op: (w) => ({ query: 'mutation ($id: ID!) { cancelCodeJob(jobId: $id) { status } }', variables: { id: w.jobId } }),
    expect: [U, F, F, 'BAD_USER_INPUT'],
    keys: [F, F, 'BAD_USER_INPUT'],
  },
  {
    field: 'Mutation.reverseRedemption',
    op: (w) => ({ query: OPS.reverse, variables: { id: w.redemptionId, reason: 'refund' } }),
    expect: ADMIN_ONLY,
    keys: KEYS_WRITE, // a shop backend refunds its orders
  },
  adminOnly('Mutation.previewDistribution', (w) => ({
    query: 'mutation ($p: ID!, $b: ID!) { previewDistribution(poolId: $p, bookId: $b, mode: EQUAL, count: 2) { totalAssigned } }',
    variables: { p: w.poolId, b: w.bookId },
  })),
  adminOnly('Mutation.distributeToPool', (w) => ({ query: OPS.distribute, variables: { poolId: w.poolId, bookId: w.bookId, mode: 'RANDOM', count: 1 } })),
  adminOnly('Mutation.createPool', () => ({ query: 'mutation { createPool(name: "matrix") { id } }' })),
  adminOnly('Mutation.updatePool', (w) => ({ query: 'mutation ($p: ID!) { updatePool(id: $p, input: { name: "matrix renamed" }) { id } }', variables: { p: w.poolId } })),
  adminOnly('Mutation.deletePool', (w) => ({ query: 'mutation ($p: ID!) { deletePool(id: $p) }', variables: { p: w.poolId } })),
  adminOnly('Mutation.addPoolMembers', (w) => ({
    query: 'mutation ($p: ID!, $e: [String!]) { addPoolMembers(poolId: $p, emails: $e) { id } }',
    variables: { p: w.poolId, e: [credentials.email] },
  })),
  adminOnly('Mutation.removePoolMembers', (w) => ({
    query: 'mutation ($p: ID!, $u: [ID!]!) { removePoolMembers(poolId: $p, userIds: $u) { id } }',
    variables: { p: w.poolId, u: [randomUUID()] },
  })),
  // Mutations: the coupon lifecycle — any signed-in user for themself; only the owner on a coupon
  { field: 'Mutation.assignRandomCoupon', op: (w) => ({ query: OPS.assignRandom, variables: { bookId: w.bookId } }), expect: SIGNED_IN, keys: KEYS_WRITE },
  {
    field: 'Mutation.assignRandomCoupon',
    variant: 'for the user (userId)',
    op: (w) => ({ query: OPS.assignRandom, variables: { bookId: w.bookId, userId: owner.id } }),
    expect: [U, 'ok', F, 'ok'],
    keys: [F, 'BAD_USER_INPUT', 'BAD_USER_INPUT'], // userId and customerId both: one too many
  },
  {
    field: 'Mutation.assignRandomCoupon',
    variant: 'for a shop customer (customerId)',
    op: (w) => ({ query: OPS.assignRandom, variables: { bookId: w.bookId, customerId: `matrix-customer-${randomUUID()}` } }),
    expect: [U, F, F, 'ok'], // people: only an admin acts for a shop's customer
    keys: KEYS_WRITE,
  },
  { field: 'Mutation.assignCoupon', op: (w, actor) => ({ query: OPS.assignCode, variables: { code: w.free[actor] } }), expect: SIGNED_IN, keys: KEYS_WRITE },
  {
    field: 'Mutation.assignCoupon',
    variant: 'for the user (userId)',
    op: (w, actor) => ({ query: OPS.assignCode, variables: { code: w.free[actor], userId: owner.id } }),
    expect: [U, 'ok', F, 'ok'],
    keys: [F, 'BAD_USER_INPUT', 'BAD_USER_INPUT'],
  },
  { field: 'Mutation.lockCoupon', op: (w) => ({ query: OPS.lock, variables: { code: w.assigned } }), expect: OWNER_ONLY, keys: KEYS_NOT_THEIRS },
  { field: 'Mutation.unlockCoupon', op: (w) => ({ query: OPS.unlock, variables: { code: w.locked } }), expect: OWNER_ONLY, keys: KEYS_NOT_THEIRS },
  { field: 'Mutation.redeemCoupon', op: (w) => ({ query: OPS.redeem, variables: { code: w.locked } }), expect: OWNER_ONLY, keys: KEYS_NOT_THEIRS },
  // Mutations: API keys
  adminOnly('Mutation.createApiKey', () => ({ query: 'mutation { createApiKey(input: { name: "matrix", scopes: [COUPONS_READ] }) { secret } }' })),
  adminOnly('Mutation.revokeApiKey', (w) => ({ query: 'mutation ($id: ID!) { revokeApiKey(id: $id) { id } }', variables: { id: w.apiKeyId } })),
  // Mutations: sessions
  adminOnly('Mutation.revokeUserSessions', () => ({ query: 'mutation ($u: ID!) { revokeUserSessions(userId: $u) { id } }', variables: { u: bystander.id } })),
  { field: 'Mutation.signOutEverywhere', op: () => ({ query: 'mutation { signOutEverywhere }' }), expect: SIGNED_IN, revokesTokens: true },
  // Mutations: user management (issue 16), each on the world's own user (never an actor: no session of theirs ends)
  adminOnly('Mutation.setUserRole', (w) => ({ query: 'mutation ($u: ID!) { setUserRole(userId: $u, role: ADMIN) { id } }', variables: { u: w.userId } })),
  adminOnly('Mutation.disableUser', (w) => ({ query: 'mutation ($u: ID!) { disableUser(userId: $u) { id } }', variables: { u: w.userId } })),
  adminOnly('Mutation.enableUser', (w) => ({ query: 'mutation ($u: ID!) { enableUser(userId: $u) { id } }', variables: { u: w.userId } })),
  adminOnly('Mutation.eraseUser', (w) => ({ query: 'mutation ($u: ID!) { eraseUser(userId: $u) }', variables: { u: w.userId } })),
  // Webhooks (issue 18): admins and ADMIN keys
  adminOnly('Query.webhookEndpoints', () => ({ query: '{ webhookEndpoints(first: 5) { totalCount } }' })),
  adminOnly('Query.webhookEndpoint', (w) => ({ query: 'query ($id: ID!) { webhookEndpoint(id: $id) { id } }', variables: { id: w.webhookEndpointId } })),
  adminOnly('Query.webhookDeliveries', (w) => ({ query: 'query ($id: ID!) { webhookDeliveries(endpointId: $id) { totalCount } }', variables: { id: w.webhookEndpointId } })),
  adminOnly('Mutation.createWebhookEndpoint', () => ({ query: `mutation { createWebhookEndpoint(input: { url: "${WEBHOOK_URL}", events: [UPDATED] }) { secret } }` })),
  adminOnly('Mutation.updateWebhookEndpoint', (w) => ({
    query: 'mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { description: "matrix" }) { id } }',
    variables: { id: w.webhookEndpointId },
  })),
  adminOnly('Mutation.deleteWebhookEndpoint', (w) => ({ query: 'mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) }', variables: { id: w.webhookEndpointId } })),
  adminOnly('Mutation.rotateWebhookSecret', (w) => ({ query: 'mutation ($id: ID!) { rotateWebhookSecret(id: $id) { secret } }', variables: { id: w.webhookEndpointId } })),
  adminOnly('Mutation.sendTestWebhook', (w) => ({ query: 'mutation ($id: ID!) { sendTestWebhook(id: $id) { id } }', variables: { id: w.webhookEndpointId } })),
  adminOnly('Mutation.redeliverWebhook', (w) => ({ query: 'mutation ($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }', variables: { id: w.webhookDeliveryId } })),
];

let server: TestServer;
let admin: ApiUser;
let owner: ApiUser;
let other: ApiUser;
/** A user no row acts as: the one whose sessions revokeUserSessions revokes. */
let bystander: ApiUser;
beforeAll(async () => {
  server = await startTestServer();
  const signedUp = await signUp(server);
  credentials = { email: signedUp.email, password: signedUp.password };
  owner = { id: signedUp.user.id, email: signedUp.email, role: 'USER', token: signedUp.token };
  [[admin], [other], [bystander]] = await Promise.all([createUsers(server, 1, 'ADMIN'), createUsers(server, 1), createUsers(server, 1)]);
  for (const [actor, scope] of [['readKey', 'COUPONS_READ'], ['writeKey', 'COUPONS_WRITE'], ['adminKey', 'ADMIN']] as const) {
    keySecrets[actor] = await createKey(scope);
  }
});

const keySecrets = {} as Record<KeyActor, string>;

async function createKey(scope: string): Promise<string> {
  const created = await call<{ secret: string; apiKey: { id: string } }>(
    server,
    'mutation ($s: [ApiKeyScope!]!) { createApiKey(input: { name: "matrix", scopes: $s }) { secret apiKey { id } } }',
    { s: [scope] },
    admin.token,
  );
  if (!created.ok) throw new Error(`createApiKey: ${created.code}`);
  return created.data.secret;
}

async function createKeyId(): Promise<string> {
  const created = await call<{ apiKey: { id: string } }>(
    server,
    'mutation { createApiKey(input: { name: "matrix target", scopes: [COUPONS_READ] }) { apiKey { id } } }',
    {},
    admin.token,
  );
  if (!created.ok) throw new Error(`createApiKey: ${created.code}`);
  return created.data.apiKey.id;
}

/** New tokens for the actors, at their current token versions (after a row that revoked theirs). */
async function reissueTokens(): Promise<void> {
  const settings = tokenSettings(server.config);
  for (const actor of [owner, other, admin]) {
    const row = await server.db.prisma.user.findUniqueOrThrow({ where: { id: actor.id }, select: { tokenVersion: true } });
    actor.token = signAccessToken(settings, { ...actor, tokenVersion: row.tokenVersion }, server.clock).token;
  }
}
afterAll(() => server?.close());

async function createWorld(): Promise<World> {
  const campaign = await createCampaign(server, admin, 7);
  const [assigned, locked, redeemed, ...free] = campaign.codes;
  for (const code of [assigned, locked, redeemed]) await call(server, OPS.assignCode, { code }, owner.token);
  for (const code of [locked, redeemed]) await call(server, OPS.lock, { code }, owner.token);
  const redemption = await call<{ id: string }>(server, OPS.redeem, { code: redeemed }, owner.token);
  if (!redemption.ok) throw new Error(`world setup: ${redemption.code}`);
  const poolId = await createPool(server, admin, [owner, other]);
  return {
    bookId: campaign.bookId,
    jobId: campaign.jobId as string,
    poolId,
    assigned,
    locked,
    redeemed,
    redemptionId: redemption.data.id,
    free: { anonymous: free[0], user: free[1], other: free[2], admin: free[3] },
    apiKeyId: await createKeyId(),
    userId: (await createUsers(server, 1))[0].id,
    ...(await createWebhookTarget()),
  };
}

/** An endpoint and one FAILED delivery of it (written directly: not in flight, so redeliver answers at once). */
async function createWebhookTarget(): Promise<Pick<World, 'webhookEndpointId' | 'webhookDeliveryId'>> {
  const created = await call<{ endpoint: { id: string } }>(
    server,
    `mutation { createWebhookEndpoint(input: { url: "${WEBHOOK_URL}", events: [UPDATED] }) { endpoint { id } } }`,
    {},
    admin.token,
  );
  if (!created.ok) throw new Error(`createWebhookEndpoint: ${created.code}`);
  const [delivery] = await server.db.prisma.$queryRaw<Array<{ id: string }>>`
    INSERT INTO webhook_delivery (endpoint_id, message_id, event_type, payload, status, attempts)
    VALUES (${created.data.endpoint.id}::uuid, 'test_matrix', 'WEBHOOK_TEST', '{}', 'FAILED', 1) RETURNING id::text AS id`;
  return { webhookEndpointId: created.data.endpoint.id, webhookDeliveryId: delivery.id };
}

/** What a call answered, as the table spells it. */
function verdict(outcome: Awaited<ReturnType<typeof call>>): string {
  if (!outcome.ok) return outcome.code;
  if (outcome.data === null) return 'null';
  if (typeof outcome.data === 'object' && (outcome.data as { totalCount?: number }).totalCount === 0) return 'empty';
  return 'ok';
}

const KEY_ACTORS: KeyActor[] = ['readKey', 'writeKey', 'adminKey'];
/** The shop customer every key acts for: it owns nothing in any world. */
const KEY_CUSTOMER = 'matrix-key-customer';

const ACTORS: Actor[] = ['anonymous', 'user', 'other', 'admin'];
/** Failures first, so a success cannot change what a later actor is refused for. */
const ORDER: Actor[] = ['anonymous', 'other', 'user', 'admin'];

function tokenOf(actor: Actor): string | null {
  return { anonymous: null, user: owner.token, other: other.token, admin: admin.token }[actor];
}

/** The row's operation as JSON, or, for a row with `files`, as a GraphQL multipart request (with the CSRF header). */
async function send(row: Row, query: string, variables: Record<string, unknown>, token: string | null): Promise<Outcome> {
  if (!row.files) return call(server, query, variables, token);
  const names = Object.keys(row.files);
  const form = new FormData();
  form.append('operations', JSON.stringify({ query, variables: { ...variables, ...Object.fromEntries(names.map((n) => [n, null])) } }));
  form.append('map', JSON.stringify(Object.fromEntries(names.map((n, i) => [String(i), [`variables.${n}`]]))));
  for (const [i, n] of names.entries()) form.append(String(i), new Blob([row.files[n]], { type: 'text/csv' }), `${n}.csv`);
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'apollo-require-preflight': 'true', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: form,
  });
  const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  const error = body.errors?.[0];
  if (error) return { ok: false, code: String(error.extensions?.code ?? 'NO_CODE'), message: error.message };
  return { ok: true, data: body.data ? Object.values(body.data)[0] : undefined };
}

describe('authorization matrix', () => {
  it('has a row for every root Query and Mutation field of the schema, and none for a field that is gone', async () => {
    const schema = await buildApiSchema();
    const roots = [schema.getQueryType(), schema.getMutationType()];
    const fields = roots.flatMap((type) => (type ? Object.keys(type.getFields()).map((f) => `${type.name}.${f}`) : []));
    const covered = new Set(MATRIX.map((r) => r.field));
    expect(fields.filter((f) => !covered.has(f)), 'root fields without a row in MATRIX').toEqual([]);
    expect([...covered].filter((f) => !fields.includes(f)), 'rows for fields the schema does not have').toEqual([]);
  });

  it.each(MATRIX.map((row) => [`${row.field}${row.variant ? ` ${row.variant}` : ''}`, row] as const))('%s', async (_name, row) => {
    const world = await createWorld();
    const seen: Record<string, string> = {};
    for (const actor of ORDER) {
      const { query, variables } = row.op(world, actor);
      seen[actor] = verdict(await send(row, query, variables ?? {}, tokenOf(actor)));
    }
    if (row.revokesTokens) await reissueTokens();
    // Each key on a world of its own: one key's success must not change what the next is told.
    for (const actor of KEY_ACTORS) {
      const { query, variables } = row.op(await createWorld(), 'other');
      const withCustomer = query.includes('$customerId') ? { customerId: KEY_CUSTOMER, ...variables } : variables;
      seen[actor] = verdict(await send(row, query, withCustomer ?? {}, keySecrets[actor]));
    }
    const expected = Object.fromEntries([
      ...ACTORS.map((a, i) => [a, row.expect[i]]),
      ...KEY_ACTORS.map((a, i) => [a, (row.keys ?? [F, F, F])[i]]),
    ]);
    expect(Object.fromEntries([...ACTORS, ...KEY_ACTORS].map((a) => [a, seen[a]]))).toEqual(expected);
  });

  it('leaves the invariants intact', () => expectInvariants(server.db));
});
