import argon2 from 'argon2';
import { useTestDatabase } from '@coupons/db/testing';
import { describe, expect, it, vi } from 'vitest';
import { generousSignInLimits, serviceAnswer, TEST_TOKEN_SETTINGS } from '../../testing/index.ts';
import type { ServiceContext } from '../shared/context.ts';
import { type AuthSettings, login, register } from './auth.service.ts';

const settings: AuthSettings = { tokens: TEST_TOKEN_SETTINGS, signInLimits: generousSignInLimits(100) };
const t = useTestDatabase();
const ctx = (): ServiceContext => ({ db: t.db, caller: null, clock: { now: () => new Date() } });

describe('auth service', () => {
  it('stores an argon2id hash, never the password', async () => {
    const { user } = await register(ctx(), { email: 'hash@example.test', password: 'password123' }, settings);
    const row = await t.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.passwordHash).not.toContain('password123');
  });

  it('upgrades a hash made with weaker parameters at the next login', async () => {
    const weak = await argon2.hash('password123', { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await t.db.prisma.user.create({ data: { email: 'old@example.test', passwordHash: weak } });
    await login(ctx(), { email: 'old@example.test', password: 'password123' }, settings);
    const row = await t.db.prisma.user.findUniqueOrThrow({ where: { email: 'old@example.test' } });
    expect(row.passwordHash).toMatch(/m=19456,t=2,p=1/);
    await login(ctx(), { email: 'old@example.test', password: 'password123' }, settings);
  });

  it('verifies against a dummy argon2id hash when the email is unknown (no timing oracle)', async () => {
    await register(ctx(), { email: 'timing@example.test', password: 'password123' }, settings);
    const verify = vi.spyOn(argon2, 'verify');
    try {
      await expect(login(ctx(), { email: 'nobody@example.test', password: 'password123' }, settings)).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
      await expect(login(ctx(), { email: 'timing@example.test', password: 'wrong-password' }, settings)).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
      // One full argon2id verification each, against a hash with the real parameters.
      expect(verify).toHaveBeenCalledTimes(2);
      expect(verify.mock.calls[0][0]).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    } finally {
      verify.mockRestore();
    }
  });
});

describe('registrations racing for one email', () => {
  it('8 at once (each its own password): exactly one wins, the others hear "already registered", and only the winner’s password signs in', async () => {
    const email = `race-${Date.now()}@example.test`;
    const passwords = Array.from({ length: 8 }, (_, i) => `password-${i}-of-the-race`);
    const answers = await Promise.all(passwords.map((password) => serviceAnswer(register(ctx(), { email, password }, settings))));

    const winners = answers.flatMap((a, i) => (a.ok ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const a of answers.filter((a) => !a.ok)) expect(a).toMatchObject({ ok: false, code: 'BAD_USER_INPUT', message: 'email: is already registered' });
    expect(await t.db.prisma.user.count({ where: { email } })).toBe(1);
    const winner = passwords[winners[0] ?? -1] ?? '';
    const loser = passwords.find((p) => p !== winner) ?? '';
    await expect(login(ctx(), { email, password: winner }, settings)).resolves.toMatchObject({ user: { email } });
    await expect(login(ctx(), { email, password: loser }, settings)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
