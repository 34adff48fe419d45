import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Caller, Clock, Role } from '../shared/context.ts';
import { unauthenticated } from '../shared/errors.ts';

/** What signing and verifying an access token needs; built from the typed config by the API. */
export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** The one algorithm we sign with and the only one we accept (no `none`, no RS/HS confusion). */
const ALGORITHM = 'HS256' as const;
const ROLES: readonly Role[] = ['ADMIN', 'USER'];

/**
 * The secret as a KeyObject, made once per secret. Given a string, jsonwebtoken rebuilds the key
 * on every call, first trying (and failing, with an exception) to read it as a PEM public key:
 * that was 12% of the API's CPU on the assign benchmark (`pnpm bench`, assign-hot profile).
 */
const secretKeys = new Map<string, KeyObject>();
function secretKey(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    if (secretKeys.size >= 16) secretKeys.clear(); // tests make a secret per server; stay bounded
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    secretKeys.set(secret, key);
  }
  return key;
}

/**
 * The claims we put in a token: the user id as `sub`, role and email for the caller, and `tv`,
 * the user's token version at sign-in (a token below the user's current version is revoked).
 */
interface AccessClaims {
  sub: string;
  role: Role;
  email: string;
  tv?: number;
}

/**
 * A verified token: the caller as the token states it, and its token version (0 when the claim is
 * absent: tokens signed before versions existed). The role is only what it was at sign-in; the
 * API replaces it with the stored one on every request (users/session.service.ts).
 */
export interface VerifiedToken extends Caller {
  tokenVersion: number;
}

/**
 * Signs a short-lived HS256 access token. `iat`/`exp` come from `clock`, so tests can expire a
 * token by moving the clock instead of sleeping.
 */
export function signAccessToken(
  settings: TokenSettings,
  user: { id: string; role: Role; email: string | null; tokenVersion?: number },
  clock: Clock,
): { token: string; expiresAt: Date } {
  const iat = Math.floor(clock.now().getTime() / 1000);
  const claims = { role: user.role, email: user.email ?? '', tv: user.tokenVersion ?? 0, iat };
  const token = jwt.sign(claims, secretKey(settings.secret), {
    algorithm: ALGORITHM,
    subject: user.id,
    issuer: settings.issuer,
    audience: settings.audience,
    expiresIn: settings.ttlSeconds,
  });
  return { token, expiresAt: new Date((iat + settings.ttlSeconds) * 1000) };
}

/**
 * Verifies signature, algorithm, issuer, audience and expiry (against `clock`) and returns the
 * caller. Anything wrong is UNAUTHENTICATED with a message that says what to do, never why in
 * detail (a forger learns nothing from "bad signature" vs "bad audience").
 *
 * A token that verified once is remembered (see {@link verifiedTokens}): the next request with
 * the same token skips the HMAC and the JSON parsing, but not the time checks, which are made
 * against `clock` on every call exactly as jsonwebtoken makes them. Only the token's own,
 * immutable content is cached; whether its session still stands is the caller's per-request
 * check against the user's row (loadSessionCaller), never cached.
 */
export function verifyAccessToken(settings: TokenSettings, token: string, clock: Clock): VerifiedToken {
  const nowSeconds = Math.floor(clock.now().getTime() / 1000);
  const key = secretKey(settings.secret);
  const cacheKey = `${settings.issuer}\u0000${settings.audience}\u0000${token}`;
  const cached = verifiedTokens.get(key)?.get(cacheKey);
  if (cached) {
    // jsonwebtoken's own rules: expired when now >= exp; not yet valid when nbf > now.
    if (nowSeconds >= cached.exp) throw unauthenticated('Your session has expired; sign in again');
    if (cached.nbf !== undefined && cached.nbf > nowSeconds) throw unauthenticated('Invalid access token; sign in again');
    return { ...cached.verified };
  }
  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, key, {
      algorithms: [ALGORITHM],
      issuer: settings.issuer,
      audience: settings.audience,
      clockTimestamp: nowSeconds,
    });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) throw unauthenticated('Your session has expired; sign in again');
    throw unauthenticated('Invalid access token; sign in again');
  }
  const claims = payload as Partial<AccessClaims>;
  if (
    typeof payload !== 'object' ||
    typeof payload.exp !== 'number' || // jsonwebtoken accepts a token without `exp`: one that never expires
    typeof claims.sub !== 'string' ||
    typeof claims.email !== 'string' ||
    !ROLES.includes(claims.role as Role) ||
    (claims.tv !== undefined && !(Number.isSafeInteger(claims.tv) && claims.tv >= 0))
  ) {
    throw unauthenticated('Invalid access token; sign in again');
  }
  const verified: VerifiedToken = { userId: claims.sub, role: claims.role as Role, email: claims.email, tokenVersion: claims.tv ?? 0 };
  rememberVerified(key, cacheKey, { verified: { ...verified }, exp: payload.exp, nbf: typeof payload.nbf === 'number' ? payload.nbf : undefined });
  return verified;
}

interface VerifiedEntry {
  verified: VerifiedToken;
  exp: number;
  nbf: number | undefined;
}

/**
 * Tokens that passed {@link verifyAccessToken}, per secret key (a KeyObject made once per secret,
 * so a changed secret starts an empty cache and a token signed with the old one verifies anew)
 * and by issuer, audience and the exact token text. Bounded: the oldest entries go first. Only
 * tokens that verified are kept, so garbage tokens cannot fill it. Verifying a JWT (HMAC, base64,
 * three JSON parses, claim checks) cost ~1.5% of the API's CPU per request on the assign benchmark.
 */
const verifiedTokens = new WeakMap<KeyObject, Map<string, VerifiedEntry>>();
const MAX_VERIFIED_TOKENS = 10_000;

function rememberVerified(key: KeyObject, cacheKey: string, entry: VerifiedEntry): void {
  let entries = verifiedTokens.get(key);
  if (!entries) {
    entries = new Map();
    verifiedTokens.set(key, entries);
  }
  if (entries.size >= MAX_VERIFIED_TOKENS) {
    // Map iteration is insertion order: drop the oldest tenth at once, not one per insert.
    let drop = MAX_VERIFIED_TOKENS / 10;
    for (const oldKey of entries.keys()) {
      entries.delete(oldKey);
      if (--drop === 0) break;
    }
  }
  entries.set(cacheKey, entry);
}

/**
 * The token of an `Authorization: Bearer <token>` header (or of a graphql-ws
 * `connectionParams.authorization`): `null` when there is none, UNAUTHENTICATED when the header
 * is present but is not a bearer token.
 */
export function parseBearer(header: string | undefined | null): string | null {
  if (header === undefined || header === null || header.trim() === '') return null;
  const match = /^Bearer\s+([A-Za-z0-9_\-.=]+)\s*$/i.exec(header.trim());
  if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
  return match[1];
}
