import type { Config } from '@coupons/config';
import type { AuthSettings, TokenSettings } from '@coupons/core';

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
    loginRateLimit: { limit: config.LOGIN_RATE_LIMIT, windowSeconds: config.LOGIN_RATE_WINDOW_SECONDS },
  };
}
