import { createHash, randomBytes } from 'node:crypto';
import { Prisma } from '@coupons/db';
import { recordAudit } from '../audit/audit.service.ts';
import { requireAdmin } from '../shared/access.ts';
import type { ApiKeyScope, Caller, Clock, ServiceContext } from '../shared/context.ts';
import { badInput, notFound, unauthenticated } from '../shared/errors.ts';
import { readPageSnapshot } from '../shared/page-snapshot.ts';
import { decodeTimeCursor, encodeTimeCursor, type Page, type PageArgs, pageSize, toPage } from '../shared/pagination.ts';
import { liveUserRow } from '../shared/sql.ts';
import { requireText, requireUuid } from '../shared/validation.ts';

// API keys are how a shop backend calls: `Authorization: Bearer cbk_…`. The secret is 256 random
// bits, shown once; only its SHA-256 is stored. A fast hash is right here: a random 256-bit
// secret cannot be guessed, so the slow, salted hashing passwords need buys nothing, and a key is
// checked on every request (argon2 would cost ~50 ms each).

/** Every secret starts with this, so secret scanners (GitHub, gitleaks) can recognise a leak. */
export const API_KEY_PREFIX = 'cbk_';
/** `cbk_` + 43 base64url characters (32 bytes). */
const SECRET_PATTERN = /^cbk_[A-Za-z0-9_-]{43}$/;
/** How much of the secret lists show to tell keys apart: the prefix and 8 more characters. */
const SHOWN_LENGTH = API_KEY_PREFIX.length + 8;
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ['COUPONS_READ', 'COUPONS_WRITE', 'ADMIN'];

/** A key as lists show it: never the secret or its hash. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdById: string;
}

const RECORD_SELECT = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
  createdById: true,
} as const;

/** True when a bearer value has the shape of an API key secret (and not of a JWT). */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

function hashSecret(secret: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha256').update(secret, 'utf8').digest());
}

/** ADMIN: makes a key. The secret is returned here and never again. */
export async function createApiKey(
  ctx: ServiceContext,
  input: { name: string; scopes: readonly string[] },
): Promise<{ apiKey: ApiKeyRecord; secret: string }> {
  const caller = requireAdmin(ctx);
  const name = requireText('name', input.name, { max: 100 });
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) throw badInput('scopes', 'must name at least one scope');
  const unknown = scopes.find((scope) => !API_KEY_SCOPES.includes(scope as ApiKeyScope));
  if (unknown !== undefined) throw badInput('scopes', `unknown scope ${JSON.stringify(unknown).slice(0, 40)}`);
  // A key can do no more than the caller: a key without ADMIN cannot mint an ADMIN key.
  if (caller.apiKey && !caller.apiKey.scopes.includes('ADMIN')) throw badInput('scopes', 'a key cannot create keys');
  const secret = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    // The creator's row first (liveUserRow): an erase of the creator in flight makes this wait and
    // find them gone (as if the erase came first); a later erase waits and deletes the key too.
    const creator = await tx.$queryRaw<unknown[]>(Prisma.sql`SELECT 1 FROM ${liveUserRow(caller.userId)} u`);
    if (creator.length === 0) throw unauthenticated();
    const created = await tx.apiKey.create({
      data: {
        name,
        prefix: secret.slice(0, SHOWN_LENGTH),
        secretHash: hashSecret(secret),
        scopes: scopes as ApiKeyScope[],
        createdById: caller.userId,
        createdAt: ctx.clock.now(),
      },
      select: RECORD_SELECT,
    });
    await recordAudit(tx, caller, { action: 'API_KEY_CREATED', targetType: 'API_KEY', targetId: created.id, changes: { name, scopes } });
    return created;
  });
  return { apiKey: row, secret };
}

/** ADMIN: every key, newest first (revoked ones too: the list is the record of what existed). */
export async function listApiKeys(ctx: ServiceContext): Promise<ApiKeyRecord[]> {
  requireAdmin(ctx);
  return ctx.db.prisma.apiKey.findMany({ select: RECORD_SELECT, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], take: 500 });
}

/**
 * ADMIN: the keys a page at a time, newest first (revoked ones too), with their total: keyset
 * pages on (created_at, id), and the count of a table that holds one row per key ever made.
 */
export async function listApiKeyPage(ctx: ServiceContext, args: PageArgs): Promise<Page<ApiKeyRecord>> {
  requireAdmin(ctx);
  const limit = pageSize(args.first);
  const cursor = args.after ? decodeTimeCursor(args.after) : null;
  const keyset = cursor ? Prisma.sql`WHERE (created_at, id) < (${cursor.at}, ${cursor.id}::uuid)` : Prisma.empty;
  const { rows, totalCount } = await readPageSnapshot<ApiKeyRecord>(ctx.db.prisma, {
    rows: Prisma.sql`
      SELECT id::text AS id, name, prefix, scopes::text[] AS scopes, created_at AS "createdAt", last_used_at AS "lastUsedAt",
             revoked_at AS "revokedAt", created_by_id::text AS "createdById"
      FROM api_key ${keyset} ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
    count: Prisma.sql`SELECT count(*)::int FROM api_key`,
  });
  return toPage(rows, limit, totalCount, (key) => encodeTimeCursor(key.createdAt, key.id));
}

/**
 * ADMIN: revokes a key at once — its next request is UNAUTHENTICATED — and keeps the row (when
 * it was made, last used, revoked). Revoking a revoked key changes nothing.
 */
export async function revokeApiKey(ctx: ServiceContext, id: string): Promise<ApiKeyRecord> {
  const caller = requireAdmin(ctx);
  const keyId = requireUuid('id', id);
  const now = ctx.clock.now();
  return ctx.db.prisma.$transaction(async (tx) => {
    const { count } = await tx.apiKey.updateMany({ where: { id: keyId, revokedAt: null }, data: { revokedAt: now } });
    const row = await tx.apiKey.findUnique({ where: { id: keyId }, select: RECORD_SELECT });
    if (!row) throw notFound('API key', keyId);
    if (count > 0) await recordAudit(tx, caller, { action: 'API_KEY_REVOKED', targetType: 'API_KEY', targetId: keyId, changes: { name: row.name } });
    return row;
  });
}

/** What a refused key is told, whatever the reason (unknown, revoked, its admin gone or demoted). */
const INVALID_KEY = 'Invalid or revoked API key';

/** When this process last wrote a key's `last_used_at` (it is written at most once a minute). */
const lastUseWritten = new Map<string, number>();
const LAST_USE_RESOLUTION_MS = 60_000;

/**
 * The caller behind an API key secret: UNAUTHENTICATED when it is unknown, revoked, or its
 * creator is no longer an admin or is disabled. One indexed read; `last_used_at` is refreshed at most once a
 * minute per key and process, after the answer (a failed write only delays the timestamp).
 */
export async function authenticateApiKey(ctx: { db: ServiceContext['db']; clock: Clock }, secret: string): Promise<Caller> {
  if (!SECRET_PATTERN.test(secret)) throw unauthenticated(INVALID_KEY);
  const [row] = await ctx.db.prisma.$queryRaw<
    Array<{ id: string; name: string; scopes: ApiKeyScope[]; revoked: boolean; userId: string; role: string; email: string | null; disabled: boolean }>
  >(Prisma.sql`
    SELECT k.id::text AS id, k.name, k.scopes::text[] AS scopes, k.revoked_at IS NOT NULL AS revoked,
           u.id::text AS "userId", u.role::text AS role, u.email, u.disabled_at IS NOT NULL AS disabled
    FROM api_key k JOIN app_user u ON u.id = k.created_by_id
    WHERE k.secret_hash = ${hashSecret(secret)}`);
  // A key speaks for its admin: it stops when they are demoted or disabled (and goes when erased).
  if (!row || row.revoked || row.role !== 'ADMIN' || row.disabled) throw unauthenticated(INVALID_KEY);
  noteUse(ctx, row.id);
  return {
    userId: row.userId,
    role: 'ADMIN',
    email: row.email ?? undefined,
    apiKey: { id: row.id, name: row.name, scopes: row.scopes },
  };
}

function noteUse(ctx: { db: ServiceContext['db']; clock: Clock }, keyId: string): void {
  const now = ctx.clock.now();
  const last = lastUseWritten.get(keyId);
  if (last !== undefined && now.getTime() - last < LAST_USE_RESOLUTION_MS) return;
  if (lastUseWritten.size > 10_000) lastUseWritten.clear();
  lastUseWritten.set(keyId, now.getTime());
  ctx.db.prisma.apiKey.updateMany({ where: { id: keyId }, data: { lastUsedAt: now } }).catch(() => lastUseWritten.delete(keyId));
}

/**
 * Which of these keys still stand (exist, not revoked, made by a current, enabled admin), in one query.
 * No authorization: it feeds the WebSocket server's re-check of sockets opened with a key.
 */
export async function unsafeGetLiveApiKeys(ctx: Pick<ServiceContext, 'db'>, keyIds: readonly string[]): Promise<Set<string>> {
  if (keyIds.length === 0) return new Set();
  const rows = await ctx.db.prisma.apiKey.findMany({
    where: { id: { in: [...keyIds] }, revokedAt: null, createdBy: { role: 'ADMIN', disabledAt: null } },
    select: { id: true },
  });
  return new Set(rows.map((row) => row.id));
}
