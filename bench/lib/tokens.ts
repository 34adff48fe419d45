import { signAccessToken, systemClock } from '@coupons/core';
import { apiTokenSettings } from './api-process.ts';
import type pg from 'pg';
import { type BenchUser, createUsers } from './seed.ts';

/**
 * `Bearer …` values for the users, signed with the same secret, issuer and audience as the API
 * processes of this run (the product's own signer), so every request is a real authenticated one.
 */
export function bearerTokens(users: BenchUser[]): string[] {
  const settings = apiTokenSettings();
  return users.map((user) => `Bearer ${signAccessToken(settings, user, systemClock).token}`);
}

/** `count` new users with their `Bearer …` tokens and their ids (for the plain-pg path). */
export async function createUsersWithTokens(pool: pg.Pool, count: number): Promise<{ users: BenchUser[]; tokens: string[]; userIds: string[] }> {
  const users = await createUsers(pool, count);
  return { users, tokens: bearerTokens(users), userIds: users.map((u) => u.id) };
}

/** A new ADMIN's `Bearer …` token, for the scenarios that act as the admin over HTTP. */
export async function createAdminToken(pool: pg.Pool): Promise<string> {
  const [admin] = await createUsers(pool, 1, 'ADMIN');
  return bearerTokens([admin as BenchUser])[0] as string;
}
