import type { DatabaseClients } from '@coupons/db';
import type { ServiceContext } from './context.ts';
import { isDatabaseUnavailable, pgCode } from './errors.ts';

/**
 * How long a replica that could not answer is left alone: reads go straight to the primary
 * meanwhile, so an unreachable replica costs one failed attempt per this long, not one per read.
 */
export const REPLICA_RETRY_AFTER_MS = 5_000;

/** Until when each replica is skipped (keyed by its clients, so one per `createDatabase`). */
const skippedUntil = new WeakMap<DatabaseClients, number>();

/**
 * Runs a read that tolerates replica lag on the read replica (`DATABASE_READ_URL`), or on the
 * primary when none is configured. Only for statements that write nothing and need no row this
 * request or this caller has just written: docs/SCALING.md ("Read replica") lists what routes
 * and why the rest does not.
 *
 * When the replica cannot answer — unreachable, restarting, too many connections, or a query
 * cancelled by a recovery conflict (40001 on a hot standby) — the read runs again on the primary
 * and the replica is skipped for {@link REPLICA_RETRY_AFTER_MS}. An outage of the primary itself
 * still answers SERVICE_UNAVAILABLE, as before. Any other error (bad input …) is the read's own
 * and is thrown as it is, without a second attempt.
 */
export async function readFromReplica<T>(ctx: Pick<ServiceContext, 'db'>, read: (clients: DatabaseClients) => Promise<T>): Promise<T> {
  const replica = ctx.db.replica;
  if (!replica || (skippedUntil.get(replica) ?? 0) > Date.now()) return read(ctx.db);
  try {
    return await read(replica);
  } catch (error) {
    if (!replicaCannotAnswer(error)) throw error;
    if (isDatabaseUnavailable(error)) skippedUntil.set(replica, Date.now() + REPLICA_RETRY_AFTER_MS);
    return read(ctx.db);
  }
}

/** The replica is away, or cancelled the query because replay needed its rows (a standby's 40001). */
function replicaCannotAnswer(error: unknown): boolean {
  return isDatabaseUnavailable(error) || pgCode(error) === '40001';
}
