import { changedFields, recordAudit } from '../audit/audit.service.ts';
import { requireAdmin } from '../shared/access.ts';
import type { ServiceContext } from '../shared/context.ts';
import { badInput, notFound } from '../shared/errors.ts';
import { requireText, requireUuid } from '../shared/validation.ts';
import { POOL_DESCRIPTION_MAX, POOL_NAME_MAX, type PoolRecord, toPoolRecord } from './pool.service.ts';
import { selectPoolLocked } from './pool.sql.ts';

/** Renames and deletes wait behind running distributions of the pool (they hold its row up to 120 s). */
const POOL_CHANGE_TIMEOUT_MS = 150_000;
/** How many of a deleted pool's distributions its audit entry lists one by one. */
const DELETED_DISTRIBUTIONS_LISTED = 200;

/** What {@link updatePool} may change: a field left out (undefined) keeps its value. */
export interface UpdatePoolInput {
  name?: string | null;
  /** null clears it. */
  description?: string | null;
}

/**
 * ADMIN: renames a pool or changes its description, with a POOL_UPDATED audit entry of what
 * changed. It takes the pool's row lock, so it waits for running distributions of the pool (which
 * hold the row `FOR SHARE`), and they for it. NOT_FOUND, BAD_USER_INPUT (a null or empty name).
 */
export async function updatePool(ctx: ServiceContext, id: string, input: UpdatePoolInput): Promise<PoolRecord> {
  const caller = requireAdmin(ctx);
  const poolId = requireUuid('id', id);
  const changes: { name?: string; description?: string | null } = {};
  if (input.name !== undefined) {
    if (input.name === null) throw badInput('name', 'cannot be null');
    changes.name = requireText('name', input.name, { max: POOL_NAME_MAX });
  }
  if (input.description !== undefined) {
    changes.description = requireText('description', input.description, { max: POOL_DESCRIPTION_MAX, optional: true, multiline: true });
  }
  return ctx.db.prisma.$transaction(
    async (tx) => {
      const before = await selectPoolLocked(tx, poolId, 'members');
      if (!before) throw notFound('Pool', id);
      const changed = changedFields({ name: before.name, description: before.description }, changes);
      if (Object.keys(changed).length === 0) return before;
      const row = await tx.pool.update({ where: { id: poolId }, data: changes });
      await recordAudit(tx, caller, { action: 'POOL_UPDATED', targetType: 'POOL', targetId: poolId, changes: changed });
      return toPoolRecord(row);
    },
    { timeout: POOL_CHANGE_TIMEOUT_MS, maxWait: 10_000 },
  );
}

/**
 * ADMIN: deletes a pool and its member list. Coupons it handed out stay with their owners (they
 * never pointed at the pool). Its Distribution rows go with it (the foreign key cascades): the
 * POOL_DELETED audit entry keeps them — name, members, and each distribution (book, mode, counts,
 * who, when; the first 200 one by one, all in the totals) — so the record of what was handed out
 * survives in the audit log, next to the DISTRIBUTED entries written since. Waits for running
 * distributions of the pool (`FOR UPDATE` on its row). NOT_FOUND.
 */
export async function deletePool(ctx: ServiceContext, id: string): Promise<boolean> {
  const caller = requireAdmin(ctx);
  const poolId = requireUuid('id', id);
  return ctx.db.prisma.$transaction(
    async (tx) => {
      const pool = await selectPoolLocked(tx, poolId, 'delete');
      if (!pool) throw notFound('Pool', id);
      const [members, distributions, totals] = await Promise.all([
        tx.poolMember.count({ where: { poolId } }),
        tx.distribution.findMany({
          where: { poolId },
          orderBy: { createdAt: 'asc' },
          take: DELETED_DISTRIBUTIONS_LISTED,
          select: { id: true, bookId: true, mode: true, requested: true, assigned: true, remainder: true, createdById: true, createdAt: true },
        }),
        tx.distribution.aggregate({ where: { poolId }, _count: true, _sum: { assigned: true } }),
      ]);
      await tx.pool.delete({ where: { id: poolId } });
      await recordAudit(tx, caller, {
        action: 'POOL_DELETED',
        targetType: 'POOL',
        targetId: poolId,
        changes: {
          name: pool.name,
          description: pool.description,
          members,
          distributionCount: totals._count,
          couponsDistributed: totals._sum.assigned ?? 0,
          distributions,
        },
      });
      return true;
    },
    { timeout: POOL_CHANGE_TIMEOUT_MS, maxWait: 10_000 },
  );
}
