import pg from 'pg';
// The exact claim the service runs (not exported by the package: it is internal SQL).
import { claimRandomCoupon, inTransaction } from '@coupons/core/sql';
import { type GraphqlLoadResult, runGraphqlLoad } from './http-load.ts';
import { runConcurrently } from './pg-load.ts';
import type { Goal } from './scenario.ts';
import type { LoadSummary } from './stats.ts';

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
