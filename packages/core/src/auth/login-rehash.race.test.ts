import { setTimeout as sleep } from 'node:timers/promises';
import { hashPassword, verifyPassword } from '@coupons/db';
import { useTestDatabase } from '@coupons/db/testing';
import argon2 from 'argon2';
import { describe, expect, it } from 'vitest';
import { generousSignInLimits, TEST_TOKEN_SETTINGS } from '../../testing/index.ts';
import type { ServiceContext } from '../shared/context.ts';
import { type AuthSettings, login } from './auth.service.ts';

// The login-time rehash is a read-modify-write of `password_hash`: read the row, verify, hash
// again (~100 ms of argon2), write. There is no password-change mutation yet, so the concurrent
// writer here is a direct UPDATE (what a reset or admin tool would do), fired at spread delays
// so some land inside that window. In every serial order the new password wins.

const settings: AuthSettings = { tokens: TEST_TOKEN_SETTINGS, signInLimits: generousSignInLimits(1000) };
const t = useTestDatabase();
const ctx = (): ServiceContext => ({ db: t.db, caller: null, clock: { now: () => new Date() } });

describe('login rehash under a concurrent password change', () => {
  it('never writes the old password back over a newer one', async () => {
    const newHash = await hashPassword('new-password');
    const overwritten: number[] = [];
    for (const delayMs of [0, 15, 30, 45, 60, 75, 90, 105, 120, 150]) {
      const email = `rehash-${delayMs}@example.test`;
      const weak = await argon2.hash('old-password', { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
      await t.db.prisma.user.create({ data: { email, passwordHash: weak } });
      await Promise.all([
        login(ctx(), { email, password: 'old-password' }, settings).catch(() => undefined),
        sleep(delayMs).then(() => t.db.prisma.user.update({ where: { email }, data: { passwordHash: newHash } })),
      ]);
      const row = await t.db.prisma.user.findUniqueOrThrow({ where: { email } });
      if (!(await verifyPassword(row.passwordHash ?? '', 'new-password'))) overwritten.push(delayMs);
    }
    expect(overwritten, 'delays (ms) at which the rehash overwrote the new password').toEqual([]);
  });
});
