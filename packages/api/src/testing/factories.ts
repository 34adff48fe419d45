import { randomUUID } from 'node:crypto';
import { type Role, signAccessToken, type UserRecord } from '@coupons/core';
import { tokenSettings } from '../auth/auth.settings.ts';
import { graphqlRequest } from './graphql-request.ts';
import type { TestServer } from './test-server.ts';

/** A signed-up test user: send `token` with requests. */
export interface SignedUpUser {
  token: string;
  user: UserRecord;
  email: string;
  password: string;
}

export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * Registers a fresh user through the API (`register`), with a unique email. For `ADMIN`, the role
 * is then set directly in the database (there is no API to become admin) and a token carrying
 * it is signed with the server's settings.
 */
export async function signUp(
  server: TestServer,
  role: Role = 'USER',
  overrides: { email?: string; password?: string } = {},
): Promise<SignedUpUser> {
  const email = overrides.email ?? `user-${randomUUID()}@example.test`;
  const password = overrides.password ?? TEST_PASSWORD;
  type Registered = { token: string; user: { id: string; email: string; role: Role; createdAt: string } };
  const response = await graphqlRequest<{ register: Registered }>(
    server,
    `mutation SignUp($email: String!, $password: String!) {
      register(email: $email, password: $password) { token user { id email role createdAt } }
    }`,
    { email, password },
  );
  const registered = response.data?.register;
  if (!registered) throw new Error(`signUp failed: ${JSON.stringify(response.errors)}`);
  if (role === 'USER') {
    const user: UserRecord = { ...registered.user, createdAt: new Date(registered.user.createdAt) };
    return { token: registered.token, user, email: user.email, password };
  }
  const user = await server.db.prisma.user.update({
    where: { id: registered.user.id },
    data: { role },
    select: { id: true, email: true, role: true, createdAt: true },
  });
  const { token } = signAccessToken(tokenSettings(server.config), user, server.clock);
  return { token, user, email: user.email, password };
}
