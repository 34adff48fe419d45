import { Prisma } from '@coupons/db';

// The statement that decides a refresh token's fate: its own WHERE checks the row's latest
// committed version (READ COMMITTED re-evaluates it after waiting on the row lock), so racing
// refreshes answer as if they had run one after the other.

/** What spending a refresh token returns: the family to continue and whose session it is. */
export interface SpentRefreshToken {
  familyId: string;
  userId: string;
}

/**
 * Spends the token with this hash, if it is live (unused, unrevoked, unexpired at `now`). Two
 * concurrent spends of one token: the second waits on the first's row lock, then re-checks
 * `used_at IS NULL` on the committed row and matches nothing, so exactly one wins.
 */
export function spendRefreshTokenSql(tokenHash: Uint8Array, now: Date): Prisma.Sql {
  return Prisma.sql`
    UPDATE refresh_token SET used_at = ${now}
    WHERE token_hash = ${tokenHash} AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ${now}
    RETURNING family_id::text AS "familyId", user_id::text AS "userId"`;
}
