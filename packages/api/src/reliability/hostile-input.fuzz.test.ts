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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiSchema } from '../server/schema.ts';
import { startTestServer, type TestServer, TEST_PASSWORD, signUp } from '../testing/index.ts';
import { CONTRACT_CODES, call, OPS, postJson } from './api.client.ts';
import { expectInvariants } from './book.snapshot.ts';
import { type ApiUser, createCampaign, createPool, createUsers } from './campaign.fixtures.ts';
import { propertyParameters } from './fast-check.settings.ts';
import { argumentsFor, hostileCsv, type RealValues, toRequestBody } from './hostile.arbitraries.ts';

// Hostile input over every argument of every root Query and Mutation field, generated from the
// schema itself (a new field or argument is fuzzed without touching this file): the answer is
// always a GraphQL response whose error codes are contract codes — never INTERNAL_SERVER_ERROR,
// never a 5xx — the server keeps serving, and the invariants hold afterwards.

const RUNS_PER_FIELD = 40;

let server: TestServer;
let admin: ApiUser;
let user: ApiUser;
let real: Record<string, RealValues>;
beforeAll(async () => {
  server = await startTestServer();
  const signedUp = await signUp(server);
  user = { id: signedUp.user.id, email: signedUp.email, role: 'USER', token: signedUp.token };
  [admin] = await createUsers(server, 1, 'ADMIN');
  const campaign = await createCampaign(server, admin, 12, { maxAssignmentsPerUser: 5 });
  const scratch = await createCampaign(server, admin, 0); // updateBook works on this one
  const [assigned, locked, redeemed, ...free] = campaign.codes;
  for (const code of [assigned, locked, redeemed]) await call(server, OPS.assignCode, { code }, user.token);
  for (const code of [locked, redeemed]) await call(server, OPS.lock, { code }, user.token);
  const redemption = await call<{ id: string }>(server, OPS.redeem, { code: redeemed }, user.token);
  const poolId = await createPool(server, admin, [user]);
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
  real = {
    default: shared,
    'Query.book': { ...shared, id: [campaign.bookId] },
    'Query.pool': { ...shared, id: [poolId] },
    'Mutation.updateBook': { ...shared, id: [scratch.bookId] },
    'Mutation.register': { ...shared, email: Array.from({ length: 40 }, () => `fuzz-${randomUUID()}@example.test`) },
    'Mutation.uploadCodes': { ...shared, bookId: [scratch.bookId] },
    'Mutation.generateCodes': { ...shared, bookId: [scratch.bookId] },
  };
});
afterAll(() => server?.close());

/** The operation for one root field: every argument as a variable, every scalar field of the result selected. */
function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
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
function checkAnswer(status: number, text: string, what: string): void {
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

describe('hostile input never gets anything but a contract error code', async () => {
  const schema = await buildApiSchema();
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const;
  const fields = roots.flatMap(([kind, type]) => (type ? Object.values(type.getFields()).map((f) => [kind, type.name, f] as const) : []));

  it.each(fields.map(([kind, typeName, field]) => [`${typeName}.${field.name}`, kind, field] as const))(
    '%s',
    async (name, kind, field) => {
      const query = operationFor(kind, field);
      const values = real[name] ?? real.default;
      // All hostile (a missing required variable included), or plausible but for one argument.
      const variables = argumentsFor(field.args, values);
      const property = fc.asyncProperty(variables, callers(), async (vars, caller) => {
        const token = caller === 'admin' ? admin.token : caller === 'user' ? user.token : undefined;
        const res = await postJson(server.url, toRequestBody(query, vars), token ? { authorization: `Bearer ${token}` } : {});
        checkAnswer(res.status, res.text, `${name} as ${caller}`);
      });
      await fc.assert(property, propertyParameters(`fuzz ${name}`, RUNS_PER_FIELD));
    },
    60_000,
  );

  it('arguments written inline (the parser, not variables) get contract codes too', async () => {
    const property = fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom(...fields), async (text, [kind, , field]) => {
      const arg = field.args[0];
      if (!arg) return;
      const query = `${kind} { ${field.name}(${arg.name}: ${JSON.stringify(text)}) { __typename } }`;
      const res = await postJson(server.url, JSON.stringify({ query }), { authorization: `Bearer ${admin.token}` });
      checkAnswer(res.status, res.text, `inline ${field.name}(${arg.name})`);
    });
    await fc.assert(property, propertyParameters('fuzz inline literals', 100));
  });

  it('malformed CSV uploads get a per-line report or BAD_USER_INPUT', async () => {
    const scratch = real['Mutation.uploadCodes'].bookId[0];
    const property = fc.asyncProperty(hostileCsv(), async (csv) => {
      const res = await postJson(
        server.url,
        JSON.stringify({ query: 'mutation ($b: ID!, $csv: String) { uploadCodes(bookId: $b, csv: $csv) { inserted invalidCount duplicateCount } }', variables: { b: scratch, csv } }),
        { authorization: `Bearer ${admin.token}` },
      );
      checkAnswer(res.status, res.text, 'uploadCodes(csv)');
    });
    await fc.assert(property, propertyParameters('fuzz CSV uploads', 40));
  }, 120_000);

  it('a 50 MB upload is refused up front (413, BAD_USER_INPUT); a 15 MB one is answered', async () => {
    const scratch = real['Mutation.uploadCodes'].bookId[0];
    const query = 'mutation ($b: ID!, $csv: String) { uploadCodes(bookId: $b, csv: $csv) { inserted invalidCount } }';
    const huge = 'NOT A CODE!\n'.repeat(Math.ceil((50 * 1024 * 1024) / 12));
    const refused = await postJson(server.url, JSON.stringify({ query, variables: { b: scratch, csv: huge } }), { authorization: `Bearer ${admin.token}` });
    expect(refused.status).toBe(413);
    checkAnswer(refused.status, refused.text, '50 MB upload');
    expect(JSON.parse(refused.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const large = '"unclosed,\n'.repeat(Math.ceil((15 * 1024 * 1024) / 11));
    const answered = await postJson(server.url, JSON.stringify({ query, variables: { b: scratch, csv: large } }), { authorization: `Bearer ${admin.token}` });
    checkAnswer(answered.status, answered.text, '15 MB malformed upload');
  }, 120_000);

  it('the server is still up and right afterwards', async () => {
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(200);
    const me = await call<{ id: string }>(server, '{ me { id } }', {}, user.token);
    expect(me).toEqual({ ok: true, data: { id: user.id } });
    await expectInvariants(server.db, 'after fuzzing');
  });
});
