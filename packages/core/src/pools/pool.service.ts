import { Prisma } from '@coupons/db';
import { INPUT_LIMITS } from '@coupons/rules';
import { recordAudit } from '../audit/audit.service.ts';
import { requireAdmin } from '../shared/access.ts';
import type { ServiceContext } from '../shared/context.ts';
import { notFound } from '../shared/errors.ts';
import { readPageSnapshot } from '../shared/page-snapshot.ts';
import { decodeTimeCursor, encodeTimeCursor, type Page, type PageArgs, pageSize, toPage } from '../shared/pagination.ts';
import { requireText, requireUuid } from '../shared/validation.ts';

/** A pool of users for bulk distribution. */
export interface PoolRecord {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
}

/** The shared input rules' limits (@coupons/rules), which the console checks before a round trip. */
export const POOL_NAME_MAX = INPUT_LIMITS.poolName;
export const POOL_DESCRIPTION_MAX = INPUT_LIMITS.poolDescription;

/** Creates a pool (ADMIN), with its POOL_CREATED audit entry. */
export async function createPool(
  ctx: ServiceContext,
  args: { name: string; description?: string | null },
): Promise<PoolRecord> {
  requireAdmin(ctx);
  const name = requireText('name', args.name, { max: POOL_NAME_MAX });
  const description = requireText('description', args.description, { max: POOL_DESCRIPTION_MAX, optional: true, multiline: true });
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const created = await tx.pool.create({ data: { name, description } });
    await recordAudit(tx, ctx.caller, { action: 'POOL_CREATED', targetType: 'POOL', targetId: created.id, changes: { name, description } });
    return created;
  });
  return toPoolRecord(row);
}

/** A pool by id, or null (ADMIN). */
export async function getPool(ctx: ServiceContext, id: string): Promise<PoolRecord | null> {
  requireAdmin(ctx);
  return findPool(ctx, id, 'id');
}

/** A pool by id, or null, without the role check (for services that did it). */
export async function findPool(ctx: ServiceContext, id: string, field = 'poolId'): Promise<PoolRecord | null> {
  const row = await ctx.db.prisma.pool.findUnique({ where: { id: requireUuid(field, id) } });
  return row ? toPoolRecord(row) : null;
}

/** A pool by id, or NOT_FOUND. */
export async function requirePool(ctx: ServiceContext, id: string, field = 'poolId'): Promise<PoolRecord> {
  const pool = await findPool(ctx, id, field);
  if (!pool) throw notFound('Pool', id);
  return pool;
}

/** Pools newest first (ADMIN), keyset-paginated on (createdAt, id). */
export async function listPools(ctx: ServiceContext, args: PageArgs): Promise<Page<PoolRecord>> {
  requireAdmin(ctx);
  const limit = pageSize(args.first);
  let keyset = Prisma.empty;
  if (args.after) {
    const { at, id } = decodeTimeCursor(args.after);
    keyset = Prisma.sql`WHERE (created_at, id) < (${at}, ${id}::uuid)`;
  }
  const { rows, totalCount } = await readPageSnapshot<{ id: string; name: string; description: string | null; created_at: Date }>(ctx.db.prisma, {
    rows: Prisma.sql`
      SELECT id::text AS id, name, description, created_at FROM pool ${keyset}
      ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
    count: Prisma.sql`SELECT count(*)::int FROM pool`,
  });
  const pools = rows.map((r) => ({ id: r.id, name: r.name, description: r.description, createdAt: r.created_at }));
  return toPage(pools, limit, totalCount, (p) => encodeTimeCursor(p.createdAt, p.id));
}

/**
 * Pools by id in one query, in no particular order, skipping unknown ids. No authorization: it
 * feeds the `poolById` DataLoader behind nested fields (a distribution's pool).
 */
export async function unsafeGetPoolsByIds(ctx: ServiceContext, ids: readonly string[]): Promise<PoolRecord[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db.prisma.pool.findMany({ where: { id: { in: [...ids] } } });
  return rows.map(toPoolRecord);
}

/** The public record of a pool row. */
export function toPoolRecord(row: { id: string; name: string; description: string | null; createdAt: Date }): PoolRecord {
  return { id: row.id, name: row.name, description: row.description, createdAt: row.createdAt };
}
