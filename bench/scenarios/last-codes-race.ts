import { ASSIGN_MUTATION, assignViaPlainPg, ceilingPool } from '../lib/assign-load.ts';
import { measureCpu } from '../lib/cpu.ts';
import { runGraphqlLoad } from '../lib/http-load.ts';
import { type BenchContext, compareGoal, ratio, type Scenario } from '../lib/scenario.ts';
import { addCoupons, createBook, createUsers, seedBooks } from '../lib/seed.ts';
import { bearerTokens } from '../lib/tokens.ts';

const RACERS = 1_000;
const LEFT = 100;

/**
 * last-codes-race: a 1M-code book with all but 100 codes already assigned; 1,000 users, each on
 * their own connection, ask for a coupon at the same moment. Exactly 100 must win, the other 900
 * must hear SOLD_OUT (not an error, not a hang), nobody may get a coupon twice, and the whole
 * race must drain within 2x its ceiling (BENCH.md): the same 1,000 claims, by the same users, on
 * an identical book, through plain `pg` on a pool of the API's size, all started at once.
 */
export const lastCodesRace: Scenario = {
  id: 'last-codes-race',
  title: '1,000 concurrent users race for the last 100 codes of a 1M-code book over HTTP',
  async run(ctx: BenchContext) {
    const bookSize = ctx.quick ? 30_000 : 1_000_000;
    const [holder] = await createUsers(ctx.pool, 1);
    const racers = await createUsers(ctx.pool, RACERS);
    const tokens = bearerTokens(racers);
    ctx.log(`loading a ${bookSize.toLocaleString('en-US')}-code book with ${LEFT} codes left`);
    const lastCodes = { codes: bookSize, assignTo: { userIds: [holder.id], assigned: bookSize - LEFT } };
    const { book, ceilingBook } = await seedBooks(ctx.pool, { book: lastCodes, ceilingBook: lastCodes });
    // A fresh API: its live-event listener starts after the seeded history instead of replaying it.
    const api = await ctx.restartApi();
    await warmUp(ctx, api.url);

    ctx.log(`race: ${RACERS} users, ${LEFT} codes`);
    let next = 0;
    const { result: race, cpuMsPerCall } = await measureCpu({ api: api.pid, postgres: ctx.database.postgresPid }, RACERS, () =>
      runGraphqlLoad({
        url: api.url,
        connections: RACERS,
        amount: RACERS,
        steps: [{ query: ASSIGN_MUTATION, next: () => ({ variables: { bookId: book }, authorization: tokens[next++] }) }],
      }),
    );

    ctx.log(`ceiling: the same ${RACERS} claims through plain pg, all at once`);
    const l1Pool = await ceilingPool(ctx.database.url, ctx.poolSize);
    const { result: ceiling, cpuMsPerCall: ceilingCpu } = await measureCpu({ postgres: ctx.database.postgresPid }, RACERS, () =>
      assignViaPlainPg(l1Pool, { bookIds: [ceilingBook], calls: RACERS, concurrency: RACERS, userIds: racers.map((r) => r.id) }),
    ).finally(() => l1Pool.end());
    const ceilingExact = ceiling.ok === LEFT && (ceiling.errors.SOLD_OUT ?? 0) === RACERS - LEFT;

    const { rows } = await ctx.pool.query<{ winners: number; distinct_winners: number; left: number }>(
      `SELECT count(*) FILTER (WHERE assigned_user_id <> $2::uuid)::int AS winners,
              count(DISTINCT assigned_user_id) FILTER (WHERE assigned_user_id <> $2::uuid)::int AS distinct_winners,
              count(*) FILTER (WHERE state = 'UNASSIGNED')::int AS left
       FROM coupon WHERE book_id = $1::uuid`,
      [book, holder.id],
    );
    const db = rows[0];
    const soldOut = race.errors.SOLD_OUT ?? 0;
    const otherErrors = Object.entries(race.errors).filter(([code]) => code !== 'SOLD_OUT');
    const exact = race.ok === LEFT && soldOut === RACERS - LEFT && otherErrors.length === 0;
    const noDuplicate = db.winners === LEFT && db.distinct_winners === LEFT && db.left === 0;
    return {
      summary: `${race.ok} won, ${soldOut} SOLD_OUT, drained ${race.firstSentToLastAnswerMs} ms after the first request (${race.lastAnswerMs} ms with connecting 1,000 sockets); CPU per racer: API ${cpuMsPerCall.api} ms, PG ${cpuMsPerCall.postgres} ms · plain pg drained in ${Math.round(ceiling.durationMs)} ms, PG ${ceilingCpu.postgres} ms per racer`,
      figures: { bookSize, racers: RACERS, left: LEFT, race, database: db, cpuMsPerRacer: cpuMsPerCall, ceiling, ceilingCpuMsPerRacer: ceilingCpu },
      goals: [
        {
          name: 'won / SOLD_OUT / other errors',
          actual: `${race.ok} / ${soldOut} / ${otherErrors.map(([c, n]) => `${n} ${c}`).join(', ') || 0}`,
          target: `${LEFT} / ${RACERS - LEFT} / 0`,
          met: exact,
        },
        {
          name: 'no duplicate (DB: coupons, distinct winners, left)',
          actual: `${db.winners}, ${db.distinct_winners}, ${db.left}`,
          target: `${LEFT}, ${LEFT}, 0`,
          met: noDuplicate,
        },
        compareGoal('drain, first request to last answer: GraphQL / plain pg', ratio(race.firstSentToLastAnswerMs, ceiling.durationMs), '≤', 2),
        {
          name: 'plain pg ceiling: won / SOLD_OUT',
          actual: `${ceiling.ok} / ${ceiling.errors.SOLD_OUT ?? 0}`,
          target: `${LEFT} / ${RACERS - LEFT}`,
          met: ceilingExact,
        },
      ],
    };
  },
};

/** Warms the fresh API's code paths on a throw-away book, so the race measures a running server. */
async function warmUp(ctx: BenchContext, url: string): Promise<void> {
  const users = await createUsers(ctx.pool, 64);
  const tokens = bearerTokens(users);
  const book = await createBook(ctx.pool);
  await addCoupons(ctx.pool, book, 1_000);
  let n = 0;
  await runGraphqlLoad({
    url,
    connections: 64,
    amount: 600,
    steps: [{ query: ASSIGN_MUTATION, next: () => ({ variables: { bookId: book }, authorization: tokens[n++ % tokens.length] }) }],
  });
}
