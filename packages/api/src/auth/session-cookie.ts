import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IssuedRefreshToken } from '@coupons/core';
import { type Cookies, parseCookie, stringifySetCookie } from 'cookie';
import type { RequestContext, RequestCookies } from '../shared/request-context.ts';

/**
 * The refresh token's cookie. Not readable by scripts (HttpOnly: an XSS cannot take the session
 * away), never sent by another site (SameSite=Strict: the console and the API are one site, on
 * localhost ports or behind one domain), only sent to the GraphQL endpoint (Path), and over TLS
 * only in production (Secure; browsers treat http://localhost as secure anyway).
 */
export const REFRESH_COOKIE = 'coupons_refresh';

/**
 * The cookies of one HTTP request, and a way to set cookies on its response. Every cookie set is
 * HttpOnly, SameSite=Strict and limited to `path`; Secure when `secure`. Nothing here is specific
 * to a cookie: the refresh cookie's rules are {@link setRefreshCookie} and friends.
 */
export function httpCookies(req: IncomingMessage, res: ServerResponse, options: { path: string; secure: boolean }): RequestCookies {
  let parsed: Cookies | undefined;
  return {
    get(name) {
      parsed ??= parseCookie(req.headers.cookie ?? '');
      return parsed[name];
    },
    set(name, value, maxAgeSeconds) {
      const attributes = { httpOnly: true, sameSite: 'strict', secure: options.secure, path: options.path } as const;
      // Max-Age for today's browsers; Expires in the past as well when deleting, for old ones.
      const lifetime = maxAgeSeconds > 0 ? { maxAge: maxAgeSeconds } : { maxAge: 0, expires: new Date(0) };
      res.appendHeader('Set-Cookie', stringifySetCookie(name, value, { ...attributes, ...lifetime }));
    },
  };
}

/** The refresh token the request's cookie carries (undefined without one, or over graphql-ws). */
export function readRefreshCookie(ctx: RequestContext): string | undefined {
  return ctx.cookies?.get(REFRESH_COOKIE);
}

/** Hands the client its next refresh token, living as long as the token does. */
export function setRefreshCookie(ctx: RequestContext, refresh: IssuedRefreshToken | undefined): void {
  if (!refresh || !ctx.cookies) return;
  const seconds = Math.round((refresh.expiresAt.getTime() - ctx.service.clock.now().getTime()) / 1000);
  ctx.cookies.set(REFRESH_COOKIE, refresh.token, Math.max(1, seconds));
}

/** Tells the browser to forget the refresh token. */
export function clearRefreshCookie(ctx: RequestContext): void {
  ctx.cookies?.set(REFRESH_COOKIE, '', 0);
}
