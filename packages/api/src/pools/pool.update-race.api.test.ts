import { Prisma } from '@coupons/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiUser,
  call,
  createPool,
  createUsers,
  describeOutcome,
  type Outcome,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';

// distributeToPool raced over the real API against what changes its inputs: updateBook (the
// book's limit, its validity window) and member changes of the pool. Each round fires the two at
// once and, the moment the change answers, a probe that reads the book's assigned count. The
// probe is what makes a stale read visible: a change that has answered precedes the probe, so if
// the probe still sees nothing of the distribution, the distribution must come after the change
// and must have acted on the changed book or list. Every round must match a serial order.

const ROUNDS = 12;
/** Pool size: big enough that a distribution takes a few statements' time. */
const MEMBERS = 40;
/** EQUAL over every user gives each this many (capped by the book's limit); count is the total. */
const PER_MEMBER = 2;
/** The total a member-change round distributes: one each over every user, two each over half of them. */
const MEMBER_ROUND_TOTAL = MEMBERS;

let server: TestServer;
let admin: ApiUser;
let users: ApiUser[];

beforeAll(async () => {
  server = await startTestServer();
  [admin] = await createUsers(server, 1, 'ADMIN');
  users = await createUsers(server, MEMBERS);
});
afterAll(() => server.close());

const must = <T>(outcome: Outcome<T>): T => {
  if (!outcome.ok) throw new Error(describeOutcome(outcome));
  return outcome.data;
};

/** A fresh unlimited, active book holding `MEMBERS × PER_MEMBER` coupons. */
async function freshBook(): Promise<string> {
  const book = must(
    await call<{ id: string }>(
      server,
      'mutation { createBook(input: { name: "Race", discountType: PERCENTAGE, discountValue: 10 }) { id } }',
      {},
      admin.token,
    ),
  );
  await server.db.prisma.$executeRaw(Prisma.sql`
    INSERT INTO coupon (book_id, code)
    SELECT ${book.id}::uuid, upper('UR' || replace(${book.id}, '-', '') || '-' || g) FROM generate_series(1, ${MEMBERS * PER_MEMBER}::int) g`);
  return book.id;
}

// count is the total (issue 16): EQUAL gives each member ⌊count / members⌋.
const distribute = (poolId: string, bookId: string, count = MEMBERS * PER_MEMBER) =>
  call<{ assigned: number }>(
    server,
    'mutation ($p: ID!, $b: ID!, $c: Int!) { distributeToPool(poolId: $p, bookId: $b, mode: EQUAL, count: $c) { assigned } }',
    { p: poolId, b: bookId, c: count },
    admin.token,
  );

const updateBook = (bookId: string, input: Record<string, unknown>) =>
  call(server, 'mutation ($id: ID!, $input: UpdateBookInput!) { updateBook(id: $id, input: $input) { id } }', { id: bookId, input }, admin.token);

const assignedCount = async (bookId: string) =>
  must(await call<{ counts: { assigned: number } }>(server, 'query ($id: ID!) { book(id: $id) { counts { assigned } } }', { id: bookId }, admin.token))
    .counts.assigned;

/**
 * The distribution and the change at once; the probe fires as soon as the change answers.
 * `probe` is the book's assigned count then: 0 (the distribution had not committed) or all of it.
 */
async function race(bookId: string, dist: () => Promise<Outcome<{ assigned: number }>>, change: () => Promise<Outcome>) {
  const [distributed, [changed, probe]] = await Promise.all([
    dist(),
    change().then(async (outcome) => [outcome, await assignedCount(bookId)] as const),
  ]);
  return { distributed, changed, probe };
}

/** Coupons each user holds in the book. */
async function holdings(bookId: string): Promise<Map<string, number>> {
  const rows = await server.db.prisma.$queryRaw<Array<{ user_id: string; n: number }>>(Prisma.sql`
    SELECT assigned_user_id::text AS user_id, count(*)::int AS n FROM coupon
    WHERE book_id = ${bookId}::uuid AND assigned_user_id IS NOT NULL GROUP BY 1`);
  return new Map(rows.map((r) => [r.user_id, r.n]));
}

/** Each of `who` holds exactly `n` and nobody else holds any. */
const holdsExactly = (held: Map<string, number>, who: ApiUser[], n: number) =>
  held.size === who.length && who.every((u) => held.get(u.id) === n);

/** What one round of a race left behind, for its judge. */
interface RoundResult {
  distributed: Outcome<{ assigned: number }>;
  held: Map<string, number>;
  probe: number;
}

/**
 * `ROUNDS` rounds, each on a fresh book, of a distribution to a pool of every user raced against
 * `updateBook(input)` (which must succeed). `judge` returns why a round matches no serial order
 * (or `undefined` when it does); the rounds that match none are returned.
 */
async function raceBookUpdate(
  input: Record<string, unknown> | (() => Record<string, unknown>),
  judge: (result: RoundResult) => string | undefined,
): Promise<string[]> {
  const poolId = await createPool(server, admin, users);
  const unexplained: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const bookId = await freshBook();
    const { distributed, changed, probe } = await race(
      bookId,
      () => distribute(poolId, bookId),
      () => updateBook(bookId, typeof input === 'function' ? input() : input),
    );
    expect(changed.ok, describeOutcome(changed)).toBe(true);
    const held = await holdings(bookId);
    const why = judge({ distributed, held, probe });
    if (why !== undefined) unexplained.push(`round ${round}: ${why}, probe after update saw ${probe}`);
  }
  return unexplained;
}

/**
 * `ROUNDS` rounds of a distribution to a pool of `before` raced against `mutation` moving `moved`
 * in or out, so that the pool holds `after`. Each round must match a serial order: the
 * distribution first (it served `before`, and the probe saw all of it) or the change first (it
 * served `after`; the probe saw nothing yet or all of it). Returns the rounds that match neither.
 */
async function raceMemberChange(round: { before: ApiUser[]; after: ApiUser[]; change: string; mutation: string; moved: ApiUser[] }) {
  const unexplained: string[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const poolId = await createPool(server, admin, round.before);
    const bookId = await freshBook();
    const { distributed, changed, probe } = await race(
      bookId,
      () => distribute(poolId, bookId, MEMBER_ROUND_TOTAL),
      () => call(server, round.mutation, { p: poolId, u: round.moved.map((u) => u.id) }, admin.token),
    );
    expect(changed.ok, describeOutcome(changed)).toBe(true);
    expect(distributed.ok, describeOutcome(distributed)).toBe(true);
    const held = await holdings(bookId);
    // Both lists divide the total evenly, so either order hands out all of it, in different shares.
    const distributionFirst = holdsExactly(held, round.before, MEMBER_ROUND_TOTAL / round.before.length) && probe === MEMBER_ROUND_TOTAL;
    const changeFirst = holdsExactly(held, round.after, MEMBER_ROUND_TOTAL / round.after.length) && (probe === 0 || probe === MEMBER_ROUND_TOTAL);
    if (!distributionFirst && !changeFirst) {
      unexplained.push(`round ${i}: ${held.size} holders, probe after ${round.change} saw ${probe}`);
    }
  }
  return unexplained;
}

describe('distributeToPool raced against changes to its book and pool', () => {
  it(`updateBook tightening maxAssignmentsPerUser: the distribution uses one limit, the one in force at its place (${ROUNDS} rounds)`, async () => {
    const unexplained = await raceBookUpdate({ maxAssignmentsPerUser: 1 }, ({ distributed, held, probe }) => {
      expect(distributed.ok, describeOutcome(distributed)).toBe(true);
      const total = distributed.ok ? distributed.data.assigned : -1;
      // Distribution first: every member gets PER_MEMBER, and the probe (after the update) sees them.
      const distributionFirst = holdsExactly(held, users, PER_MEMBER) && total === MEMBERS * PER_MEMBER && probe === total;
      // Update first: the limit of 1 applies; the probe may come before or after the distribution.
      const updateFirst = holdsExactly(held, users, 1) && total === MEMBERS && (probe === 0 || probe === total);
      return distributionFirst || updateFirst ? undefined : `assigned ${total}, per user ${[...new Set(held.values())]}`;
    });
    expect(unexplained, `${unexplained.length} of ${ROUNDS} rounds match no serial order`).toEqual([]);
  });

  it(`updateBook ending the validity window: the distribution is fully before it or refused (${ROUNDS} rounds)`, async () => {
    const unexplained = await raceBookUpdate(() => ({ validUntil: server.clock.now().toISOString() }), ({ distributed, held, probe }) => {
      const distributionFirst = distributed.ok && holdsExactly(held, users, PER_MEMBER) && probe === MEMBERS * PER_MEMBER;
      const updateFirst = !distributed.ok && distributed.code === 'BOOK_NOT_ACTIVE' && held.size === 0 && probe === 0;
      return distributionFirst || updateFirst ? undefined : `${describeOutcome(distributed)}, ${held.size} holders`;
    });
    expect(unexplained, `${unexplained.length} of ${ROUNDS} rounds match no serial order`).toEqual([]);
  });

  const halves = () => [users.slice(0, MEMBERS / 2), users.slice(MEMBERS / 2)];
  for (const { field, change, mutation, pool } of [
    {
      field: 'removePoolMembers',
      change: 'removal',
      mutation: 'mutation ($p: ID!, $u: [ID!]!) { removePoolMembers(poolId: $p, userIds: $u) { id } }',
      // Everyone at first; the second half leaves.
      pool: () => {
        const [staying, leaving] = halves();
        return { before: users, after: staying, moved: leaving };
      },
    },
    {
      field: 'addPoolMembers',
      change: 'addition',
      mutation: 'mutation ($p: ID!, $u: [ID!]) { addPoolMembers(poolId: $p, userIds: $u) { id } }',
      // The first half at first; the second half joins.
      pool: () => {
        const [founding, joining] = halves();
        return { before: founding, after: users, moved: joining };
      },
    },
  ]) {
    it(`${field}: the distribution serves the list fully before or fully after the ${change} (${ROUNDS} rounds)`, async () => {
      const unexplained = await raceMemberChange({ ...pool(), change, mutation });
      expect(unexplained, `${unexplained.length} of ${ROUNDS} rounds match no serial order`).toEqual([]);
    });
  }
});
