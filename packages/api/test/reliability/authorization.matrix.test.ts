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
  signUp,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';

// Every root Query and Mutation field × {anonymous, the user who owns the objects, another
// user, an admin} → the expected outcome, from the one table below. A root field of the schema
// without a row fails the test, so a new field cannot ship without its access decided here.

type Actor = 'anonymous' | 'user' | 'other' | 'admin';
/**
 * 'ok': data; 'null': data null (hidden: no probing); 'empty': a connection with nothing in it; else
 * an error code (BAD_USER_INPUT: allowed in, then refused by the service for the world's object).
 */
type Expected = 'ok' | 'null' | 'empty' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT';

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
}

const U = 'UNAUTHENTICATED';
const F = 'FORBIDDEN';
const ADMIN_ONLY: Row['expect'] = [U, F, F, 'ok'];
const SIGNED_IN: Row['expect'] = [U, 'ok', 'ok', 'ok'];
/** The owner's transition: another shopper hears NOT_FOUND (codes cannot be probed), an admin FORBIDDEN. */
const OWNER_ONLY: Row['expect'] = [U, 'ok', 'NOT_FOUND', F];

const bookInput = { name: 'Matrix', discountType: 'PERCENTAGE', discountValue: 5 };
let credentials: { email: string; password: string };

const MATRIX: Row[] = [
  // Queries
  { field: 'Query.me', op: () => ({ query: '{ me { id } }' }), expect: SIGNED_IN },
  { field: 'Query.book', op: (w) => ({ query: 'query ($id: ID!) { book(id: $id) { id } }', variables: { id: w.bookId } }), expect: SIGNED_IN },
  { field: 'Query.books', op: () => ({ query: '{ books(first: 5) { totalCount } }' }), expect: SIGNED_IN },
  { field: 'Query.codeJob', op: (w) => ({ query: 'query ($id: ID!) { codeJob(jobId: $id) { jobId } }', variables: { id: w.jobId } }), expect: ADMIN_ONLY },
  {
    field: 'Query.coupon',
    op: (w) => ({ query: OPS.coupon, variables: { code: w.assigned } }),
    expect: [U, 'ok', 'null', 'ok'], // another user's coupon does not exist for you
  },
  {
    field: 'Query.myCoupons',
    op: () => ({ query: '{ myCoupons(first: 10) { totalCount edges { node { code } } } }' }),
    expect: [U, 'ok', 'empty', 'empty'], // only your own, never the owner's
  },
  {
    field: 'Query.redemptions',
    op: (w) => ({ query: 'query ($b: ID) { redemptions(bookId: $b) { totalCount } }', variables: { b: w.bookId } }),
    expect: [U, 'ok', 'empty', 'ok'], // a USER sees their own; an ADMIN all
  },
  { field: 'Query.pool', op: (w) => ({ query: 'query ($id: ID!) { pool(id: $id) { id } }', variables: { id: w.poolId } }), expect: ADMIN_ONLY },
  { field: 'Query.pools', op: () => ({ query: '{ pools(first: 5) { totalCount } }' }), expect: ADMIN_ONLY },
  { field: 'Query.users', op: () => ({ query: '{ users(first: 5) { totalCount } }' }), expect: ADMIN_ONLY },
  {
    field: 'Query.userByEmail',
    op: () => ({ query: 'query ($e: String!) { userByEmail(email: $e) { id } }', variables: { e: credentials.email } }),
    expect: ADMIN_ONLY,
  },
  // Mutations: public
  {
    field: 'Mutation.register',
    op: () => ({
      query: 'mutation ($e: String!, $p: String!) { register(email: $e, password: $p) { token } }',
      variables: { e: `matrix-${randomUUID()}@example.test`, p: 'long enough password' },
    }),
    expect: ['ok', 'ok', 'ok', 'ok'],
  },
  {
    field: 'Mutation.login',
    op: () => ({ query: 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', variables: { e: credentials.email, p: credentials.password } }),
    expect: ['ok', 'ok', 'ok', 'ok'],
  },
  // Mutations: books, codes, pools — admins only
  { field: 'Mutation.createBook', op: () => ({ query: 'mutation ($i: CreateBookInput!) { createBook(input: $i) { id } }', variables: { i: bookInput } }), expect: ADMIN_ONLY },
  {
    field: 'Mutation.updateBook',
    op: (w) => ({ query: 'mutation ($id: ID!) { updateBook(id: $id, input: { description: "changed" }) { id } }', variables: { id: w.bookId } }),
    expect: ADMIN_ONLY,
  },
  {
    field: 'Mutation.uploadCodes',
    op: (w) => ({ query: 'mutation ($b: ID!, $c: [String!]) { uploadCodes(bookId: $b, codes: $c) { inserted } }', variables: { b: w.bookId, c: [`UP-${randomUUID().slice(0, 8)}`] } }),
    expect: ADMIN_ONLY,
  },
  {
    field: 'Mutation.generateCodes',
    op: (w) => ({ query: 'mutation ($b: ID!) { generateCodes(bookId: $b, input: { count: 3, prefix: "GEN" }) { generated } }', variables: { b: w.bookId } }),
    expect: ADMIN_ONLY,
  },
  {
    field: 'Mutation.resumeCodeJob',
    // The world's job is a completed upload: an admin gets through to the service, which refuses it.
    op: (w) => ({ query: 'mutation ($id: ID!) { resumeCodeJob(jobId: $id) { status } }', variables: { id: w.jobId } }),
    expect: [U, F, F, 'BAD_USER_INPUT'],
  },
  {
    field: 'Mutation.reverseRedemption',
    op: (w) => ({ query: OPS.reverse, variables: { id: w.redemptionId, reason: 'refund' } }),
    expect: ADMIN_ONLY,
  },
  {
    field: 'Mutation.previewDistribution',
    op: (w) => ({ query: 'mutation ($p: ID!, $b: ID!) { previewDistribution(poolId: $p, bookId: $b, mode: EQUAL, count: 1) { totalAssigned } }', variables: { p: w.poolId, b: w.bookId } }),
    expect: ADMIN_ONLY,
  },
  { field: 'Mutation.distributeToPool', op: (w) => ({ query: OPS.distribute, variables: { poolId: w.poolId, bookId: w.bookId, mode: 'RANDOM', count: 1 } }), expect: ADMIN_ONLY },
  { field: 'Mutation.createPool', op: () => ({ query: 'mutation { createPool(name: "matrix") { id } }' }), expect: ADMIN_ONLY },
  {
    field: 'Mutation.addPoolMembers',
    op: (w) => ({ query: 'mutation ($p: ID!, $e: [String!]) { addPoolMembers(poolId: $p, emails: $e) { id } }', variables: { p: w.poolId, e: [credentials.email] } }),
    expect: ADMIN_ONLY,
  },
  {
    field: 'Mutation.removePoolMembers',
    op: (w) => ({ query: 'mutation ($p: ID!, $u: [ID!]!) { removePoolMembers(poolId: $p, userIds: $u) { id } }', variables: { p: w.poolId, u: [randomUUID()] } }),
    expect: ADMIN_ONLY,
  },
  // Mutations: the coupon lifecycle — any signed-in user for themself; only the owner on a coupon
  { field: 'Mutation.assignRandomCoupon', op: (w) => ({ query: OPS.assignRandom, variables: { bookId: w.bookId } }), expect: SIGNED_IN },
  {
    field: 'Mutation.assignRandomCoupon',
    variant: 'for the user (userId)',
    op: (w) => ({ query: OPS.assignRandom, variables: { bookId: w.bookId, userId: owner.id } }),
    expect: [U, 'ok', F, 'ok'],
  },
  { field: 'Mutation.assignCoupon', op: (w, actor) => ({ query: OPS.assignCode, variables: { code: w.free[actor] } }), expect: SIGNED_IN },
  {
    field: 'Mutation.assignCoupon',
    variant: 'for the user (userId)',
    op: (w, actor) => ({ query: OPS.assignCode, variables: { code: w.free[actor], userId: owner.id } }),
    expect: [U, 'ok', F, 'ok'],
  },
  { field: 'Mutation.lockCoupon', op: (w) => ({ query: OPS.lock, variables: { code: w.assigned } }), expect: OWNER_ONLY },
  { field: 'Mutation.unlockCoupon', op: (w) => ({ query: OPS.unlock, variables: { code: w.locked } }), expect: OWNER_ONLY },
  { field: 'Mutation.redeemCoupon', op: (w) => ({ query: OPS.redeem, variables: { code: w.locked } }), expect: OWNER_ONLY },
  // Mutations: sessions
  {
    field: 'Mutation.revokeUserSessions',
    op: () => ({ query: 'mutation ($u: ID!) { revokeUserSessions(userId: $u) { id } }', variables: { u: bystander.id } }),
    expect: ADMIN_ONLY,
  },
  { field: 'Mutation.signOutEverywhere', op: () => ({ query: 'mutation { signOutEverywhere }' }), expect: SIGNED_IN, revokesTokens: true },
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
});

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
  };
}

const ACTORS: Actor[] = ['anonymous', 'user', 'other', 'admin'];
/** Failures first, so a success cannot change what a later actor is refused for. */
const ORDER: Actor[] = ['anonymous', 'other', 'user', 'admin'];

function tokenOf(actor: Actor): string | null {
  return { anonymous: null, user: owner.token, other: other.token, admin: admin.token }[actor];
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
      const outcome = await call(server, query, variables ?? {}, tokenOf(actor));
      if (!outcome.ok) seen[actor] = outcome.code;
      else if (outcome.data === null) seen[actor] = 'null';
      else if (typeof outcome.data === 'object' && (outcome.data as { totalCount?: number }).totalCount === 0) seen[actor] = 'empty';
      else seen[actor] = 'ok';
    }
    if (row.revokesTokens) await reissueTokens();
    const expected = Object.fromEntries(ACTORS.map((a, i) => [a, row.expect[i]]));
    expect(Object.fromEntries(ACTORS.map((a) => [a, seen[a]]))).toEqual(expected);
  });

  it('leaves the invariants intact', () => expectInvariants(server.db));
});
