import { setTimeout as sleep } from 'node:timers/promises';
import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { expectInvariants } from '../../test/reliability/book.snapshot.ts';
import { type ApiUser, call, createCampaign, createUsers, type Outcome, OPS, useApiTest } from '../../testing/index.ts';

// A shopper's claim racing the erasure of that shopper (issue 16, users). The erase gives the
// user's unused coupons back to their books; a claim committing beside it must not leave a coupon
// with the erased user. Each round starts the claims and the erase together and then judges the
// answers against the two serial orders a claim can have: before the erase (it succeeded, and the
// erase gave that coupon back, "user erased") or after it (refused: the shopper's token is dead,
// UNAUTHENTICATED; an admin's assignment to the erased account, INVALID_STATE).

const t = useApiTest({ users: [], accounts: 'inserted' });
const ERASE = 'mutation ($u: ID!) { eraseUser(userId: $u) }';
const ROUNDS = 40;

interface Claim {
  by: 'self' | 'admin';
  outcome: Outcome<{ code: string }>;
}

/** The books' coupons and events about `userId`, read after a round. */
async function afterRound(bookIds: string[], userId: string) {
  const held = await t.server.db.prisma.coupon.count({ where: { assignedUserId: userId, state: { in: ['ASSIGNED', 'LOCKED'] } } });
  const events = await t.server.db.prisma.$queryRaw<Array<{ code: string; type: string; user_id: string | null; reason: string | null }>>(Prisma.sql`
    SELECT c.code, e.type::text AS type, e.user_id::text AS user_id, e.reason
    FROM coupon_event e JOIN coupon c ON c.id = e.coupon_id
    WHERE e.book_id = ANY(${bookIds}::uuid[]) AND e.type IN ('ASSIGNED', 'UNASSIGNED') ORDER BY e.id`);
  const [audit] = await t.server.db.prisma.$queryRaw<Array<{ returned: number }>>(Prisma.sql`
    SELECT (changes->>'couponsReturned')::int AS returned FROM audit_log WHERE target_id = ${userId} AND action = 'USER_ERASED'`);
  const counters = await t.server.db.prisma.userBookCounter.findMany({ where: { userId } });
  return { held, events, returned: audit?.returned, assignedCount: counters.reduce((n, c) => n + c.assignedCount, 0) };
}

describe('eraseUser racing claims by (and for) that user', () => {
  it(`no coupon is left with an erased user, and every answer fits a serial order (${ROUNDS} rounds)`, async () => {
    const admin: ApiUser = t.admin;
    const tally = { before: 0, after: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const [shopper] = await createUsers(t.server, 1);
      // Random claims from one book, claims by code of the other (so no claim takes another's code).
      const { bookId } = await createCampaign(t.server, admin, 10);
      const { bookId: byCodeBook, codes } = await createCampaign(t.server, admin, 2);
      // One side starts up to 10 ms after the other (by round): the claims meet the erase at every step of its transaction.
      const offset = (round % 21) - 10;
      const erase = sleep(Math.max(0, -offset)).then(() => call(t.server, ERASE, { u: shopper.id }, admin.token));
      const claim = (by: Claim['by'], query: string, variables: Record<string, unknown>, token: string) =>
        sleep(Math.max(0, offset)).then(async (): Promise<Claim> => ({ by, outcome: await call(t.server, query, variables, token) }));
      // Three claims of their own (random, random, by code) and one by an admin for them.
      const claims = [
        claim('self', OPS.assignRandom, { bookId }, shopper.token),
        claim('self', OPS.assignRandom, { bookId }, shopper.token),
        claim('self', OPS.assignCode, { code: codes[0] }, shopper.token),
        claim('admin', OPS.assignCode, { code: codes[1], userId: shopper.id }, admin.token),
      ];
      const [erased, ...answers] = await Promise.all([erase, ...claims]);
      const context = `round ${round}: ${JSON.stringify(answers)}`;
      expect(erased.ok, JSON.stringify(erased)).toBe(true);

      const { held, events, returned, assignedCount } = await afterRound([bookId, byCodeBook], shopper.id);
      expect(held, `${context}: coupons left with the erased user`).toBe(0);
      expect(assignedCount, `${context}: the erased user's assignment counter`).toBe(0);
      const won = answers.filter((a) => a.outcome.ok).map((a) => (a.outcome.ok ? a.outcome.data.code : ''));
      for (const answer of answers) {
        if (answer.outcome.ok) continue;
        // After the erase: the shopper's token is refused; an admin hears the account cannot hold coupons.
        expect(answer.outcome.code, context).toBe(answer.by === 'self' ? 'UNAUTHENTICATED' : 'INVALID_STATE');
      }
      // Before the erase: each won coupon was assigned to them, then given back by the erase.
      for (const code of won) {
        const path = events.filter((e) => e.code === code).map((e) => `${e.type}:${e.user_id === shopper.id ? 'them' : e.user_id}:${e.reason ?? ''}`);
        expect(path, `${context}: ${code}`).toEqual(['ASSIGNED:them:', 'UNASSIGNED:null:user erased']);
      }
      // Nothing else was ever assigned to them, and the erase counted exactly what it gave back.
      expect(events.filter((e) => e.type === 'ASSIGNED').length, context).toBe(won.length);
      expect(returned, context).toBe(won.length);
      tally.before += won.length;
      tally.after += answers.length - won.length;
    }
    // Both serial orders happened, or the race was not a race.
    console.info(`claims served before the erase: ${tally.before}, refused after it: ${tally.after}`);
    expect(tally.before).toBeGreaterThan(0);
    expect(tally.after).toBeGreaterThan(0);
    await expectInvariants(t.server.db, 'after erase raced claims');
  });
});
