import { setTimeout as sleep } from 'node:timers/promises';
import { recordAudit } from '../audit/audit.service.ts';
import { requireAdmin } from '../shared/access.ts';
import { assertBookActive, type BookRecord } from '../books/book.model.ts';
import { requireBook } from '../books/book.service.ts';
import { selectBookLocked } from '../books/book.sql.ts';
import { transactThenAnnounce } from '../shared/announce.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput, DomainError, notFound } from '../shared/errors.ts';
import type { SqlClient } from '../shared/sql.ts';
import { optionalIdempotencyKey, requireUuid } from '../shared/validation.ts';
import { reviveDates, runIdempotentIn, sqlClientTx } from '../coupons/idempotency.ts';
import {
  type DistributionMode,
  type DistributionPlan,
  type DistributionRemainder,
  equalShare,
  type PlanMember,
  planDistribution,
} from './distribution.plan.ts';
import {
  addToCounters,
  assignClaimed,
  claimUnassigned,
  countUnassigned,
  type DistributionFields,
  insertDistribution,
  lockMemberCounters,
  readMembers,
} from './distribution.sql.ts';
import { type PoolRecord, requirePool } from './pool.service.ts';
import { selectPoolLocked } from './pool.sql.ts';
import { newSeed } from './seeded-random.ts';

/** Arguments of preview and distribute. `seed` replays a preview's random choices exactly. */
export interface DistributionArgs {
  poolId: string;
  bookId: string;
  mode: DistributionMode;
  /** The total in both modes (EQUAL: each member gets ⌊count / members⌋). */
  count: number;
  /** EQUAL only (default LEAVE_IN_BOOK): where `count mod members` goes. */
  remainder?: DistributionRemainder | null;
  seed?: string | null;
}

/** Arguments of distribute: a preview's, and an optional idempotency key. */
export interface DistributeArgs extends DistributionArgs {
  /**
   * As for the shopper mutations: per caller, within the key's lifetime, the same key with the
   * same arguments answers the first distribution's record and distributes nothing more; with
   * other arguments it is BAD_USER_INPUT naming `idempotencyKey`. A failed attempt is not kept.
   */
  idempotencyKey?: string | null;
}

/**
 * The remainder rule when none is given: LEAVE_IN_BOOK. EQUAL promises equal shares, and the
 * design's rule is `coupons_per_user = N / pool_size`; handing the rest out at random would break
 * that promise without being asked to, while coupons left in the book can still be handed out
 * later (coupons handed out cannot be taken back). The preview shows what is left.
 */
export const DEFAULT_REMAINDER: DistributionRemainder = 'LEAVE_IN_BOOK';

/** A committed distribution. */
export interface DistributionRecord extends DistributionFields {
  id: string;
  createdAt: Date;
  /** The plan that was carried out (per-user shares), for callers that want the detail. */
  plan: DistributionPlan;
}

/** Coupons one distribution may hand out (one transaction; bigger campaigns run several). */
export const DISTRIBUTION_MAX_COUPONS = 1_000_000;
const SEED_MAX = 200;
/** A large distribution holds its counter locks this long at most before rolling back. */
const TRANSACTION_TIMEOUT_MS = 120_000;
/**
 * Pauses before each new attempt when coupons the plan needed were held by requests in flight
 * (see {@link execute}); after the last one, what could be claimed is handed out.
 */
const HELD_CODES_PAUSES_MS = [5, 10, 20, 40];

/** Coupons the plan needed were locked by other transactions: roll back, let them end, try again. */
class CodesHeldByOthers extends Error {}

/**
 * What {@link distributeToPool} would do now, changing nothing (ADMIN). The plan carries its
 * `seed`: passing it to distributeToPool repeats the same random choices, so on an unchanged
 * book the distribution does exactly what the preview showed.
 */
export async function previewDistribution(ctx: ServiceContext, args: DistributionArgs): Promise<DistributionPlan> {
  requireAdmin(ctx);
  const { pool, book, seed, remainder } = await loadTargets(ctx, args);
  const sql = ctx.db.prisma;
  const [members, available] = await Promise.all([readMembers(sql, pool.id, book.id), countUnassigned(sql, book.id, ctx.clock.now())]);
  requireMembers(members);
  return plan({ ...args, remainder }, book, members, available, seed);
}

/**
 * Distributes coupons of a book to a pool's members (ADMIN), in ONE transaction, by the same
 * {@link planDistribution} the preview uses. Steps: lock the pool and the book `FOR SHARE` and
 * read the book's rules there (so neither the member list nor `maxAssignmentsPerUser` and the
 * validity window can change before we commit: a concurrent updateBook or member change lands
 * fully before or fully after us) → lock the members' counters (so their allowances cannot
 * change under us) → count what is left → plan → claim that many coupons with
 * `FOR UPDATE SKIP LOCKED` → if concurrent claimers hold some right now, roll back and try again
 * after a pause (a few times; then, and when they took some meanwhile, re-plan with what was
 * claimed) → assign + events → counters (guarded) → Distribution row. Events are announced after
 * commit. Errors: NOT_FOUND, BOOK_NOT_ACTIVE, BAD_USER_INPUT (empty pool, count), SOLD_OUT
 * (nothing left), LIMIT_REACHED (every member at the book's limit).
 *
 * With an `idempotencyKey`, each attempt's transaction starts by recording the key
 * ({@link runIdempotentIn}, the shopper mutations' rule) and ends by storing the record it answers,
 * so the key and the distribution commit or roll back together: a retry (or a racing duplicate,
 * which waits on the key's unique index until the first commits) answers the stored record and
 * hands out nothing; a failed attempt (its transaction rolled back) leaves no key behind.
 * Lock order with a key: the caller's `app_user` row `FOR KEY SHARE` and the key's record come
 * first, before the pool and the book. A duplicate waiting on the record holds only that shared
 * user lock, which nothing the distribution waits for conflicts with (an erase of the caller takes
 * user rows before anything else, and so waits before it holds anything we need), so there is
 * still no cycle.
 */
export async function distributeToPool(ctx: ServiceContext, args: DistributeArgs): Promise<DistributionRecord> {
  requireAdmin(ctx);
  const { seed, remainder } = checkArgs(args);
  const poolId = requireUuid('poolId', args.poolId);
  const bookId = requireUuid('bookId', args.bookId);
  const key = optionalIdempotencyKey(args.idempotencyKey);
  const now = ctx.clock.now();
  // What makes a retry "the same request": the arguments as given (the seed too: a retry without
  // one is the same request, the first attempt's fresh seed is in the stored plan).
  const requestArgs = { poolId, bookId, mode: args.mode, count: args.count, remainder, seed: args.seed ?? null };
  for (let attempt = 0; ; attempt++) {
    try {
      const last = attempt === HELD_CODES_PAUSES_MS.length;
      return await distributeOnce(ctx, { args, poolId, bookId, seed, remainder, now, last, key, requestArgs });
    } catch (error) {
      if (!(error instanceof CodesHeldByOthers)) throw error;
      await sleep(HELD_CODES_PAUSES_MS[attempt]);
    }
  }
}

/** One attempt of {@link distributeToPool}, in one transaction. */
function distributeOnce(
  ctx: ServiceContext,
  attempt: {
    args: DistributionArgs;
    poolId: string;
    bookId: string;
    seed: string;
    remainder: DistributionRemainder | null;
    now: Date;
    last: boolean;
    key: string | undefined;
    requestArgs: unknown;
  },
): Promise<DistributionRecord> {
  const caller = requireAdmin(ctx);
  const { args, poolId, bookId, seed, remainder, now, last, key } = attempt;
  const distribute = async (tx: SqlClient): Promise<{ value: DistributionRecord; eventIds: string[] }> => {
    const { pool, book } = await lockTargets(tx, poolId, bookId, now);
    const executed = await execute(tx, { args: { ...args, remainder }, book, pool, seed, now, actorId: caller.userId, last });
    const fields: DistributionFields = {
      poolId: pool.id,
      bookId: book.id,
      mode: args.mode,
      requested: executed.plan.requested,
      assigned: executed.plan.totalAssigned,
      remainder,
      createdById: caller.userId,
    };
    const row = await insertDistribution(tx, { ...fields, now });
    const record: DistributionRecord = { id: row.id, ...fields, createdAt: row.created_at, plan: executed.plan };
    await recordAudit(tx, caller, {
      action: 'DISTRIBUTED',
      targetType: 'DISTRIBUTION',
      targetId: row.id,
      changes: { poolId: pool.id, bookId: book.id, mode: args.mode, count: args.count, remainder, assigned: record.assigned },
    });
    return { value: record, eventIds: executed.eventIds };
  };
  return transactThenAnnounce(
    ctx,
    async (tx) => {
      if (!key) return distribute(tx);
      // A replayed key answers the stored record and announces nothing (announced the first time).
      const { result } = await runIdempotentIn(ctx, sqlClientTx(tx), {
        userId: caller.userId,
        key,
        operation: 'distributeToPool',
        args: attempt.requestArgs,
        run: () => distribute(tx),
        serialize: (r) => r.value,
        deserialize: (stored) => ({ value: reviveDistribution(stored), eventIds: [] }),
      });
      return result;
    },
    { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 10_000 },
  );
}

/** A stored {@link DistributionRecord} (JSON) as it was answered: its `createdAt` a Date again. */
function reviveDistribution(stored: unknown): DistributionRecord {
  return reviveDates<DistributionRecord>(stored, ['createdAt']);
}

/**
 * The pool and the book, each locked `FOR SHARE` until the transaction ends (see pool.sql.ts and
 * book.sql.ts for what that excludes), the book's rules read under the lock: NOT_FOUND,
 * BOOK_NOT_ACTIVE with its reason, as a claim says it. A pause or archive takes the book
 * `FOR NO KEY UPDATE`, which conflicts with our `FOR SHARE`: one in flight makes us wait and then
 * read its status (READ COMMITTED re-reads the locked row), and we in flight make it wait until we
 * commit, so the distribution answers as wholly before or after it. Only shared locks, and no
 * exclusive holder takes both rows: no deadlock.
 */
async function lockTargets(
  tx: SqlClient,
  poolId: string,
  bookId: string,
  now: Date,
): Promise<{ pool: PoolRecord; book: BookRecord }> {
  const pool = await selectPoolLocked(tx, poolId, 'share');
  if (!pool) throw notFound('Pool', poolId);
  const book = await selectBookLocked(tx, bookId, 'share');
  if (!book) throw notFound('Book', bookId);
  assertBookActive(book, now);
  return { pool, book };
}

interface Execution {
  args: DistributionArgs;
  book: BookRecord;
  pool: PoolRecord;
  seed: string;
  now: Date;
  actorId: string;
  /** The last attempt: coupons held by others are not waited for, the rest are handed out. */
  last: boolean;
}

/** The transaction's body: every statement runs on `tx`. */
async function execute(tx: SqlClient, run: Execution): Promise<{ plan: DistributionPlan; eventIds: string[] }> {
  const { args, book, pool, seed, now, actorId } = run;
  const listed = await readMembers(tx, pool.id, book.id, { lockUsers: true });
  requireMembers(listed);
  const userIds = listed.map((m) => m.userId);
  const counters = await lockMemberCounters(tx, book.id, userIds, book.maxAssignmentsPerUser);
  const members = listed.map((m) => ({ userId: m.userId, assignedCount: counters.get(m.userId) ?? 0 }));
  let planned = plan(args, book, members, await countUnassigned(tx, book.id, now), seed);
  const claimed = await claimUnassigned(tx, book.id, planned.totalAssigned, now);
  if (claimed.length < planned.totalAssigned) {
    // Concurrent single claims took rows since the count, or hold some right now (SKIP LOCKED
    // passed them). A claim that holds one may be a member's, waiting for the counter we hold,
    // and about to fail its limit: handing out fewer now would answer as no serial order does.
    // Rows still unassigned beyond ours are held by others: roll back (their claims go on),
    // and try again after a pause. Waiting for them here instead would deadlock with such a
    // claim (it takes the coupon, then the counter; we hold the counters first).
    if (!run.last && (await countUnassigned(tx, book.id, now)) > claimed.length) throw new CodesHeldByOthers();
    planned = plan(args, book, members, claimed.length, seed);
  }
  if (planned.totalAssigned === 0) throw nothingToAssign(planned);
  const recipients = planned.perUser.flatMap((e) => Array<string>(e.count).fill(e.userId));
  const couponIds = claimed.slice(0, recipients.length);
  const { assigned, lastEventId } = await assignClaimed(tx, { couponIds, userIds: recipients, actorId, now });
  const shares = planned.perUser.filter((e) => e.count > 0);
  const counted = await addToCounters(tx, {
    bookId: book.id,
    userIds: shares.map((e) => e.userId),
    counts: shares.map((e) => e.count),
    maxPerUser: book.maxAssignmentsPerUser,
  });
  // Both hold by the locks taken above; if either fails, roll everything back rather than half-assign.
  if (assigned !== recipients.length || counted !== shares.length) {
    throw new Error(`distribution invariant broken: ${assigned}/${recipients.length} coupons, ${counted}/${shares.length} counters`);
  }
  return { plan: planned, eventIds: lastEventId ? [lastEventId] : [] };
}

/** A pool with no enabled member has nobody to hand out to: the preview and the distribution refuse it alike. */
function requireMembers(members: readonly unknown[]): void {
  if (members.length === 0) throw badInput('poolId', 'the pool has no enabled members');
}

/** Validates the arguments and loads pool and book without locks, for the preview (NOT_FOUND, BOOK_NOT_ACTIVE with its reason). */
async function loadTargets(
  ctx: ServiceContext,
  args: DistributionArgs,
): Promise<{ pool: PoolRecord; book: BookRecord; seed: string; remainder: DistributionRemainder | null }> {
  const { seed, remainder } = checkArgs(args);
  const [pool, book] = await Promise.all([requirePool(ctx, args.poolId), requireBook(ctx, args.bookId, 'bookId')]);
  assertBookActive(book, ctx.clock.now());
  return { pool, book, seed, remainder };
}

/**
 * Checks mode, count, remainder and seed (BAD_USER_INPUT), picks a fresh seed when none was
 * given, and the remainder rule (EQUAL: {@link DEFAULT_REMAINDER} when none; RANDOM: null).
 */
function checkArgs(args: DistributionArgs): { seed: string; remainder: DistributionRemainder | null } {
  if (args.mode !== 'RANDOM' && args.mode !== 'EQUAL') throw badInput('mode', 'must be RANDOM or EQUAL');
  if (args.remainder !== null && args.remainder !== undefined) {
    if (args.mode !== 'EQUAL') throw badInput('remainder', 'applies to EQUAL only (RANDOM hands out the whole count)');
    if (args.remainder !== 'RANDOM_MEMBERS' && args.remainder !== 'LEAVE_IN_BOOK') throw badInput('remainder', 'must be RANDOM_MEMBERS or LEAVE_IN_BOOK');
  }
  if (!Number.isInteger(args.count) || args.count < 1 || args.count > DISTRIBUTION_MAX_COUPONS) {
    throw badInput('count', `must be an integer between 1 and ${DISTRIBUTION_MAX_COUPONS}`);
  }
  const seed = args.seed ?? newSeed();
  if (typeof seed !== 'string' || seed.length < 1 || seed.length > SEED_MAX) {
    throw badInput('seed', `must be 1 to ${SEED_MAX} characters`);
  }
  return { seed, remainder: args.mode === 'EQUAL' ? (args.remainder ?? DEFAULT_REMAINDER) : null };
}

function plan(
  args: DistributionArgs,
  book: BookRecord,
  members: PlanMember[],
  available: number,
  seed: string,
): DistributionPlan {
  if (args.mode === 'EQUAL' && members.length > 0 && equalShare(args.count, members.length) === 0 && args.remainder !== 'RANDOM_MEMBERS') {
    throw badInput('count', `EQUAL over ${members.length} members needs a count of at least ${members.length} (it is the total), or remainder: RANDOM_MEMBERS`);
  }
  return planDistribution({
    mode: args.mode,
    count: args.count,
    members,
    maxPerUser: book.maxAssignmentsPerUser,
    available,
    seed,
    remainder: args.mode === 'EQUAL' ? (args.remainder ?? DEFAULT_REMAINDER) : null,
  });
}

/** Why a distribution would hand out nothing: nothing left, or every member at the limit. */
function nothingToAssign(planned: DistributionPlan): DomainError {
  if (planned.available === 0) return new DomainError('SOLD_OUT', 'No unassigned coupon is left in this book');
  return new DomainError('LIMIT_REACHED', 'Every member of the pool has reached the per-user assignment limit of this book');
}
