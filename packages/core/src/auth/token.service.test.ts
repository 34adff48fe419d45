import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../shared/context.ts';
import { DomainError } from '../shared/errors.ts';
import { parseBearer, signAccessToken, type TokenSettings, verifyAccessToken } from './token.service.ts';

const settings: TokenSettings = { secret: 's'.repeat(40), issuer: 'iss', audience: 'aud', ttlSeconds: 60 };
const at = (iso: string): Clock => ({ now: () => new Date(iso) });
const user = { id: '7f6e2b1a-0000-4000-8000-000000000001', role: 'USER' as const, email: 'a@b.co' };
const T0 = '2026-01-01T00:00:00.000Z';

function expectUnauthenticated(fn: () => unknown, message?: RegExp) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('UNAUTHENTICATED');
    if (message) expect((error as DomainError).message).toMatch(message);
    return;
  }
  throw new Error('expected UNAUTHENTICATED');
}

/** A token signed by hand: any header, any payload, any key. */
function forge(header: object, payload: object, key = settings.secret): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

describe('access tokens', () => {
  it('round-trips the caller and expires after the TTL by the clock', () => {
    const { token, expiresAt } = signAccessToken(settings, user, at(T0));
    expect(expiresAt.toISOString()).toBe('2026-01-01T00:01:00.000Z');
    expect(verifyAccessToken(settings, token, at('2026-01-01T00:00:59.000Z'))).toEqual({
      userId: user.id,
      role: 'USER',
      email: 'a@b.co',
      tokenVersion: 0,
    });
    expectUnauthenticated(() => verifyAccessToken(settings, token, at('2026-01-01T00:01:00.000Z')), /expired/);
  });

  it("carries the user's token version as `tv`, 0 when absent, and refuses a malformed one", () => {
    const { token } = signAccessToken(settings, { ...user, tokenVersion: 7 }, at(T0));
    expect(jwt.decode(token)).toMatchObject({ tv: 7 });
    expect(verifyAccessToken(settings, token, at(T0)).tokenVersion).toBe(7);
    // A token signed before versions existed stands for version 0.
    const legacy = jwt.sign({ role: 'USER', email: 'a@b.co' }, settings.secret, {
      algorithm: 'HS256', subject: user.id, issuer: settings.issuer, audience: settings.audience, expiresIn: 60,
    });
    expect(verifyAccessToken(settings, legacy, { now: () => new Date() }).tokenVersion).toBe(0);
    for (const tv of [-1, 1.5, '3']) {
      const bad = jwt.sign({ role: 'USER', email: 'a@b.co', tv }, settings.secret, {
        algorithm: 'HS256', subject: user.id, issuer: settings.issuer, audience: settings.audience, expiresIn: 60,
      });
      expectUnauthenticated(() => verifyAccessToken(settings, bad, { now: () => new Date() }), /Invalid/);
    }
  });

  it('rejects a tampered payload, another secret, issuer or audience', () => {
    const { token } = signAccessToken(settings, user, at(T0));
    const [h, , s] = token.split('.');
    const admin = Buffer.from(JSON.stringify({ ...jwt.decode(token) as object, role: 'ADMIN' })).toString('base64url');
    expectUnauthenticated(() => verifyAccessToken(settings, `${h}.${admin}.${s}`, at(T0)));
    expectUnauthenticated(() => verifyAccessToken({ ...settings, secret: 'x'.repeat(40) }, token, at(T0)));
    expectUnauthenticated(() => verifyAccessToken({ ...settings, issuer: 'other' }, token, at(T0)));
    expectUnauthenticated(() => verifyAccessToken({ ...settings, audience: 'other' }, token, at(T0)));
  });

  it('accepts only HS256: alg none and HS512 are refused', () => {
    const now = Math.floor(new Date(T0).getTime() / 1000);
    const claims = { sub: user.id, role: 'ADMIN', email: 'a@b.co', iss: 'iss', aud: 'aud', iat: now, exp: now + 60 };
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expectUnauthenticated(() => verifyAccessToken(settings, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, at(T0)));
    const hs512 = jwt.sign(claims, settings.secret, { algorithm: 'HS512' });
    expectUnauthenticated(() => verifyAccessToken(settings, hs512, at(T0)));
    // The same claims signed properly are accepted, so the refusals above are about the algorithm.
    expect(verifyAccessToken(settings, forge({ alg: 'HS256', typ: 'JWT' }, claims), at(T0)).role).toBe('ADMIN');
  });

  it('rejects tokens without the claims a caller needs', () => {
    const now = Math.floor(new Date(T0).getTime() / 1000);
    const base = { iss: 'iss', aud: 'aud', iat: now, exp: now + 60 };
    expectUnauthenticated(() => verifyAccessToken(settings, forge({ alg: 'HS256' }, { ...base, role: 'USER', email: 'a@b.co' }), at(T0)));
    expectUnauthenticated(() =>
      verifyAccessToken(settings, forge({ alg: 'HS256' }, { ...base, sub: user.id, role: 'ROOT', email: 'a@b.co' }), at(T0)),
    );
  });

  it('remembers a verified token without loosening a check: expiry and nbf by the clock, other settings, tampering', () => {
    const { token } = signAccessToken(settings, user, at(T0));
    const first = verifyAccessToken(settings, token, at(T0));
    first.role = 'ADMIN'; // a caller changing its copy does not change what the cache answers
    expect(verifyAccessToken(settings, token, at('2026-01-01T00:00:30.000Z'))).toEqual({ userId: user.id, role: 'USER', email: 'a@b.co', tokenVersion: 0 });
    // The cached token still expires by the clock, and answers the same as a first verification.
    expectUnauthenticated(() => verifyAccessToken(settings, token, at('2026-01-01T00:01:00.000Z')), /expired/);
    expect(verifyAccessToken(settings, token, at('2026-01-01T00:00:59.000Z')).userId).toBe(user.id);
    // A token verified under one secret, issuer or audience is not thereby good under another.
    expectUnauthenticated(() => verifyAccessToken({ ...settings, secret: 't'.repeat(40) }, token, at(T0)), /Invalid/);
    expectUnauthenticated(() => verifyAccessToken({ ...settings, issuer: 'other' }, token, at(T0)), /Invalid/);
    expectUnauthenticated(() => verifyAccessToken({ ...settings, audience: 'other' }, token, at(T0)), /Invalid/);
    // A token differing in its signature only is checked anew, not matched to the cached one.
    const [h, p] = token.split('.');
    expectUnauthenticated(() => verifyAccessToken(settings, `${h}.${p}.${'A'.repeat(43)}`, at(T0)), /Invalid/);
    // Not before: refused before `nbf`, from the cache too, and accepted from then on.
    const exp = Date.parse(T0) / 1000 + 60;
    const later = forge({ alg: 'HS256', typ: 'JWT' }, { sub: user.id, role: 'USER', email: 'a@b.co', iss: 'iss', aud: 'aud', nbf: exp - 30, exp });
    expect(verifyAccessToken(settings, later, at('2026-01-01T00:00:31.000Z')).userId).toBe(user.id);
    expectUnauthenticated(() => verifyAccessToken(settings, later, at('2026-01-01T00:00:29.000Z')), /Invalid/);
  });

  it('parses bearer headers', () => {
    expect(parseBearer(undefined)).toBeNull();
    expect(parseBearer('')).toBeNull();
    expect(parseBearer('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(parseBearer('bearer   abc.def.ghi ')).toBe('abc.def.ghi');
    expectUnauthenticated(() => parseBearer('Basic dXNlcjpwYXNz'));
    expectUnauthenticated(() => parseBearer('Bearer'));
  });
});
