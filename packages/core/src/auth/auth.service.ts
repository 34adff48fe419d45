import { randomBytes } from 'node:crypto';
import { hashPassword, passwordNeedsRehash, Prisma, verifyPassword } from '@coupons/db';
import type { ServiceContext } from '../shared/context.ts';
import { badInput, DomainError } from '../shared/errors.ts';
import { normalizeEmail, parseEmail } from '../users/email.ts';
import { toUserRecord, USER_RECORD_SELECT, type UserRecord } from '../users/user.model.ts';
import { admitLogin, admitRegistration, type LoginOutcome, settleLogin, type SignInChallenge, type SignInLimits } from './rate-limit.sign-in.ts';
import { type IssuedRefreshToken, REFRESH_REFUSED, type RefreshTokenSettings, startRefreshFamily } from './refresh-token.service.ts';
import { signAccessToken, type TokenSettings } from './token.service.ts';

/** What register/login need beyond the context; the API builds it from the typed config. */
export interface AuthSettings {
  tokens: TokenSettings;
  /** The login and registration limits (auth/rate-limit.sign-in.ts). */
  signInLimits: SignInLimits;
  /** `closed`: register answers FORBIDDEN (customers are created by the shop's own backend). */
  registration?: 'open' | 'closed';
  /** A human check consulted before the per-email cap refuses (a seam: none is built in). */
  challenge?: SignInChallenge;
  /** When set, a sign-in also starts a refresh-token family (refresh-token.service.ts). */
  refreshTokens?: RefreshTokenSettings;
}

export type { SignInChallenge, SignInLimits } from './rate-limit.sign-in.ts';

/** What `register` answers when REGISTRATION=closed. */
export const REGISTRATION_CLOSED = 'Registration is closed: accounts are created by the shop';

/** A signed-in session: the access token, when it expires, and who it belongs to. */
export interface AuthPayloadRecord {
  token: string;
  expiresAt: Date;
  user: UserRecord;
  /** The first refresh token of a new family, when the settings ask for one. */
  refreshToken?: IssuedRefreshToken;
}

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

/** The one message for every failed login, so it never tells which of email or password was wrong. */
const LOGIN_FAILED = 'Invalid email or password';

/** What a disabled user hears from login, once their password is right (FORBIDDEN). */
export const ACCOUNT_DISABLED = 'This account is disabled; ask an administrator to enable it';

/**
 * Creates a USER account and signs it in. The email is validated and lower-cased; the password
 * must be 8..128 characters. An email already registered is BAD_USER_INPUT on `email` (the insert
 * decides with ON CONFLICT, so of two racing registrations exactly one wins): that answer tells a taken email
 * apart on purpose (the sign-up form needs it), so attempts are limited per client address and
 * globally ({@link admitRegistration}), counted first, in PostgreSQL. With `registration:
 * 'closed'` every attempt is FORBIDDEN, before anything is counted or looked up.
 */
export async function register(
  ctx: ServiceContext,
  input: { email: string; password: string; ip?: string },
  settings: AuthSettings,
): Promise<AuthPayloadRecord> {
  if (settings.registration === 'closed') throw new DomainError('FORBIDDEN', REGISTRATION_CLOSED);
  await admitRegistration(ctx, input.ip, settings.signInLimits);
  const email = parseEmail(input.email);
  const length = [...input.password].length;
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
    throw badInput('password', `must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  const passwordHash = await hashPassword(input.password);
  // The statement decides a taken email (ON CONFLICT waits for a racing registration of the same
  // email and skips when it commits); the unique index only backs it up.
  const [row] = await ctx.db.prisma.$queryRaw<Array<Parameters<typeof toUserRecord>[0]>>(Prisma.sql`
    INSERT INTO app_user (id, email, password_hash, role) VALUES (gen_random_uuid(), ${email}, ${passwordHash}, 'USER')
    ON CONFLICT (email) DO NOTHING
    RETURNING id::text AS id, email, external_id AS "externalId", role::text AS role, created_at AS "createdAt",
              token_version AS "tokenVersion", disabled_at AS "disabledAt", erased_at AS "erasedAt"`);
  if (!row) throw badInput('email', 'is already registered');
  return session(ctx, toUserRecord(row), settings, REFRESH_REFUSED);
}

/**
 * Signs a user in. Every failure is the same UNAUTHENTICATED message, and an unknown email still
 * costs one argon2 verification (against a dummy hash) so response time does not reveal which
 * emails have accounts. Attempts pass {@link admitLogin} before the password is checked (per
 * address, per (email, address), back-off, the per-email cap), so guessing costs attempts whether
 * or not it succeeds, and nobody at another address can lock the owner out.
 */
export async function login(
  ctx: ServiceContext,
  input: { email: string; password: string; ip?: string; challengeProof?: string },
  settings: AuthSettings,
): Promise<AuthPayloadRecord> {
  const limits = settings.signInLimits;
  const email = normalizeEmail(input.email);
  const plausible = email.length > 0 && email.length <= 254 && input.password.length <= MAX_PASSWORD_LENGTH * 4;
  // An implausible email is never a real account: it is counted per address only (as '').
  const attempt = { email: plausible ? email : '', ip: input.ip, proof: input.challengeProof };
  const admitted = await admitLogin(ctx, attempt, limits, settings.challenge);
  // Settled once the answer is known, whatever it is: failed (a wrong password, a disabled
  // account, a user erased before their session was stored: as if the erase came first),
  // succeeded, or abandoned (something broke before the password was judged). An attempt whose
  // outcome cannot be recorded gets no answer but the error: no guess is heard unrecorded.
  let outcome: LoginOutcome = 'abandoned';
  try {
    const judged = await checkCredentials(ctx, plausible ? email : undefined, input.password);
    if (!judged.user) {
      outcome = 'failed';
      throw judged.refusal;
    }
    const { user } = judged;
    if (user.passwordHash && passwordNeedsRehash(user.passwordHash)) {
      // Hashing parameters were raised since this hash was made: upgrade it while we know the password.
      // Compare-and-set on the hash we verified: if the password changed during the ~100 ms of
      // hashing, the newer one stays (no lost update) and this login skips its upgrade.
      const passwordHash = await hashPassword(input.password);
      await ctx.db.prisma.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash } });
    }
    const payload = await session(ctx, toUserRecord(user), settings, LOGIN_FAILED).catch((error: unknown) => {
      if (error instanceof DomainError && error.message === LOGIN_FAILED) outcome = 'failed';
      throw error;
    });
    outcome = 'succeeded';
    return payload;
  } finally {
    await settleLogin(ctx, admitted, outcome, limits);
  }
}

/**
 * The password check of an admitted login: the user, or the refusal to answer. An unknown (or
 * implausible) email still costs one argon2 verification, against a dummy hash.
 */
async function checkCredentials(ctx: ServiceContext, email: string | undefined, password: string) {
  const user = email
    ? await ctx.db.prisma.user.findUnique({ where: { email }, select: { ...USER_RECORD_SELECT, passwordHash: true } })
    : null;
  const valid = await verifyPassword(user?.passwordHash ?? (await dummyHash()), email ? password : '');
  if (!user || !valid) return { refusal: new DomainError('UNAUTHENTICATED', LOGIN_FAILED) };
  // Told only after the password checked out: whoever reads this already holds the password, so
  // it reveals nothing a guesser could use, and it tells the owner whom to ask instead of sending
  // them to reset a password that is right. Counted as a failure: it signed nobody in.
  if (user.disabledAt !== null) return { refusal: new DomainError('FORBIDDEN', ACCOUNT_DISABLED) };
  return { user };
}

/**
 * Tokens for a user who just proved who they are. An erase of the user that commits meanwhile
 * leaves no refresh token (startRefreshFamily) and answers `ifErased`: a login answers as if the
 * erase came first (no such account), a registration as if it came just after.
 */
async function session(ctx: ServiceContext, user: UserRecord, settings: AuthSettings, ifErased: string): Promise<AuthPayloadRecord> {
  // Only people sign in: a shop's customer (no email, no password) never reaches here.
  if (user.email === null) throw new DomainError('UNAUTHENTICATED', LOGIN_FAILED);
  const { token, expiresAt } = signAccessToken(settings.tokens, user, ctx.clock);
  if (!settings.refreshTokens) return { token, expiresAt, user };
  return { token, expiresAt, user, refreshToken: await startRefreshFamily(ctx, user, settings.refreshTokens, ifErased) };
}

let dummy: Promise<string> | undefined;

/** A real argon2id hash of a random password, made once, with the same parameters as real ones. */
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummy;
}
