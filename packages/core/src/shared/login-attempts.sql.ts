import { Prisma } from '@coupons/db';
import type { SqlClient } from './sql.ts';

/**
 * The keys of the sign-in limits' counters (`rate_limit_bucket`, auth/rate-limit.sign-in.ts).
 * Here, not in auth/, because an erase (users/) forgets the ones under an email.
 */
export const loginLimitKeys = {
  address: (ip: string) => `login:ip:${ip}`,
  pair: (email: string, ip: string) => `login:pair:${ip}|${email}`,
  /** count = consecutive failures, window_start = the last one (pruned a day after it). */
  streak: (email: string, ip: string) => `login:streak:${ip}|${email}`,
  emailFailures: (email: string) => `login:email-failures:${email}`,
};

/**
 * Forgets the login attempts on `email` (an erased user's, in the erase's transaction): its
 * failure count, and every address's attempt count and failure streak on it. Their keys hold the
 * email (and the addresses it was tried from), which an erase removes; and whoever registers the
 * address next starts with a clean slate, not the back-off earned against the erased account.
 */
export async function forgetLoginAttempts(tx: SqlClient, email: string): Promise<void> {
  // The address part of a key never holds '|' (keys above), so the email is all after the first.
  await tx.$executeRaw(Prisma.sql`
    DELETE FROM rate_limit_bucket
    WHERE key = ${loginLimitKeys.emailFailures(email)}
       OR ((key LIKE 'login:pair:%' OR key LIKE 'login:streak:%') AND substr(key, strpos(key, '|') + 1) = ${email})`);
}
