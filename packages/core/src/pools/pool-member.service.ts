import { Prisma } from '@coupons/db';
import { recordAudit } from '../audit/audit.service.ts';
import { requireAdmin } from '../shared/access.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput, notFound } from '../shared/errors.ts';
import { readPageSnapshot } from '../shared/page-snapshot.ts';
import { decodeTimeCursor, encodeTimeCursor, type Page, type PageArgs, pageSize, toPage } from '../shared/pagination.ts';
import { requireUuid } from '../shared/validation.ts';
import { normalizeEmail } from '../users/email.ts';
import type { UserRecord } from '../users/user.model.ts';
import type { PoolRecord } from './pool.service.ts';
import { selectPoolLocked } from './pool.sql.ts';

/** At most this many user ids plus emails per add or remove call. */
export const POOL_MEMBERS_BATCH_MAX = 10_000;
/** Outlasts a distribution's own transaction timeout (120 s), behind which a change may wait. */
const MEMBER_CHANGE_TIMEOUT_MS = 150_000;

/** The pool after an add, and the emails that matched no user (nothing is added for them). */
export interface AddPoolMembersResult {
  pool: PoolRecord;
  unknownEmails: string[];
}

/**
 * Adds users to a pool (ADMIN), by id and/or by email (case-insensitive), in one statement.
 * Adding a member twice is a no-op. Unknown ids are NOT_FOUND and nothing is added (ids come
 * from a picker, so an unknown one is a bug); unknown emails are returned instead (they come
 * from pasted lists, where a typo should not spoil the rest). The change holds the pool row
 * (see {@link changeMembers}), so it lands fully before or fully after a distribution to the pool.
 * A POOL_MEMBERS_ADDED audit entry names the users it added (none added: no entry).
 */
export async function addPoolMembers(
  ctx: ServiceContext,
  args: { poolId: string; userIds?: readonly string[] | null; emails?: readonly string[] | null },
): Promise<AddPoolMembersResult> {
  requireAdmin(ctx);
  const userIds = [...new Set((args.userIds ?? []).map((id) => requireUuid('userIds', id)))];
  const emails = [...new Set((args.emails ?? []).map(normalizeEmail).filter((e) => e.length > 0))];
  if (userIds.length + emails.length > POOL_MEMBERS_BATCH_MAX) {
    throw badInput('userIds', `at most ${POOL_MEMBERS_BATCH_MAX} users per call`);
  }
  return changeMembers(ctx, args.poolId, async (tx, pool) => {
    // The users FOR KEY SHARE, in id order, in the statement that inserts them: an erase holds a
    // user's row FOR UPDATE from before it deletes their memberships to its commit, so this waits
    // for an erase in flight and, under READ COMMITTED, re-checks `erased_at IS NULL` on the row's
    // latest version. Either the erase committed first (the user drops out: NOT_FOUND below, and
    // the whole change rolls back) or our lock makes the erase wait and it then finds (and
    // deletes) the membership we commit. No membership is ever left with an erased user, and no
    // user we add can be deleted before we commit.
    const found = await tx.$queryRaw<Array<{ id: string; email: string; added: boolean }>>(Prisma.sql`
      WITH found AS (
        SELECT id, email FROM app_user
        WHERE (id = ANY(${userIds}::uuid[]) OR email = ANY(${emails}::text[])) AND erased_at IS NULL
        ORDER BY id FOR KEY SHARE
      ), added AS (
        INSERT INTO pool_member (pool_id, user_id)
        SELECT ${pool.id}::uuid, id FROM found
        ON CONFLICT (pool_id, user_id) DO NOTHING
        RETURNING user_id
      )
      SELECT id::text AS id, email, id IN (SELECT user_id FROM added) AS added FROM found`);
    const foundIds = new Set(found.map((u) => u.id));
    const missingId = userIds.find((id) => !foundIds.has(id));
    if (missingId) throw notFound('User', missingId);
    await auditMembers(tx, ctx, pool.id, 'POOL_MEMBERS_ADDED', found.filter((u) => u.added).map((u) => u.id));
    const foundEmails = new Set(found.map((u) => u.email));
    return { pool, unknownEmails: emails.filter((e) => !foundEmails.has(e)) };
  });
}

/**
 * Removes users from a pool (ADMIN); ids that are not members are ignored. Holds the pool row as an
 * add does; a POOL_MEMBERS_REMOVED audit entry names the users it removed.
 */
export async function removePoolMembers(
  ctx: ServiceContext,
  args: { poolId: string; userIds: readonly string[] },
): Promise<PoolRecord> {
  requireAdmin(ctx);
  const userIds = [...new Set(args.userIds.map((id) => requireUuid('userIds', id)))];
  if (userIds.length > POOL_MEMBERS_BATCH_MAX) throw badInput('userIds', `at most ${POOL_MEMBERS_BATCH_MAX} users per call`);
  return changeMembers(ctx, args.poolId, async (tx, pool) => {
    const removed = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      DELETE FROM pool_member WHERE pool_id = ${pool.id}::uuid AND user_id = ANY(${userIds}::uuid[])
      RETURNING user_id::text AS id`);
    await auditMembers(tx, ctx, pool.id, 'POOL_MEMBERS_REMOVED', removed.map((r) => r.id));
    return pool;
  });
}

/**
 * The audit entry of a member change, in its transaction: the users it actually added or removed
 * (none: no entry, as nothing changed), sorted, so the log says exactly who.
 */
async function auditMembers(
  tx: Prisma.TransactionClient,
  ctx: ServiceContext,
  poolId: string,
  action: 'POOL_MEMBERS_ADDED' | 'POOL_MEMBERS_REMOVED',
  ids: string[],
): Promise<void> {
  if (ids.length === 0) return;
  await recordAudit(tx, ctx.caller, { action, targetType: 'POOL', targetId: poolId, changes: { count: ids.length, userIds: ids.sort() } });
}

/**
 * Runs a member-list change in one transaction that first locks the pool row
 * (`FOR NO KEY UPDATE`, pool.sql.ts): a distribution to this pool holds that row `FOR SHARE`
 * from its read of the members to its commit, so the two wait for each other instead of a
 * distribution handing out to a list that a change which already answered has altered.
 * NOT_FOUND when there is no such pool.
 */
async function changeMembers<T>(
  ctx: ServiceContext,
  poolId: string,
  change: (tx: Prisma.TransactionClient, pool: PoolRecord) => Promise<T>,
): Promise<T> {
  const id = requireUuid('poolId', poolId);
  return ctx.db.prisma.$transaction(
    async (tx) => {
      const pool = await selectPoolLocked(tx, id, 'members');
      if (!pool) throw notFound('Pool', poolId);
      return change(tx, pool);
    },
    // Waits behind running distributions of the pool, which may hold its row up to 120 s.
    { timeout: MEMBER_CHANGE_TIMEOUT_MS, maxWait: 10_000 },
  );
}

/** Member counts of many pools in one GROUP BY (the DataLoader batch behind `Pool.memberCount`). */
export async function countPoolMembers(ctx: ServiceContext, poolIds: readonly string[]): Promise<number[]> {
  if (poolIds.length === 0) return [];
  const rows = await ctx.db.prisma.$queryRaw<Array<{ pool_id: string; n: number }>>(Prisma.sql`
    SELECT pool_id::text, count(*)::int AS n FROM pool_member
    WHERE pool_id = ANY(${[...poolIds]}::uuid[]) GROUP BY pool_id`);
  const byId = new Map(rows.map((r) => [r.pool_id, r.n]));
  return poolIds.map((id) => byId.get(id) ?? 0);
}

/**
 * A pool's members in the order they were added (ADMIN), keyset-paginated on (addedAt, userId).
 * The pool's existence is the parent's business; an unknown pool simply has no members.
 */
export async function listPoolMembers(ctx: ServiceContext, poolId: string, args: PageArgs): Promise<Page<UserRecord>> {
  requireAdmin(ctx);
  const limit = pageSize(args.first);
  let keyset = Prisma.empty;
  if (args.after) {
    const { at, id } = decodeTimeCursor(args.after);
    keyset = Prisma.sql`AND (pm.added_at, pm.user_id) > (${at}, ${id}::uuid)`;
  }
  const pool = requireUuid('poolId', poolId);
  type Row = {
    id: string;
    email: string | null;
    external_id: string | null;
    role: 'ADMIN' | 'USER';
    created_at: Date;
    disabled_at: Date | null;
    erased_at: Date | null;
    added_at: Date;
  };
  const { rows, totalCount } = await readPageSnapshot<Row>(ctx.db.prisma, {
    rows: Prisma.sql`
      SELECT u.id::text AS id, u.email, u.external_id, u.role::text AS role, u.created_at, u.disabled_at, u.erased_at, pm.added_at
      FROM pool_member pm JOIN app_user u ON u.id = pm.user_id
      WHERE pm.pool_id = ${pool}::uuid ${keyset}
      ORDER BY pm.added_at, pm.user_id LIMIT ${limit + 1}`,
    count: Prisma.sql`SELECT count(*)::int FROM pool_member WHERE pool_id = ${pool}::uuid`,
  });
  const cursors = new Map(rows.map((r) => [r.id, encodeTimeCursor(r.added_at, r.id)]));
  const users = rows.map((r) => ({
    id: r.id,
    email: r.email,
    externalId: r.external_id,
    role: r.role,
    createdAt: r.created_at,
    disabledAt: r.disabled_at,
    erasedAt: r.erased_at,
  }));
  return toPage(users, limit, totalCount, (u) => cursors.get(u.id) as string);
}
