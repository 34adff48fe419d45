import { Prisma } from '@coupons/db';
import { recordAudit } from '../audit/audit.service.ts';
import { requireAdmin } from '../shared/access.ts';
import { transactThenAnnounce } from '../shared/announce.ts';
import { forgetLoginAttempts } from '../shared/login-attempts.sql.ts';
import type { Caller, Role, ServiceContext } from '../shared/context.ts';
import { badInput, DomainError, forbidden, notFound } from '../shared/errors.ts';
import { requireUuid } from '../shared/validation.ts';
import { forgetUserInDeliveries, type LockedUser, lockEnabledAdmins, lockUser, returnUnusedCoupons } from './user-admin.sql.ts';
import { toUserRecord, USER_RECORD_SELECT, type UserRecord } from './user.model.ts';

// What admins do to accounts: change a role, disable and enable, erase. Each runs in one
// transaction that first locks the enabled admins' rows and then the target's (user-admin.sql.ts),
// re-checks there that the caller is still an enabled admin, and writes its audit entry. People
// and shop customers alike (customers only cannot be made admins: they never sign in).

/** What a coupon given back by an erase says in its history. */
export const ERASED_REASON = 'user erased';
/** An erase of a user holding many coupons waits on their row locks; it must not give up early. */
const ERASE_TIMEOUT_MS = 60_000;

/** The transaction's client (interactive transaction). */
type Tx = Prisma.TransactionClient;

/**
 * ADMIN: makes a user ADMIN or USER. A shop's customer cannot be an admin (BAD_USER_INPUT: they
 * never sign in); the last enabled admin cannot be demoted (INVALID_STATE), which also decides
 * two admins demoting each other at once: the second sees one admin left. Setting the role a
 * user has changes nothing and writes no audit entry.
 */
export async function setUserRole(ctx: ServiceContext, userId: string, role: Role): Promise<UserRecord> {
  requireAdmin(ctx);
  const id = requireUuid('userId', userId);
  if (role !== 'ADMIN' && role !== 'USER') throw badInput('role', 'must be ADMIN or USER');
  return changeUser(ctx, id, async (tx, caller, target, admins) => {
    if (role === 'ADMIN' && target.externalId !== null) throw badInput('role', "a shop's customer cannot be an admin");
    if (target.role === role) return false;
    if (role === 'USER' && admins.has(target.id) && admins.size === 1) throw lastAdmin('demoted');
    await tx.user.update({ where: { id }, data: { role } });
    await recordAudit(tx, caller, { action: 'USER_ROLE_CHANGED', targetType: 'USER', targetId: id, changes: { role: { from: target.role, to: role } } });
    return true;
  });
}

/**
 * ADMIN: disables a user. Their tokens stop at once (the token version is raised too, so enabling
 * them later does not revive old sessions: they sign in again), login refuses them, their refresh
 * tokens and the API keys they made stop, and the caller's API closes their sockets. For a shop's
 * customer, keys and admins acting for them are refused claims, locks, unlocks and redemptions
 * (FORBIDDEN, users/customer.service.ts) and distributions pass them by; their coupons stay theirs.
 * Not yourself (BAD_USER_INPUT). Disabling a disabled user changes nothing.
 */
export async function disableUser(ctx: ServiceContext, userId: string): Promise<UserRecord> {
  const caller = requireAdmin(ctx);
  const id = requireUuid('userId', userId);
  if (id === caller.userId) throw badInput('userId', 'you cannot disable yourself');
  return changeUser(ctx, id, async (tx, by, target, admins) => {
    if (target.disabledAt !== null) return false;
    if (admins.has(target.id) && admins.size === 1) throw lastAdmin('disabled');
    await tx.user.update({ where: { id }, data: { disabledAt: ctx.clock.now(), tokenVersion: { increment: 1 } } });
    await recordAudit(tx, by, { action: 'USER_DISABLED', targetType: 'USER', targetId: id });
    return true;
  });
}

/** ADMIN: enables a disabled user again (they sign in anew). Enabling an enabled user changes nothing. */
export async function enableUser(ctx: ServiceContext, userId: string): Promise<UserRecord> {
  requireAdmin(ctx);
  const id = requireUuid('userId', userId);
  return changeUser(ctx, id, async (tx, caller, target) => {
    if (target.disabledAt === null) return false;
    await tx.user.update({ where: { id }, data: { disabledAt: null } });
    await recordAudit(tx, caller, { action: 'USER_ENABLED', targetType: 'USER', targetId: id });
    return true;
  });
}

/** What an erase removed and gave back. */
export interface EraseSummary {
  /** Unused coupons (ASSIGNED, LOCKED, never redeemed) given back to their books. */
  couponsReturned: number;
  /** Coupons kept on the anonymous row: redeemed ones, and partly used multi-use ones. */
  couponsKept: number;
  poolMemberships: number;
  refreshTokens: number;
  apiKeys: number;
}

/**
 * ADMIN: erases a user (a GDPR erasure), in one transaction: their unused coupons go back to
 * their books (UNASSIGNED events, reason "user erased", announced after commit), their pool
 * memberships, refresh tokens, API keys, idempotency records and the login limits' counters
 * under their email are deleted, and the row keeps only its id (email, password and external id
 * removed, role USER, erased and disabled, token version raised). Redemptions and coupon
 * history stay, pointing at the anonymous row. Not yourself (BAD_USER_INPUT), not the last
 * enabled admin (INVALID_STATE). Erasing an erased user changes nothing. Returns the summary
 * (also in the audit entry, which holds no personal data).
 */
export async function eraseUser(ctx: ServiceContext, userId: string): Promise<EraseSummary | null> {
  const caller = requireAdmin(ctx);
  const id = requireUuid('userId', userId);
  if (id === caller.userId) throw badInput('userId', 'you cannot erase yourself');
  const now = ctx.clock.now();
  return transactThenAnnounce(
    ctx,
    async (tx) => {
      // The user's row FOR UPDATE, before their coupons are looked at: claims for them hold it FOR
      // KEY SHARE (coupons/assign.sql.ts), so this waits for those in flight to commit (their
      // coupons are then found below and given back) and makes later ones wait for our commit
      // (they then see the user erased and refuse). So no claim slips a coupon past the erase.
      const { by, target, admins } = await lockForChange(tx, caller, id, 'UPDATE');
      if (target.erasedAt !== null) return { value: null, eventIds: [] };
      if (admins.has(target.id) && admins.size === 1) throw lastAdmin('erased');
      const returned = await returnUnusedCoupons(tx, { userId: id, actorId: by.userId, now, reason: ERASED_REASON });
      await tx.$executeRaw(Prisma.sql`
        UPDATE app_user SET email = NULL, password_hash = NULL, external_id = NULL, role = 'USER',
          erased_at = ${now}, disabled_at = COALESCE(disabled_at, ${now}), token_version = token_version + 1
        WHERE id = ${id}::uuid`);
      const [memberships, refreshTokens, apiKeys] = await Promise.all([
        tx.poolMember.deleteMany({ where: { userId: id } }),
        tx.refreshToken.deleteMany({ where: { userId: id } }),
        tx.apiKey.deleteMany({ where: { createdById: id } }),
      ]);
      // Stored answers of their idempotent requests may quote what they sent (redeem metadata).
      await tx.idempotencyRecord.deleteMany({ where: { userId: id } });
      // Stored webhook bodies name the user (data.user): their email and customer id go.
      await forgetUserInDeliveries(tx, id);
      // So do the login limits' counters kept under their email (and the addresses it was tried from).
      if (target.email !== null) await forgetLoginAttempts(tx, target.email);
      const kept = await tx.coupon.count({ where: { assignedUserId: id } });
      const summary: EraseSummary = {
        couponsReturned: returned.returned,
        couponsKept: kept,
        poolMemberships: memberships.count,
        refreshTokens: refreshTokens.count,
        apiKeys: apiKeys.count,
      };
      await recordAudit(tx, by, { action: 'USER_ERASED', targetType: 'USER', targetId: id, changes: { ...summary } });
      return { value: summary as EraseSummary | null, eventIds: returned.eventIds };
    },
    { timeout: ERASE_TIMEOUT_MS, maxWait: 10_000 },
  );
}

/**
 * Runs one change of a user: locks the enabled admins and the user, checks that the caller is
 * still an enabled admin (FORBIDDEN) and that the user exists (NOT_FOUND) and is not erased
 * (INVALID_STATE), then `change` writes (returning whether it changed anything). Returns the user
 * as committed.
 */
async function changeUser(
  ctx: ServiceContext,
  id: string,
  change: (tx: Tx, caller: Caller, target: LockedUser, admins: Set<string>) => Promise<boolean>,
): Promise<UserRecord> {
  const caller = requireAdmin(ctx);
  return ctx.db.prisma.$transaction(async (tx) => {
    const { by, target, admins } = await lockForChange(tx, caller, id);
    if (target.erasedAt !== null) throw new DomainError('INVALID_STATE', `User ${JSON.stringify(id)} was erased`);
    await change(tx, by, target, admins);
    const row = await tx.user.findUniqueOrThrow({ where: { id }, select: USER_RECORD_SELECT });
    return toUserRecord(row);
  });
}

async function lockForChange(
  tx: Tx,
  caller: Caller,
  id: string,
  strength: 'NO KEY UPDATE' | 'UPDATE' = 'NO KEY UPDATE',
): Promise<{ by: Caller; target: LockedUser; admins: Set<string> }> {
  const admins = await lockEnabledAdmins(tx);
  // Decided under the lock: an admin demoted or disabled by a change that committed while we
  // waited has lost the right to make this one.
  if (!admins.has(caller.userId)) throw forbidden('This requires an enabled ADMIN');
  const target = await lockUser(tx, id, strength);
  if (!target) throw notFound('User', id);
  return { by: caller, target, admins };
}

function lastAdmin(what: 'demoted' | 'disabled' | 'erased'): DomainError {
  return new DomainError('INVALID_STATE', `The last enabled admin cannot be ${what}; make another user an admin first`);
}
