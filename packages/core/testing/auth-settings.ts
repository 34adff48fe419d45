import type { SignInLimits } from '../src/auth/rate-limit.sign-in.ts';
import type { TokenSettings } from '../src/auth/token.service.ts';

/** Token settings for service tests: a fixed 40-character secret, one-minute tokens. */
export const TEST_TOKEN_SETTINGS: TokenSettings = { secret: 's'.repeat(40), issuer: 'iss', audience: 'aud', ttlSeconds: 60 };

/** Sign-in limits that a test does not mean to reach: `perWindow` of everything in a one-minute window. */
export function generousSignInLimits(perWindow: number): SignInLimits {
  return { windowSeconds: 60, perEmailAndAddress: perWindow, perAddress: perWindow, perEmailFailures: perWindow, registrationsGlobal: perWindow };
}
