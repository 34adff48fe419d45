import type { Config } from '@coupons/config';
import type { AuthSettings, SessionSettings, TokenSettings } from '@coupons/core';

/** JWT settings from the typed config (HS256 secret, issuer, audience, lifetime). */
export function tokenSettings(config: Config): TokenSettings {
  return {
    secret: config.JWT_SECRET,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.JWT_TTL_SECONDS,
  };
}

/** What core's register/login need, from the typed config. */
export function authSettings(config: Config): AuthSettings {
  return {
    tokens: tokenSettings(config),
    signInLimits: {
      windowSeconds: config.LOGIN_RATE_WINDOW_SECONDS,
      perEmailAndAddress: config.LOGIN_RATE_LIMIT,
      perAddress: config.LOGIN_IP_RATE_LIMIT,
      perEmailFailures: config.LOGIN_EMAIL_RATE_LIMIT,
      registrationsGlobal: config.REGISTER_GLOBAL_RATE_LIMIT,
    },
    registration: config.REGISTRATION,
    refreshTokens: { ttlDays: config.REFRESH_TOKEN_TTL_DAYS },
  };
}

/** What rotating a session needs: the access-token settings and the refresh-token lifetime. */
export function sessionSettings(config: Config): SessionSettings {
  return { tokens: tokenSettings(config), refreshTokens: { ttlDays: config.REFRESH_TOKEN_TTL_DAYS } };
}
