import { Prisma } from '@coupons/db';
import type { SqlClient } from '../shared/sql.ts';
import type { PoolRecord } from './pool.service.ts';

/**
 * How a transaction holds a pool row, which stands for the pool's member list:
 * - `members` (`FOR NO KEY UPDATE`): addPoolMembers / removePoolMembers, while they change the
 *   list. Two changes of one pool queue; neither blocks the `FOR KEY SHARE` of foreign-key checks.
 * - `share` (`FOR SHARE`): a distribution, from before it reads the members until it commits.
 *   Distributions to one pool run side by side; a member change waits for them (and they for it),
 *   so a distribution hands out to the list as it was fully before or fully after the change.
 *   updatePool takes it too (a rename waits for running distributions, as any write of the row).
 * - `delete` (`FOR UPDATE`): deletePool. It waits for everything above, and after it commits a
 *   waiting distribution or member change finds no pool (NOT_FOUND).
 */
export type PoolLockMode = 'members' | 'share' | 'delete';

const LOCK_CLAUSE: Record<PoolLockMode, Prisma.Sql> = {
  members: Prisma.sql`FOR NO KEY UPDATE`,
  share: Prisma.sql`FOR SHARE`,
  delete: Prisma.sql`FOR UPDATE`,
};

/**
 * Locks a pool's row in the caller's transaction (`tx`, never the bare client) and returns it,
 * or null when there is no such pool.
 */
export async function selectPoolLocked(tx: SqlClient, id: string, mode: PoolLockMode): Promise<PoolRecord | null> {
  const rows = await tx.$queryRaw<Array<{ id: string; name: string; description: string | null; created_at: Date }>>(Prisma.sql`
    SELECT id::text AS id, name, description, created_at FROM pool WHERE id = ${id}::uuid
    ${LOCK_CLAUSE[mode]}`);
  const row = rows[0];
  return row ? { id: row.id, name: row.name, description: row.description, createdAt: row.created_at } : null;
}
