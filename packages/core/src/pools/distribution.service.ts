import { requireAdmin } from '../auth/access.ts';
import { assertBookActive, type BookRecord } from '../books/book.model.ts';
import { requireBook } from '../books/book.service.ts';
import { selectBookLocked } from '../books/book.sql.ts';
import { announceCommitted } from '../shared/announce.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput, DomainError, notFound } from '../shared/errors.ts';
import type { SqlClient } from '../shared/sql.ts';
import { requireUuid } from '../shared/validation.ts';
import { type DistributionMode, type DistributionPlan, type PlanMember, planDistribution } from './distribution.plan.ts';
import {
  addToCounters,
  assignClaimed,
  claimUnassigned,
  countUnassigned,
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
  count: number;
  seed?: string | null;
}

/** A committed distribution. */
export interface DistributionRecord {
  id: string;
  poolId: string;
  bookId: string;
  mode: DistributionMode;
  requested: number;
  assigned: number;
  createdAt: Date;
  createdById: string;
  /** The plan that was carried out (per-user shares), for callers that want the detail. */
  plan: DistributionPlan;
}

/** Coupons one distribution may hand out (one transaction; bigger campaigns run several). */
export const DISTRIBUTION_MAX_COUPONS = 1_000_000;
const SEED_MAX = 200;
/** A large distribution holds its counter locks this long at most before rolling back. */
const TRANSACTION_TIMEOUT_MS = 120_000;

/**
 * What {@link distributeToPool} would do now, changing nothing (ADMIN). The plan carries its
 * `seed`: passing it to distributeToPool repeats the same random choices, so on an unchanged
 * book the distribution does exactly what the preview showed.
 */
export async function previewDistribution(ctx: ServiceContext, args: DistributionArgs): Promise<DistributionPlan> {
  requireAdmin(ctx);
  const { pool, book, seed } = await loadTargets(ctx, args);
  const sql = ctx.db.prisma;
  const [members, available] = await Promise.all([readMembers(sql, pool.id, book.id), countUnassigned(sql, book.id)]);
  return plan(args, book, members, available, seed);
}

/**
 * Distributes coupons of a book to a pool's members (ADMIN), in ONE transaction, by the same
 * {@link planDistribution} the preview uses. Steps: lock the pool and the book `FOR SHARE` and
 * read the book's rules there (so neither the member list nor `maxAssignmentsPerUser` and the
 * validity window can change before we commit: a concurrent updateBook or member change lands
 * fully before or fully after us) → lock the members' counters (so their allowances cannot
 * change under us) → count what is left → plan → claim that many coupons with
 * `FOR UPDATE SKIP LOCKED` → if concurrent claimers took some meanwhile, re-plan with what was
 * claimed → assign + events → counters (guarded) → Distribution row. Events are announced after
 * commit. Errors: NOT_FOUND, BOOK_NOT_ACTIVE, BAD_USER_INPUT (empty pool, count), SOLD_OUT
 * (nothing left), LIMIT_REACHED (every member at the book's limit).
 */
export async function distributeToPool(ctx: ServiceContext, args: DistributionArgs): Promise<DistributionRecord> {
  const caller = requireAdmin(ctx);
  const { seed } = checkArgs(args);
  const poolId = requireUuid('poolId', args.poolId);
  const bookId = requireUuid('bookId', args.bookId);
  const now = ctx.clock.now();
  const { record, eventIds } = await ctx.db.prisma.$transaction(
    async (tx) => {
      const { pool, book } = await lockTargets(tx, poolId, bookId, now);
      const executed = await execute(tx, { args, book, pool, seed, now, actorId: caller.userId });
      const row = await insertDistribution(tx, {
        poolId: pool.id,
        bookId: book.id,
        mode: args.mode,
        requested: executed.plan.requested,
        assigned: executed.plan.totalAssigned,
        createdById: caller.userId,
        now,
      });
      const record: DistributionRecord = {
        id: row.id,
        poolId: pool.id,
        bookId: book.id,
        mode: args.mode,
        requested: executed.plan.requested,
        assigned: executed.plan.totalAssigned,
        createdAt: row.created_at,
        createdById: caller.userId,
        plan: executed.plan,
      };
      return { record, eventIds: executed.eventIds };
    },
    { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 10_000 },
  );
  announceCommitted(ctx, eventIds);
  return record;
}

/**
 * The pool and the book, each locked `FOR SHARE` until the transaction ends (see pool.sql.ts and
 * book.sql.ts for what that excludes), the book's rules read under the lock: NOT_FOUND,
 * BOOK_NOT_ACTIVE. Only shared locks, and no exclusive holder takes both rows: no deadlock.
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
}

/** The transaction's body: every statement runs on `tx`. */
async function execute(tx: SqlClient, run: Execution): Promise<{ plan: DistributionPlan; eventIds: string[] }> {
  const { args, book, pool, seed, now, actorId } = run;
  const listed = await readMembers(tx, pool.id, book.id);
  if (listed.length === 0) throw badInput('poolId', 'the pool has no members');
  const userIds = listed.map((m) => m.userId);
  const counters = await lockMemberCounters(tx, book.id, userIds, book.maxAssignmentsPerUser);
  const members = listed.map((m) => ({ userId: m.userId, assignedCount: counters.get(m.userId) ?? 0 }));
  let planned = plan(args, book, members, await countUnassigned(tx, book.id), seed);
  const claimed = await claimUnassigned(tx, book.id, planned.totalAssigned);
  // Concurrent single claims may have locked or taken rows since the count: re-plan with what we hold.
  if (claimed.length < planned.totalAssigned) planned = plan(args, book, members, claimed.length, seed);
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

/** Validates the arguments and loads pool and book without locks, for the preview (NOT_FOUND, BOOK_NOT_ACTIVE). */
async function loadTargets(
  ctx: ServiceContext,
  args: DistributionArgs,
): Promise<{ pool: PoolRecord; book: BookRecord; seed: string }> {
  const { seed } = checkArgs(args);
  const [pool, book] = await Promise.all([requirePool(ctx, args.poolId), requireBook(ctx, args.bookId, 'bookId')]);
  assertBookActive(book, ctx.clock.now());
  return { pool, book, seed };
}

/** Checks mode, count and seed (BAD_USER_INPUT) and picks a fresh seed when none was given. */
function checkArgs(args: DistributionArgs): { seed: string } {
  if (args.mode !== 'RANDOM' && args.mode !== 'EQUAL') throw badInput('mode', 'must be RANDOM or EQUAL');
  if (!Number.isInteger(args.count) || args.count < 1 || args.count > DISTRIBUTION_MAX_COUPONS) {
    throw badInput('count', `must be an integer between 1 and ${DISTRIBUTION_MAX_COUPONS}`);
  }
  const seed = args.seed ?? newSeed();
  if (typeof seed !== 'string' || seed.length < 1 || seed.length > SEED_MAX) {
    throw badInput('seed', `must be 1 to ${SEED_MAX} characters`);
  }
  return { seed };
}

function plan(
  args: DistributionArgs,
  book: BookRecord,
  members: PlanMember[],
  available: number,
  seed: string,
): DistributionPlan {
  if (args.mode === 'EQUAL' && args.count * members.length > DISTRIBUTION_MAX_COUPONS) {
    throw badInput('count', `count × members (${args.count} × ${members.length}) exceeds ${DISTRIBUTION_MAX_COUPONS}`);
  }
  return planDistribution({
    mode: args.mode,
    count: args.count,
    members,
    maxPerUser: book.maxAssignmentsPerUser,
    available,
    seed,
  });
}

/** Why a distribution would hand out nothing: nothing left, or every member at the limit. */
function nothingToAssign(planned: DistributionPlan): DomainError {
  if (planned.available === 0) return new DomainError('SOLD_OUT', 'No unassigned coupon is left in this book');
  return new DomainError('LIMIT_REACHED', 'Every member of the pool has reached the per-user assignment limit of this book');
}
