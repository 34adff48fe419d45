import { isDomainError, login, logout, refreshSession, register } from '@coupons/core';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../shared/request-context.ts';
import { Public } from './access.decorators.ts';
import { AuthPayload } from './auth-payload.type.ts';
import { authSettings, sessionSettings } from './auth.settings.ts';
import { clearRefreshCookie, readRefreshCookie, setRefreshCookie } from './session-cookie.ts';

@Resolver()
export class AuthResolver {
  @Public()
  @Mutation(() => AuthPayload, {
    description:
      'Creates a USER account and signs it in (over HTTP, also sets the refresh-token cookie). Rate-limited per client address and globally; FORBIDDEN when registration is closed (REGISTRATION=closed).',
  })
  async register(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String, { description: '8 to 128 characters.' }) password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AuthPayload> {
    const session = await register(ctx.service, { email, password, ip: ctx.ip }, signInSettings(ctx));
    setRefreshCookie(ctx, session.refreshToken);
    return session;
  }

  @Public()
  @Mutation(() => AuthPayload, {
    description:
      'Signs in (over HTTP, also sets the refresh-token cookie); rate-limited per (email, client address) with back-off, per client address, and per email across addresses (RATE_LIMITED with retryAfterSeconds).',
  })
  async login(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AuthPayload> {
    const session = await login(ctx.service, { email, password, ip: ctx.ip }, signInSettings(ctx));
    setRefreshCookie(ctx, session.refreshToken);
    return session;
  }

  // Public: the access token has usually expired when this is called; the cookie is the proof.
  @Public()
  @Mutation(() => AuthPayload, {
    description:
      'A new access token for the session of the refresh-token cookie (set by login and register; HTTP only), and the next refresh token in its place: each is spent once. UNAUTHENTICATED without a live one; presenting a spent one ends the whole session.',
  })
  async refreshSession(@Ctx() ctx: RequestContext): Promise<AuthPayload> {
    try {
      const session = await refreshSession(ctx.service, readRefreshCookie(ctx), sessionSettings(ctx.config));
      setRefreshCookie(ctx, session.refreshToken);
      return session;
    } catch (error) {
      // A refused cookie is useless: the browser forgets it (a database outage keeps it).
      if (isDomainError(error) && error.code === 'UNAUTHENTICATED') clearRefreshCookie(ctx);
      throw error;
    }
  }

  // Public: signing out must work with an expired (or no) access token.
  @Public()
  @Mutation(() => Boolean, {
    description:
      'Signs this session out: revokes the refresh-token cookie (and its whole family) and clears it. Always true. Access tokens already issued stay valid until they expire; signOutEverywhere ends those too.',
  })
  async logout(@Ctx() ctx: RequestContext): Promise<boolean> {
    await logout(ctx.service, readRefreshCookie(ctx));
    clearRefreshCookie(ctx);
    return true;
  }
}

/** Sign-in settings; a refresh family is started only where a cookie can carry it (HTTP). */
function signInSettings(ctx: RequestContext) {
  const settings = authSettings(ctx.config);
  return ctx.cookies ? settings : { ...settings, refreshTokens: undefined };
}
