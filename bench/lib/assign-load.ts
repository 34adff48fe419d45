import pg from 'pg';
// The exact claim the service runs (not exported by the package: it is internal SQL).
import { claimRandomCoupon, inTransaction } from '@coupons/core/sql';
import { type GraphqlLoadResult, runGraphqlLoad } from './http-load.ts';
import { runConcurrently } from './pg-load.ts';
import type { BenchContext, Goal } from './scenario.ts';
import { createStockedBooks, settle } from './seed.ts';
import type { LoadSummary } from './stats.ts';
import { createUsersWithTokens } from './tokens.ts';

/** Sizes of assign-hot; assign-open-loop, assign-spread, assign-original-design and pgbouncer reuse them ("same load"). */
export function assignSizes(quick: boolean) {
  return {
    codesPerBook: quick ? 20_000 : 100_000,
    calls: quick ? 1_200 : 20_000,
    warmupCalls: quick ? 200 : 1_000,
    users: 1_000,
    concurrency: 64,
  };
}

export type AssignSizes = ReturnType<typeof assignSizes>;

/**
 * The assign-hot setup: its sizes, `size.users` users with tokens, and `books` books of
 * `size.codesPerBook` codes each (one per path measured, so no path claims from a book another
 * has already thinned), with settled statistics.
 */
export async function stockAssignLoad(
  ctx: BenchContext,
  books: number,
): Promise<{ size: AssignSizes; tokens: string[]; userIds: string[]; bookIds: string[] }> {
  const size = assignSizes(ctx.quick);
  const { tokens, userIds } = await createUsersWithTokens(ctx.pool, size.users);
  const bookIds = await createStockedBooks(ctx.pool, books, size.codesPerBook);
  await settle(ctx.pool);
  return { size, tokens, userIds, bookIds };
}

/** The two paths of a GraphQL-vs-ceiling run, each on its own book. */
export interface ApiAndCeiling {
  size: AssignSizes;
  /** `calls` claims over HTTP (at `overallRate` per second: open loop; else closed loop). */
  viaApi(calls: number, overallRate?: number): Promise<GraphqlLoadResult>;
  /** `calls` claims through plain `pg` (L1). */
  viaL1(calls: number): Promise<LoadSummary>;
}

/**
 * assign-hot's setup for comparing the API with its L1 ceiling: two stocked books, a ceiling pool
 * of the API's size, both paths warmed up (`warmupCalls` each); the pool ends after `measure`.
 */
export async function withApiAndCeiling<T>(ctx: BenchContext, measure: (paths: ApiAndCeiling) => Promise<T>): Promise<T> {
  const { size, tokens, userIds, bookIds: [apiBook, l1Book] } = await stockAssignLoad(ctx, 2);
  const l1Pool = await ceilingPool(ctx.database.url, ctx.poolSize);
  try {
    const { concurrency } = size;
    const viaApi = (calls: number, overallRate?: number) => assignViaApi(ctx.api().url, { concurrency, bookIds: [apiBook], calls, tokens, overallRate });
    const viaL1 = (calls: number) => assignViaPlainPg(l1Pool, { concurrency, bookIds: [l1Book], calls, userIds });
    ctx.log(`warm-up (${size.warmupCalls} calls each)`);
    await viaApi(size.warmupCalls);
    await viaL1(size.warmupCalls);
    return await measure({ size, viaApi, viaL1 });
  } finally {
    await l1Pool.end();
  }
}

/** What a shop would ask for after a claim: the code to show, and the state. */
export const ASSIGN_MUTATION = 'mutation Assign($bookId: ID!) { assignRandomCoupon(bookId: $bookId) { id code state } }';

/** Who claims from where: call n is made by user n mod users on book n mod books. */
export interface ClaimPlan {
  bookIds: string[];
  calls: number;
  concurrency: number;
}

/** `calls` assignRandomCoupon mutations over HTTP, each with its user's own token. */
export function assignViaApi(url: string, plan: ClaimPlan & { tokens: string[]; overallRate?: number }): Promise<GraphqlLoadResult> {
  let n = 0;
  return runGraphqlLoad({
    url,
    connections: plan.concurrency,
    amount: plan.calls,
    overallRate: plan.overallRate,
    steps: [
      {
        query: ASSIGN_MUTATION,
        next: () => {
          const call = n++;
          return {
            variables: { bookId: plan.bookIds[call % plan.bookIds.length] },
            authorization: plan.tokens[call % plan.tokens.length],
          };
        },
      },
    ],
  });
}

/**
 * The L1 ceiling: the service's own claim (both statements, in its transaction) through plain
 * `pg` (no HTTP, GraphQL or JWT), `concurrency` calls in flight on a pool of `poolSize` connections.
 */
export function assignViaPlainPg(pool: pg.Pool, plan: ClaimPlan & { userIds: string[] }): Promise<LoadSummary> {
  return runConcurrently(plan.concurrency, plan.calls, async (call) => {
    const userId = plan.userIds[call % plan.userIds.length];
    const bookId = plan.bookIds[call % plan.bookIds.length];
    const outcome = await inTransaction(pool, (tx) => claimRandomCoupon(tx, { bookId, userId, actorId: userId, now: new Date() }));
    if (outcome.coupon) return null;
    return outcome.picked ? 'LIMIT_REACHED' : 'SOLD_OUT';
  });
}

/** A pool like the API's, for a ceiling: same size, its connections opened before timing starts. */
export async function ceilingPool(url: string, size: number): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: size, application_name: 'coupon-bench-ceiling' });
  pool.on('error', () => {});
  const clients = await Promise.all(Array.from({ length: size }, () => pool.connect()));
  for (const client of clients) client.release();
  return pool;
}

/** The goal every assign comparison has: both runs (`a`, `b`) claimed a coupon on every one of their `calls`. */
export function everyCallClaimed(a: { ok: number }, b: { ok: number }, calls: number): Goal {
  return { name: 'every call claimed a coupon', actual: `${a.ok} + ${b.ok} of ${calls} + ${calls}`, target: 'all', met: a.ok === calls && b.ok === calls };
}
