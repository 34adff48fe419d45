import { signAccessToken, systemClock } from '@coupons/core';
import { apiTokenSettings } from './api-process.ts';
import type { BenchUser } from './seed.ts';

/**
 * `Bearer …` values for the users, signed with the same secret, issuer and audience as the API
 * processes of this run (the product's own signer), so every request is a real authenticated one.
 */
export function bearerTokens(users: BenchUser[]): string[] {
  const settings = apiTokenSettings();
  return users.map((user) => `Bearer ${signAccessToken(settings, user, systemClock).token}`);
}
