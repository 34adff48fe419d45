import { Prisma } from '@coupons/db';
import type { AuditAction } from '@coupons/rules/audit-actions';
import { requireAdmin } from '../shared/access.ts';
import type { Caller, ServiceContext } from '../shared/context.ts';
import { badInput } from '../shared/errors.ts';
import { readPageSnapshot } from '../shared/page-snapshot.ts';
import { decodeCursor, encodeCursor, type Page, type PageArgs, pageSize, toPage } from '../shared/pagination.ts';
import { readFromReplica } from '../shared/read-replica.ts';
import { requireUuid } from '../shared/validation.ts';

// The audit log: what admins (and API keys acting as admins) did — who, to what, what changed.
// Append-only: nothing updates or deletes a row. Write it in the same transaction as the change
// it records (pass the transaction's client), so a rolled-back change leaves no entry and a
// committed one always has its entry.

/** What was acted on. */
export type AuditTargetType = 'BOOK' | 'COUPON' | 'POOL' | 'USER' | 'API_KEY' | 'REDEMPTION' | 'DISTRIBUTION' | 'WEBHOOK';

export interface AuditEntry {
  /** One of AUDIT_ACTIONS (@coupons/rules/audit-actions, which the console's filter lists too). */
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string;
  /** What changed: `{ field: { from, to } }`, or the arguments that matter (a reason …). */
  changes?: Record<string, unknown>;
}

export interface AuditRecord extends Omit<Required<AuditEntry>, 'action'> {
  /** As stored: an action of this version, or one a later version wrote. */
  action: string;
  id: string;
  actorId: string | null;
  apiKeyId: string | null;
  createdAt: Date;
}

/**
 * Anything that can run a statement in the changing transaction: the Prisma client or an
 * interactive transaction's client, or a transition's `Tx` (coupons/transition.ts: `rows`).
 */
type Queryable = Pick<Prisma.TransactionClient, '$executeRaw'> | { rows<T>(statement: Prisma.Sql): Promise<T[]> };

/**
 * Appends `entry` for the caller. `client` is the transaction that makes the change (or the
 * plain client for a change of one statement that has already committed — then a crash between
 * the two can lose the entry, never invent one).
 */
export async function recordAudit(client: Queryable, caller: Caller | null, entry: AuditEntry): Promise<void> {
  const statement = Prisma.sql`
    INSERT INTO audit_log (actor_id, api_key_id, action, target_type, target_id, changes)
    VALUES (${caller?.userId ?? null}::uuid, ${caller?.apiKey?.id ?? null}::uuid, ${entry.action},
            ${entry.targetType}, ${entry.targetId}, ${JSON.stringify(entry.changes ?? {})}::jsonb)`;
  if ('rows' in client) await client.rows(statement);
  else await client.$executeRaw(statement);
}

/** `{ field: { from, to } }` for the fields of `after` that differ from `before`. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, to] of Object.entries(after)) {
    const from = before[field];
    if (to !== undefined && JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
  }
  return changes;
}

/** The entry id in an `after` cursor (an opaque cursor that is not one of ours is BAD_USER_INPUT). */
function afterId(after: string): bigint {
  const [id] = decodeCursor(after, ['string']) as [string];
  if (!/^\d{1,19}$/.test(id)) throw badInput('after', 'is not a valid cursor');
  return BigInt(id);
}

export interface AuditFilter {
  actorId?: string | null;
  targetType?: AuditTargetType | null;
  targetId?: string | null;
  action?: string | null;
}

/** ADMIN: the audit log, newest first, keyset-paginated on id, optionally filtered. */
export async function listAuditLog(ctx: ServiceContext, filter: AuditFilter, args: PageArgs): Promise<Page<AuditRecord>> {
  requireAdmin(ctx);
  const limit = pageSize(args.first);
  const conditions: Prisma.Sql[] = [];
  if (filter.actorId) conditions.push(Prisma.sql`actor_id = ${requireUuid('actorId', filter.actorId)}::uuid`);
  if (filter.targetType) conditions.push(Prisma.sql`target_type = ${filter.targetType}`);
  if (filter.targetId) {
    if (filter.targetId.length > 200) throw badInput('targetId', 'must be at most 200 characters');
    conditions.push(Prisma.sql`target_id = ${filter.targetId}`);
  }
  if (filter.action) {
    if (!/^[A-Z_]{1,64}$/.test(filter.action)) throw badInput('action', 'must be an action name such as BOOK_PAUSED');
    conditions.push(Prisma.sql`action = ${filter.action}`);
  }
  const where = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
  const keyset = args.after ? Prisma.sql`id < ${afterId(args.after)}` : null;
  const whereKeyset = keyset ? (conditions.length ? Prisma.sql`${where} AND ${keyset}` : Prisma.sql`WHERE ${keyset}`) : where;
  type Row = { id: bigint; actor_id: string | null; api_key_id: string | null; action: string; target_type: AuditTargetType; target_id: string; changes: Record<string, unknown>; created_at: Date };
  // A history for admins to browse: from the read replica when there is one.
  const { rows, totalCount } = await readFromReplica(ctx, ({ prisma }) =>
    readPageSnapshot<Row>(prisma, {
      rows: Prisma.sql`
        SELECT id, actor_id::text, api_key_id::text, action, target_type, target_id, changes, created_at
        FROM audit_log ${whereKeyset} ORDER BY id DESC LIMIT ${limit + 1}`,
      count: Prisma.sql`SELECT count(*)::int FROM audit_log ${where}`,
    }),
  );
  const records = rows.map((r) => ({
    id: r.id.toString(),
    actorId: r.actor_id,
    apiKeyId: r.api_key_id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    changes: r.changes,
    createdAt: r.created_at,
  }));
  return toPage(records, limit, totalCount, (r) => encodeCursor([r.id]));
}
