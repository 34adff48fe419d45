import { inTransaction, lockCouponSql, redeemCouponSql } from '@coupons/core/sql';
import { ceilingPool } from '../lib/assign-load.ts';
import { halves, measureAbba } from '../lib/alternate.ts';
import { apiCheckouts, checkoutQueue } from '../lib/checkout-load.ts';
import { runConcurrently } from '../lib/pg-load.ts';
import { type BenchContext, compareGoal, formatNumber, ratio, type Scenario } from '../lib/scenario.ts';
import { codesByUser, createUsers, seedBooks } from '../lib/seed.ts';
import { round } from '../lib/stats.ts';
import { bearerTokens } from '../lib/tokens.ts';

const USERS = 64;

/**
 * lock-redeem: 64 users check out concurrently, each locking then redeeming their own assigned
 * coupon, over and over (single-use book). Beside it, the same two statements of the service
 * through plain pg, same pool size and concurrency, on other users and coupons of the same shape.
 */
export const lockRedeem: Scenario = {
  id: 'lock-redeem',
  title: '64 users lock then redeem their own coupons: GraphQL vs the same two statements through plain pg',
  async run(ctx: BenchContext) {
    // Multiples of 64 users (and of 32, so each connection ends on a redeem).
    const checkouts = ctx.quick ? 640 : 12_800;
    const warmup = ctx.quick ? 128 : 1_280;
    const perUser = (checkouts + warmup) / USERS;
    const apiUsers = await createUsers(ctx.pool, USERS);
    const sqlUsers = await createUsers(ctx.pool, USERS);
    const total = perUser * USERS;
    const { apiBook, sqlBook } = await seedBooks(ctx.pool, {
      apiBook: { codes: total, assignTo: { userIds: apiUsers.map((u) => u.id), assigned: total } },
      sqlBook: { codes: total, assignTo: { userIds: sqlUsers.map((u) => u.id), assigned: total } },
    });
    const tokens = bearerTokens(apiUsers);
    const apiQueue = checkoutQueue(apiUsers.map((u) => u.id), await codesByUser(ctx.pool, apiBook), perUser);
    const sqlQueue = checkoutQueue(sqlUsers.map((u) => u.id), await codesByUser(ctx.pool, sqlBook), perUser);
    // The seeded history (one ASSIGNED event per coupon) is a few outbox batches for the API's
    // live-event listener: it has caught up by the end of the warm-up.
    const api = ctx.api();
    const pool = await ceilingPool(ctx.database.url, ctx.poolSize);
    try {
      const viaApi = apiCheckouts(api.url, apiQueue, tokens, USERS);
      let sqlNext = 0;
      const viaPlainPg = (count: number) =>
        runConcurrently(USERS, count, async () => {
          const { userId, code } = sqlQueue[sqlNext++];
          const locked = await inTransaction(pool, (tx) => lockCouponSql(tx, { code, userId, now: new Date() }));
          if (!locked.coupon) return 'LOCK_FAILED';
          const redeemed = await inTransaction(pool, (tx) =>
            redeemCouponSql(tx, { code, userId, now: new Date(), idempotencyKey: null, metadata: null }),
          );
          return redeemed.redemption ? null : 'REDEEM_FAILED';
        });

      ctx.log(`warm-up (${warmup} checkouts each)`);
      await viaApi(warmup);
      await viaPlainPg(warmup);
      // GraphQL (a) and plain pg (b) in A B B A turns of half the checkouts each (multiples of 32,
      // so each of the 64 connections ends a turn on a redeem). CPU figures are per checkout.
      const { a: graphql, b: plain } = await measureAbba(
        halves(checkouts, USERS / 2),
        { a: viaApi, b: viaPlainPg },
        { api: api.pid, postgres: ctx.database.postgresPid },
        ctx.log,
      );
      const graphqlCpu = graphql.cpuMsPerCall;
      const plainCpu = plain.cpuMsPerCall;
      const graphqlPerSecond = round(checkouts / (graphql.durationMs / 1000));
      const plainPerSecond = round(checkouts / (plain.durationMs / 1000));
      const redeemed = await ctx.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM coupon WHERE book_id = ANY($1::uuid[]) AND state = 'REDEEMED'`,
        [[apiBook, sqlBook]],
      );
      const expected = (checkouts + warmup) * 2;
      return {
        summary: `GraphQL ${formatNumber(graphqlPerSecond)} checkouts/s (p99 per call ${graphql.p99Ms} ms), CPU/checkout API ${graphqlCpu.api} ms + PG ${graphqlCpu.postgres} ms · plain pg ${formatNumber(plainPerSecond)}/s, CPU/checkout PG ${plainCpu.postgres} ms`,
        figures: {
          users: USERS,
          checkouts,
          warmup,
          poolSize: ctx.poolSize,
          graphqlCalls: graphql,
          plainPgCheckouts: plain,
          graphqlPerSecond,
          plainPerSecond,
        },
        goals: [
          compareGoal('GraphQL/plain pg checkouts per second', ratio(graphqlPerSecond, plainPerSecond), '≥', 0.6),
          {
            name: 'every checkout redeemed (DB)',
            actual: `${redeemed.rows[0].n} of ${expected}`,
            target: 'all',
            met: redeemed.rows[0].n === expected && graphql.ok === checkouts * 2 && plain.ok === checkouts,
          },
        ],
      };
    } finally {
      await pool.end();
    }
  },
};
