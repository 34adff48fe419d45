import type { Database, DatabaseClients, ReplicaClients } from '@coupons/db';
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
 *
 * While the replica is not known to hold everything the primary had `maxLagMs` ago
 * (`DATABASE_READ_MAX_LAG_MS`: replay stalled, paused or behind), the read goes to the primary
 * too: see {@link replicaIsFresh}.
 */
export async function readFromReplica<T>(ctx: Pick<ServiceContext, 'db'>, read: (clients: DatabaseClients) => Promise<T>): Promise<T> {
  const replica = ctx.db.replica;
  if (!replica || (skippedUntil.get(replica) ?? 0) > Date.now() || !replicaIsFresh(ctx.db, replica)) return read(ctx.db);
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

/** What one process knows of a replica's lag. */
interface Freshness {
  /** The standby holds everything the primary had written at this time (ms since the epoch; 0: not known). */
  freshAsOf: number;
  /** When the last check began (ms). */
  checkedAt: number;
  checking: boolean;
  /** The primary's WAL position at the start of recent checks, oldest first. */
  samples: Array<{ at: number; lsn: bigint }>;
}

const freshness = new WeakMap<ReplicaClients, Freshness>();

/** Samples kept: a standby further behind than this many checks is stale by the oldest one anyway. */
const MAX_SAMPLES = 64;

/**
 * Whether the replica may serve a read now: it held everything the primary had written
 * `maxLagMs` ago or later. Known from a check that runs at most every `maxLagMs / 5` (1 s at
 * most) while reads arrive, in the background: the primary's `pg_current_wal_lsn()`, then the
 * standby's `pg_last_wal_replay_lsn()`. A standby whose replay has reached the primary's position
 * of time T holds every commit before T; its lag at any later moment is at most now − T, so an
 * old check only makes the bound stricter (a standby that stalls since, or a quiet spell
 * without checks, sends reads to the primary until the next check). An idle primary whose
 * position the standby has replayed counts as no lag, however old its last commit. A check that
 * fails leaves the last answer to age. 0: no bound.
 */
export function replicaIsFresh(db: Pick<Database, 'pool'>, replica: ReplicaClients): boolean {
  if (replica.maxLagMs <= 0) return true;
  let state = freshness.get(replica);
  if (!state) {
    state = { freshAsOf: 0, checkedAt: 0, checking: false, samples: [] };
    freshness.set(replica, state);
  }
  const now = Date.now();
  const interval = Math.min(1_000, Math.max(20, replica.maxLagMs / 5));
  if (!state.checking && now - state.checkedAt >= interval) void checkLag(db, replica, state);
  return now - state.freshAsOf <= replica.maxLagMs;
}

async function checkLag(db: Pick<Database, 'pool'>, replica: ReplicaClients, state: Freshness): Promise<void> {
  state.checking = true;
  const at = Date.now();
  state.checkedAt = at;
  try {
    const primary = await db.pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    state.samples.push({ at, lsn: parseLsn(primary.rows[0].lsn) });
    if (state.samples.length > MAX_SAMPLES) state.samples.shift();
    const standby = await replica.pool
      .query<{ replayed: string | null; recovery: boolean }>('SELECT pg_last_wal_replay_lsn()::text AS replayed, pg_is_in_recovery() AS recovery')
      .catch((error: unknown) => {
        // Unreachable: leave it alone as a failed read would, rather than try again every check.
        if (isDatabaseUnavailable(error)) skippedUntil.set(replica, Date.now() + REPLICA_RETRY_AFTER_MS);
        throw error;
      });
    const { replayed, recovery } = standby.rows[0];
    if (!recovery) {
      // Not a standby (promoted, or the primary itself): nothing to replay.
      state.freshAsOf = at;
      state.samples = [];
      return;
    }
    if (replayed === null) return;
    const position = parseLsn(replayed);
    // The newest sample the standby has replayed up to: it holds everything the primary had then.
    let newest = -1;
    for (let i = state.samples.length - 1; i >= 0; i--) {
      if (state.samples[i].lsn <= position) {
        newest = i;
        break;
      }
    }
    if (newest < 0) return;
    state.freshAsOf = Math.max(state.freshAsOf, state.samples[newest].at);
    state.samples = state.samples.slice(newest);
  } catch {
    // Replica or primary unreachable: the last answer ages until a check succeeds.
  } finally {
    state.checking = false;
  }
}

/** `16/B374D848` → a comparable number. */
function parseLsn(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}
