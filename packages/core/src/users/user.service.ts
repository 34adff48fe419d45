import { Prisma } from '@coupons/db';
import { isAdmin, requireAdmin } from '../shared/access.ts';
import { type Role, requireCaller, type ServiceContext } from '../shared/context.ts';
import { badInput, forbidden } from '../shared/errors.ts';
import { readPageSnapshot } from '../shared/page-snapshot.ts';
import { decodeCursor, encodeCursor, type Page, type PageArgs, pageSize, toPage } from '../shared/pagination.ts';
import { readFromReplica } from '../shared/read-replica.ts';
import { requireUuid } from '../shared/validation.ts';
import { parseCustomerId } from './customer.service.ts';
import { parseEmail } from './email.ts';
import { toUserRecord, USER_RECORD_SELECT, type UserRecord } from './user.model.ts';

/** The signed-in user, or `null` when their account no longer exists (the token outlived it). */
export async function getMe(ctx: ServiceContext): Promise<UserRecord | null> {
  const caller = requireCaller(ctx);
  const row = await ctx.db.prisma.user.findUnique({ where: { id: caller.userId }, select: USER_RECORD_SELECT });
  return row ? toUserRecord(row) : null;
}

/** A user by id: yourself, or anyone for an admin. `null` when there is no such user. */
export async function getUser(ctx: ServiceContext, id: string): Promise<UserRecord | null> {
  const caller = requireCaller(ctx);
  const userId = requireUuid('id', id);
  if (!isAdmin(ctx) && caller.userId !== userId) throw forbidden('You can only see your own account');
  const row = await ctx.db.prisma.user.findUnique({ where: { id: userId }, select: USER_RECORD_SELECT });
  return row ? toUserRecord(row) : null;
}

/** ADMIN: a user by email (case-insensitive), or `null`. */
export async function findUserByEmail(ctx: ServiceContext, email: string): Promise<UserRecord | null> {
  requireAdmin(ctx);
  const row = await ctx.db.prisma.user.findUnique({ where: { email: parseEmail(email) }, select: USER_RECORD_SELECT });
  return row ? toUserRecord(row) : null;
}

/** ADMIN: a shop's customer by the shop's id of them (`externalId`, matched exactly), or `null`. */
export async function findUserByExternalId(ctx: ServiceContext, externalId: string): Promise<UserRecord | null> {
  requireAdmin(ctx);
  const row = await ctx.db.prisma.user.findUnique({ where: { externalId: parseCustomerId(externalId) }, select: USER_RECORD_SELECT });
  return row ? toUserRecord(row) : null;
}

/**
 * Users by id in one query, in no particular order, skipping unknown ids. No authorization:
 * this feeds the `userById` DataLoader behind nested fields, whose parents decided visibility.
 */
export async function unsafeGetUsersByIds(ctx: ServiceContext, ids: readonly string[]): Promise<UserRecord[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db.prisma.user.findMany({ where: { id: { in: [...ids] } }, select: USER_RECORD_SELECT });
  return rows.map(toUserRecord);
}

/** Filters for {@link listUsers}. */
export interface ListUsersArgs extends PageArgs {
  /** Case-insensitive substring of the email or the external id; `%` and `_` match themselves. */
  search?: string | null;
  /** Deprecated (use `search`): a case-insensitive substring of the email; people only. */
  emailContains?: string | null;
  role?: Role | null;
  /** true: only disabled users; false: only enabled ones; absent: both. */
  disabled?: boolean | null;
}

/** The two parts of the list, in order: people (by email), then the shop's customers (by external id). */
const PEOPLE = 0;
const CUSTOMERS = 1;

/**
 * ADMIN: people (by email), then the shop's customers (by external id), optionally filtered;
 * erased users (who have neither) are not listed. `totalCount` counts every match.
 *
 * Why two parts rather than one order: each part walks a unique index of its own (`email`,
 * `external_id`), so a page reads about `first` rows of one or two index ranges and needs no
 * index built for it (a COALESCE key or (created_at, id) would need a migration and a new
 * index). The keyset is (part, key), unique because each key is unique within its part. With a
 * `search`, the walk filters as it goes: still index order, no sort of the whole table.
 */
export async function listUsers(ctx: ServiceContext, args: ListUsersArgs): Promise<Page<UserRecord>> {
  requireAdmin(ctx);
  const limit = pageSize(args.first);
  const after = args.after ? decodeUsersCursor(args.after) : null;
  const filter = userFilter(args);
  // A part the cursor has passed is skipped; the part it is in continues after its key.
  const from = (part: number, column: Prisma.Sql) => {
    if (after === null || after.part < part) return Prisma.sql`TRUE`;
    if (after.part > part) return Prisma.sql`FALSE`;
    return Prisma.sql`${column} > ${after.key}`;
  };
  type Row = { id: string; email: string | null; external_id: string | null; role: Role; created_at: Date; disabled_at: Date | null; part: number; key: string };
  const columns = Prisma.sql`id::text AS id, email, external_id, role::text AS role, created_at, disabled_at`;
  // The admin user list: from the read replica when there is one (a lag of a moment is fine here).
  const { rows, totalCount } = await readFromReplica(ctx, ({ prisma }) =>
    readPageSnapshot<Row>(prisma, {
      rows: Prisma.sql`
        SELECT * FROM (
          (SELECT ${columns}, ${PEOPLE}::int AS part, email AS key FROM app_user
           WHERE email IS NOT NULL AND ${filter} AND ${from(PEOPLE, Prisma.sql`email`)}
           ORDER BY email LIMIT ${limit + 1})
          UNION ALL
          (SELECT ${columns}, ${CUSTOMERS}::int AS part, external_id AS key FROM app_user
           WHERE external_id IS NOT NULL AND ${filter} AND ${from(CUSTOMERS, Prisma.sql`external_id`)}
           ORDER BY external_id LIMIT ${limit + 1})
        ) page ORDER BY part, key LIMIT ${limit + 1}`,
      count: Prisma.sql`SELECT count(*)::int FROM app_user WHERE (email IS NOT NULL OR external_id IS NOT NULL) AND ${filter}`,
    }),
  );
  const cursors = new Map(rows.map((r) => [r.id, encodeCursor([r.part, r.key])]));
  const users = rows.map((r) =>
    toUserRecord({ id: r.id, email: r.email, externalId: r.external_id, role: r.role, createdAt: r.created_at, disabledAt: r.disabled_at, erasedAt: null }),
  );
  return toPage(users, limit, totalCount, (u) => cursors.get(u.id) as string);
}

function decodeUsersCursor(after: string): { part: number; key: string } {
  // Cursors made before customers were listed hold only an email: they continue among people.
  let values: Array<string | number>;
  try {
    values = decodeCursor(after, ['number', 'string']);
  } catch {
    values = [PEOPLE, ...decodeCursor(after, ['string'])];
  }
  const [part, key] = values as [number, string];
  if (part !== PEOPLE && part !== CUSTOMERS) throw badInput('after', 'is not a valid cursor');
  return { part, key };
}

function userFilter(args: ListUsersArgs): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  const emailNeedle = textNeedle('emailContains', args.emailContains);
  // Emails are stored lower-cased and in NFC (users/email.ts), so a needle in that form is a case-insensitive match.
  if (emailNeedle !== null) conditions.push(Prisma.sql`email LIKE ${likePattern(emailNeedle.toLowerCase().normalize('NFC'))} ESCAPE '!'`);
  const needle = textNeedle('search', args.search);
  if (needle !== null) {
    conditions.push(Prisma.sql`(email LIKE ${likePattern(needle.toLowerCase().normalize('NFC'))} ESCAPE '!'
      OR external_id ILIKE ${likePattern(needle)} ESCAPE '!')`);
  }
  if (args.role !== null && args.role !== undefined) {
    if (args.role !== 'ADMIN' && args.role !== 'USER') throw badInput('role', 'must be ADMIN or USER');
    conditions.push(Prisma.sql`role = ${args.role}::"Role"`);
  }
  if (args.disabled === true) conditions.push(Prisma.sql`disabled_at IS NOT NULL`);
  if (args.disabled === false) conditions.push(Prisma.sql`disabled_at IS NULL`);
  return Prisma.join(conditions, ' AND ');
}

/** A trimmed search text, null when absent or empty; at most 254 characters. */
function textNeedle(field: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const needle = value.trim();
  if (needle.length > 254) throw badInput(field, 'must be at most 254 characters');
  if (needle.includes('\u0000')) throw badInput(field, 'must not contain NUL characters');
  return needle === '' ? null : needle;
}

/** `%needle%` with LIKE's wildcards escaped (`!`), so user input is matched literally. */
function likePattern(needle: string): string {
  return `%${needle.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
