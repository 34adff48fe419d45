import { Prisma } from '@coupons/db';
import { isAdmin, requireAdmin } from '../auth/access.ts';
import { requireCaller, type ServiceContext } from '../shared/context.ts';
import { badInput, forbidden } from '../shared/errors.ts';
import { decodeCursor, encodeCursor, type Page, type PageArgs, pageSize, toPage } from '../shared/pagination.ts';
import { requireUuid } from '../shared/validation.ts';
import { normalizeEmail, parseEmail } from './email.ts';
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
  /** Case-insensitive substring of the email; `%` and `_` match themselves. */
  emailContains?: string | null;
}

/**
 * ADMIN: users ordered by email (unique, so it is the whole keyset), optionally filtered.
 * `totalCount` counts every match, not just this page.
 */
export async function listUsers(ctx: ServiceContext, args: ListUsersArgs): Promise<Page<UserRecord>> {
  requireAdmin(ctx);
  const limit = pageSize(args.first);
  const after = args.after ? (decodeCursor(args.after, ['string'])[0] as string) : null;
  const filter = emailFilter(args.emailContains);
  const keyset = after === null ? Prisma.empty : Prisma.sql`AND email > ${after}`;
  const [rows, counted] = await Promise.all([
    ctx.db.prisma.$queryRaw<Array<{ id: string; email: string; role: 'ADMIN' | 'USER'; created_at: Date }>>(Prisma.sql`
      SELECT id::text AS id, email, role::text AS role, created_at
      FROM app_user WHERE ${filter} ${keyset}
      ORDER BY email LIMIT ${limit + 1}`),
    ctx.db.prisma.$queryRaw<Array<{ count: number }>>(
      Prisma.sql`SELECT count(*)::int AS count FROM app_user WHERE ${filter}`,
    ),
  ]);
  const users = rows.map((r) => toUserRecord({ id: r.id, email: r.email, role: r.role, createdAt: r.created_at }));
  return toPage(users, limit, Number(counted[0].count), (u) => encodeCursor([u.email as string]));
}

// People only (they have an email): a shop's customers are found by their id (customerCoupons).
function emailFilter(emailContains: string | null | undefined): Prisma.Sql {
  if (emailContains === null || emailContains === undefined) return Prisma.sql`email IS NOT NULL`;
  const needle = normalizeEmail(emailContains);
  if (needle.length > 254) throw badInput('emailContains', 'must be at most 254 characters');
  if (needle === '') return Prisma.sql`email IS NOT NULL`;
  // `!` escapes LIKE's wildcards so user input is matched literally.
  const pattern = `%${needle.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return Prisma.sql`email LIKE ${pattern} ESCAPE '!'`;
}
