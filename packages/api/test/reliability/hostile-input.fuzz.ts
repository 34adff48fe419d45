import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import {
  type GraphQLField,
  type GraphQLObjectType,
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { useFixture } from '@coupons/db/testing';
import { expect, it } from 'vitest';
import { buildApiSchema } from '../../src/server/schema.ts';
import {
  type ApiUser,
  call,
  CONTRACT_CODES,
  createCampaign,
  createPool,
  createUsers,
  OPS,
  postJson,
  signUp,
  startTestServer,
  TEST_PASSWORD,
  type TestServer,
} from '../../testing/index.ts';
import { propertyParameters } from './fast-check.settings.ts';
import { argumentsFor, type RealValues, toRequestBody } from './hostile.arbitraries.ts';

/**
 * The hostile-input fuzzing of every root Query and Mutation field, shared by the standard test
 * (hostile-input.fuzz.test.ts) and the soak: a server with a few real objects to aim at, the
 * operation of each field generated from the schema, and the check every answer must pass.
 */

/** A server to fuzz, with real ids, codes and emails that let hostile values reach deep checks. */
export interface FuzzTarget {
  server: TestServer;
  admin: ApiUser;
  user: ApiUser;
  /**
   * Callers of the fields that end sessions (`signOutEverywhere`, `revokeUserSessions`): fuzzing
   * them with the admin's or the user's token would sign those out and leave every later field
   * answering UNAUTHENTICATED, which is a contract code but tests nothing.
   */
  bystanders: { admin: ApiUser; user: ApiUser };
  /** Real values by argument name, per `Type.field` (or `default`). */
  real: Record<string, RealValues>;
  close(): Promise<void>;
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const server = await startTestServer();
  const signedUp = await signUp(server);
  const user: ApiUser = { id: signedUp.user.id, email: signedUp.email, role: 'USER', token: signedUp.token };
  const [admin, bystanderAdmin] = await createUsers(server, 2, 'ADMIN');
  const [bystanderUser] = await createUsers(server, 1);
  const campaign = await createCampaign(server, admin, 12, { maxAssignmentsPerUser: 5 });
  const scratch = await createCampaign(server, admin, 0); // updateBook works on this one
  const [assigned, locked, redeemed, ...free] = campaign.codes;
  for (const code of [assigned, locked, redeemed]) await call(server, OPS.assignCode, { code }, user.token);
  for (const code of [locked, redeemed]) await call(server, OPS.lock, { code }, user.token);
  const redemption = await call<{ id: string }>(server, OPS.redeem, { code: redeemed }, user.token);
  const poolId = await createPool(server, admin, [user]);
  const scratchPool = await createPool(server, admin, []); // deletePool works on this one
  const shared: RealValues = {
    bookId: [campaign.bookId],
    code: [assigned, locked, redeemed, free[0], free[1].toLowerCase(), ` ${free[2]} `],
    userId: [user.id, admin.id],
    userIds: [user.id],
    poolId: [poolId],
    jobId: [campaign.jobId],
    redemptionId: [redemption.ok ? redemption.data.id : ''],
    email: [user.email],
    emails: [user.email, 'nobody@example.test'],
    password: [TEST_PASSWORD],
    first: [1, 20, 100],
    count: [1, 2],
    reason: ['refund'],
    idempotencyKey: ['fuzz-key-1'],
    name: ['Fuzzed'],
    description: ['A book'],
    discountValue: [10, 99.99],
    lockTtlSeconds: [60],
    maxAssignmentsPerUser: [2],
    maxRedemptionsPerUser: [2],
    allowMultipleRedemptions: [false],
    metadata: [{ campaign: 'fuzz' }],
    validFrom: ['2020-01-01T00:00:00.000Z'],
    validUntil: ['2099-01-01T00:00:00.000Z'],
    length: [8],
    prefix: ['FZ'],
    suffix: ['Z'],
    charset: ['ABCDEFGHJK'],
    checkCharacter: [true],
    waitForCompletion: [true],
    seed: ['seed-1'],
    search: ['Fuzz'],
    emailContains: ['example'],
  };
  const real: Record<string, RealValues> = {
    default: shared,
    'Query.book': { ...shared, id: [campaign.bookId] },
    'Query.pool': { ...shared, id: [poolId] },
    'Mutation.updateBook': { ...shared, id: [scratch.bookId] },
    'Mutation.register': { ...shared, email: Array.from({ length: 40 }, () => `fuzz-${randomUUID()}@example.test`) },
    'Mutation.uploadCodes': { ...shared, bookId: [scratch.bookId] },
    'Mutation.generateCodes': { ...shared, bookId: [scratch.bookId] },
    'Mutation.revokeUserSessions': { ...shared, userId: [bystanderUser.id] },
    'Mutation.setUserRole': { ...shared, userId: [bystanderUser.id] },
    'Mutation.disableUser': { ...shared, userId: [bystanderUser.id] },
    'Mutation.enableUser': { ...shared, userId: [bystanderUser.id] },
    'Mutation.eraseUser': { ...shared, userId: [bystanderUser.id] },
    'Mutation.updatePool': { ...shared, id: [poolId] },
    'Mutation.deletePool': { ...shared, id: [scratchPool] },
  };
  const bystanders = { admin: bystanderAdmin, user: bystanderUser };
  return { server, admin, user, bystanders, real, close: () => server.close() };
}

/** Every root Query and Mutation field, with the operation kind that reaches it. */
export async function rootFields(): Promise<Array<{ name: string; kind: 'query' | 'mutation'; field: GraphQLField<unknown, unknown> }>> {
  const schema = await buildApiSchema();
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const;
  return roots.flatMap(([kind, type]) =>
    type ? Object.values(type.getFields()).map((field) => ({ name: `${type.name}.${field.name}`, kind, field })) : [],
  );
}

/** The operation for one root field: every argument as a variable, every scalar field of the result selected. */
export function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const variables = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const named = getNamedType(field.type);
  const selection = isObjectType(named) ? ` { ${scalarFields(named)} }` : '';
  return `${kind} Fuzz${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
}

function scalarFields(type: GraphQLObjectType): string {
  const leaves = Object.values(type.getFields()).filter((f) => isLeafType(getNamedType(f.type)) && f.args.every((a) => !isNonNullType(a.type)));
  return ['__typename', ...leaves.map((f) => f.name)].join(' ');
}

/** What a hostile request may get back: a GraphQL body with contract codes only, below HTTP 500. */
export function checkAnswer(status: number, text: string, what: string): void {
  expect(status, `${what}: HTTP ${status} ${text.slice(0, 300)}`).toBeLessThan(500);
  let body: { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${what}: not JSON (HTTP ${status}): ${text.slice(0, 300)}`);
  }
  for (const error of body.errors ?? []) {
    const code = error.extensions?.code ?? 'NO_CODE';
    expect(CONTRACT_CODES as readonly string[], `${what}: ${code} "${error.message}"`).toContain(code);
    // The client's own input may be echoed; what the server says of itself may not (stack, SQL, Prisma).
    expect(error.message).not.toMatch(/\n\s+at |node_modules|\.ts:\d+:\d+|Invalid `prisma|relation "|syntax error at or near|violates .* constraint/);
  }
}

const callers = () => fc.constantFrom<'admin' | 'user' | 'anonymous'>('admin', 'admin', 'admin', 'user', 'user', 'anonymous');

/**
 * The property for one root field: all arguments hostile, or plausible but for one, sent as
 * admin, user or anonymous; every answer must pass {@link checkAnswer}.
 */
/** Root fields that end the caller's (or a user's) sessions: fuzzed as bystanders, see FuzzTarget. */
// (setUserRole, disableUser and eraseUser could demote, disable or erase the fuzzer's own admin and user.)
const SESSION_ENDING = new Set([
  'Mutation.signOutEverywhere',
  'Mutation.revokeUserSessions',
  'Mutation.setUserRole',
  'Mutation.disableUser',
  'Mutation.eraseUser',
]);

export function fieldProperty(target: Omit<FuzzTarget, 'close'>, name: string, kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>) {
  const query = operationFor(kind, field);
  const variables = argumentsFor(field.args, target.real[name] ?? target.real.default);
  const principals = SESSION_ENDING.has(name) ? target.bystanders : target;
  return fc.asyncProperty(variables, callers(), async (vars, caller) => {
    const token = caller === 'admin' ? principals.admin.token : caller === 'user' ? principals.user.token : undefined;
    const res = await postJson(target.server.url, toRequestBody(query, vars), token ? { authorization: `Bearer ${token}` } : {});
    checkAnswer(res.status, res.text, `${name} as ${caller}`);
  });
}

/** A {@link FuzzTarget} for the test file: started in `beforeAll`, closed in `afterAll`. Read it inside tests. */
export function useFuzzTarget(): Omit<FuzzTarget, 'close'> {
  return useFixture('useFuzzTarget', startFuzzTarget, (target) => target.close(), ['server', 'admin', 'user', 'bystanders', 'real']);
}

/** One test per root field (`%s` its name): `runs` hostile values of its arguments, each from a random caller. */
export function fuzzEveryRootField(
  target: Omit<FuzzTarget, 'close'>,
  fields: Awaited<ReturnType<typeof rootFields>>,
  options: { label: string; runs: number; timeoutMs: number },
): void {
  it.each(fields.map((f) => [f.name, f] as const))(
    '%s',
    async (name, { kind, field }) => {
      await fc.assert(fieldProperty(target, name, kind, field), propertyParameters(`${options.label} ${name}`, options.runs));
    },
    options.timeoutMs,
  );
}
