import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Prisma } from '@coupons/db';
import type { ServiceContext } from '../shared/context.ts';
import { liveUserRow } from '../shared/sql.ts';
import { unauthenticated } from '../shared/errors.ts';
import { sessionStands } from './user-session.service.ts';
import { toUserRecord, USER_RECORD_SELECT, type UserRecord } from '../users/user.model.ts';
import { type SpentRefreshToken, spendRefreshTokenSql } from './refresh-token.sql.ts';
import { signAccessToken, type TokenSettings } from './token.service.ts';

// Sessions of people: a short access token (JWT, JWT_TTL_SECONDS) plus a refresh token that
// buys the next one. Refresh tokens rotate: each is spent once and answered with its successor in
// the same family. A spent token presented again revokes the family (RFC 9700 §4.14.2): whoever
// holds a copy (a thief, or the owner) has to sign in again.
//
// A token is `<tokenVersion>.<256 random bits, base64url>`; only its SHA-256 is stored (a random
// secret needs no slow hash). The user's token version is part of the token and of its hash, so
// it cannot be altered, and a refresh is refused once the user's version moved on: the
// sign-out-everywhere paths (revokeUserSessions, signOutEverywhere) end refresh tokens exactly as
// they end access tokens, without a write to this table.

/** How long a refresh token lives; each rotation starts a fresh lifetime (`REFRESH_TOKEN_TTL_DAYS`). */
export interface RefreshTokenSettings {
  ttlDays: number;
}

/** What rotating a session needs: the access-token settings and the refresh-token lifetime. */
export interface SessionSettings {
  tokens: TokenSettings;
  refreshTokens: RefreshTokenSettings;
}

/** A refresh token as handed to the client (once: only its hash is kept). */
export interface IssuedRefreshToken {
  token: string;
  expiresAt: Date;
}

/** A rotated session: a new access token, who it belongs to, and the next refresh token. */
export interface RefreshedSession {
  token: string;
  expiresAt: Date;
  user: UserRecord;
  refreshToken: IssuedRefreshToken;
}

/** The one answer to every refused refresh: a client learns only that it must sign in again. */
export const REFRESH_REFUSED = 'Your session has ended; sign in again';

const TOKEN_SHAPE = /^(\d{1,9})\.[A-Za-z0-9_-]{43}$/;
const DAY_MS = 86_400_000;
/** Passes of {@link revokeFamily}; each one past the first needs a refresh racing it. */
const MAX_REVOKE_PASSES = 10;

/** The token version a well-formed refresh token carries, or null for anything else. */
function tokenVersionOf(token: string | null | undefined): number | null {
  const match = typeof token === 'string' ? TOKEN_SHAPE.exec(token) : null;
  return match ? Number(match[1]) : null;
}

function hashToken(token: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha256').update(token, 'utf8').digest());
}

/**
 * Stores a new refresh token of `familyId` for `user` and returns it (through `db`: a client or a
 * transaction); UNAUTHENTICATED with `ifErased` when the user has been erased. The insert reads
 * the user's row ({@link liveUserRow}) first: an erase in flight makes it wait and then store
 * nothing, as if the erase came first; an erase that comes later deletes the token with the others.
 */
async function issue(
  db: Prisma.TransactionClient,
  ctx: Pick<ServiceContext, 'clock'>,
  user: { id: string; tokenVersion?: number },
  familyId: string,
  settings: RefreshTokenSettings,
  ifErased = REFRESH_REFUSED,
): Promise<IssuedRefreshToken> {
  const token = `${user.tokenVersion ?? 0}.${randomBytes(32).toString('base64url')}`;
  const createdAt = ctx.clock.now();
  const expiresAt = new Date(createdAt.getTime() + settings.ttlDays * DAY_MS);
  const stored = await db.$executeRaw(Prisma.sql`
    INSERT INTO refresh_token (id, family_id, user_id, token_hash, created_at, expires_at)
    SELECT ${randomUUID()}::uuid, ${familyId}::uuid, u.id, ${hashToken(token)}, ${createdAt}, ${expiresAt}
    FROM ${liveUserRow(user.id)} u`);
  if (stored === 0) throw unauthenticated(ifErased);
  return { token, expiresAt };
}

/**
 * Starts a new family for a user who just proved who they are (login, register). Their refresh
 * tokens past expiry are deleted on the way (spent ones are kept until then: a late replay of one
 * is still recognised as reuse). If the user was erased since they proved it (the erase
 * committed while this waited), UNAUTHENTICATED with `ifErased`: the caller's own refusal.
 */
export async function startRefreshFamily(
  ctx: ServiceContext,
  user: { id: string; tokenVersion?: number },
  settings: RefreshTokenSettings,
  ifErased = REFRESH_REFUSED,
): Promise<IssuedRefreshToken> {
  const [issued] = await Promise.all([
    issue(ctx.db.prisma, ctx, user, randomUUID(), settings, ifErased),
    ctx.db.prisma.refreshToken.deleteMany({ where: { userId: user.id, expiresAt: { lte: ctx.clock.now() } } }),
  ]);
  return issued;
}

type SpendOutcome = { kind: 'refused' } | { kind: 'revoked' } | { kind: 'rotated'; user: UserRecord; next: IssuedRefreshToken };

/**
 * Spends a refresh token and answers a new access token and the next refresh token of the same
 * family. No caller needed (the access token may have expired): the refresh token is the proof.
 * UNAUTHENTICATED for a token that is malformed, unknown, expired, revoked, of a deleted, disabled
 * or erased user or of an older token version; and for a spent one, whose whole family is revoked first.
 */
export async function refreshSession(ctx: ServiceContext, presented: string | null | undefined, settings: SessionSettings): Promise<RefreshedSession> {
  const tokenVersion = tokenVersionOf(presented);
  if (tokenVersion === null || !presented) throw unauthenticated(REFRESH_REFUSED);
  const tokenHash = hashToken(presented);
  const now = ctx.clock.now();
  // The spend and the successor commit together: a failure in between leaves the token unspent.
  const outcome = await ctx.db.prisma.$transaction(async (tx): Promise<SpendOutcome> => {
    // The token's user first (FOR KEY SHARE, as `issue` takes it), then the token: the order an
    // erase takes them in (the user FOR UPDATE, then their tokens), so a refresh racing an erase
    // queues behind it or ahead of it instead of deadlocking with it.
    await tx.$queryRaw(Prisma.sql`
      SELECT 1 FROM refresh_token t JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = ${tokenHash} FOR KEY SHARE OF u`);
    const [spent] = await tx.$queryRaw<SpentRefreshToken[]>(spendRefreshTokenSql(tokenHash, now));
    if (!spent) return { kind: 'refused' };
    const row = await tx.user.findUnique({ where: { id: spent.userId }, select: USER_RECORD_SELECT });
    if (!row || row.email === null || row.disabledAt !== null || !sessionStands(row, tokenVersion)) {
      // Signed out everywhere (or disabled) since the family began: the family ends with this token.
      await tx.refreshToken.updateMany({ where: { familyId: spent.familyId, revokedAt: null }, data: { revokedAt: now } });
      return { kind: 'revoked' };
    }
    const user = toUserRecord(row);
    return { kind: 'rotated', user, next: await issue(tx, ctx, user, spent.familyId, settings.refreshTokens) };
  });
  if (outcome.kind === 'refused') {
    // Reuse of a spent token (or the loser of a race for one): nobody keeps the family.
    const reused = await ctx.db.prisma.refreshToken.findFirst({ where: { tokenHash, usedAt: { not: null } }, select: { familyId: true } });
    if (reused) await revokeFamily(ctx, reused.familyId);
    throw unauthenticated(REFRESH_REFUSED);
  }
  if (outcome.kind === 'revoked') throw unauthenticated(REFRESH_REFUSED);
  const access = signAccessToken(settings.tokens, outcome.user, ctx.clock);
  return { ...access, user: outcome.user, refreshToken: outcome.next };
}

/**
 * Signs out this session: revokes the family of the presented refresh token, whatever its state.
 * Idempotent, and silent about tokens it does not know (there is nothing to tell a caller). The
 * access tokens already issued stay valid until they expire (at most JWT_TTL_SECONDS); the
 * client drops its copy.
 */
export async function logout(ctx: ServiceContext, presented: string | null | undefined): Promise<void> {
  if (tokenVersionOf(presented) === null || !presented) return;
  const token = await ctx.db.prisma.refreshToken.findUnique({ where: { tokenHash: hashToken(presented) }, select: { familyId: true } });
  if (token) await revokeFamily(ctx, token.familyId);
}

/**
 * Revokes every token of a family. One UPDATE cannot be enough: a refresh committing while it
 * runs adds a successor its snapshot does not see (it waits on the spent row's lock, re-checks
 * that row, but never finds the new one). So it runs again, in a fresh snapshot, until a pass
 * finds nothing left to revoke; a pass finds nothing only when no refresh of the family is in
 * flight (an in-flight one holds a row lock on a token not yet revoked, which the pass would wait
 * for and revoke).
 */
async function revokeFamily(ctx: ServiceContext, familyId: string): Promise<void> {
  for (let pass = 0; pass < MAX_REVOKE_PASSES; pass++) {
    const { count } = await ctx.db.prisma.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: ctx.clock.now() } });
    if (count === 0) return;
  }
}
