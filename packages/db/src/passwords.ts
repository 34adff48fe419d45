import argon2 from 'argon2';

/**
 * OWASP's argon2id parameters (m = 19 MiB, t = 2, p = 1): about 100 ms per hash here, which makes
 * an offline guess expensive without slowing a login noticeably. The one place they are set:
 * the seed and the auth service both hash through this module.
 */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password with argon2id; the PHC string carries its own salt and parameters. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

/** True when `password` matches `hash`; a malformed hash counts as a mismatch, never a crash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** True when `hash` was made with other parameters than {@link ARGON2_OPTIONS}: rehash it at the
 *  next successful login. */
export function passwordNeedsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, ARGON2_OPTIONS);
  } catch {
    return true;
  }
}
