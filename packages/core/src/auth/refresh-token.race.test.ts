import { describe, expect, it } from 'vitest';
import { createTestClock, TEST_TOKEN_SETTINGS, useServiceTest } from '../../testing/index.ts';
import type { ServiceContext } from '../shared/context.ts';
import { logout, refreshSession, type SessionSettings, startRefreshFamily } from './refresh-token.service.ts';

// The spend is one guarded UPDATE: however many requests present one refresh token at once,
// exactly one gets a successor, and every other one counts as reuse and ends the family —
// including the winner's successor. A check-then-write would let several win.

const settings: SessionSettings = { tokens: TEST_TOKEN_SETTINGS, refreshTokens: { ttlDays: 14 } };
const t = useServiceTest();
const clock = createTestClock();
const ctx = (): ServiceContext => ({ db: t.db, caller: null, clock });

async function liveTokens(userId: string): Promise<number> {
  return t.db.prisma.refreshToken.count({ where: { userId, usedAt: null, revokedAt: null } });
}

describe('refresh-token races', () => {
  it('N concurrent refreshes of one token: one winner, the family ends', async () => {
    for (const racers of [2, 5, 12]) {
      const { token } = await startRefreshFamily(ctx(), { id: t.user.userId, tokenVersion: 0 }, settings.refreshTokens);
      const outcomes = await Promise.allSettled(Array.from({ length: racers }, () => refreshSession(ctx(), token, settings)));
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      expect(won, `${racers} racers`).toHaveLength(1);
      for (const lost of outcomes.filter((o) => o.status === 'rejected')) {
        expect((lost as PromiseRejectedResult).reason).toMatchObject({ code: 'UNAUTHENTICATED' });
      }
      expect(await liveTokens(t.user.userId), `${racers} racers`).toBe(0);
      await t.db.prisma.refreshToken.deleteMany({ where: { userId: t.user.userId } });
    }
  });

  it('a refresh racing a logout: the family ends either way', async () => {
    for (let round = 0; round < 10; round++) {
      const { token } = await startRefreshFamily(ctx(), { id: t.user.userId, tokenVersion: 0 }, settings.refreshTokens);
      const [refreshed] = await Promise.allSettled([refreshSession(ctx(), token, settings), logout(ctx(), token)]);
      // Whether the refresh ran first or second, its successor is revoked by the logout.
      if (refreshed.status === 'fulfilled') {
        await expect(refreshSession(ctx(), refreshed.value.refreshToken.token, settings)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      }
      expect(await liveTokens(t.user.userId), `round ${round}`).toBe(0);
      await t.db.prisma.refreshToken.deleteMany({ where: { userId: t.user.userId } });
    }
  });

  it('a version bump refuses a family started before it, and revokes it', async () => {
    const { token } = await startRefreshFamily(ctx(), { id: t.admin.userId, tokenVersion: 0 }, settings.refreshTokens);
    await t.db.prisma.user.update({ where: { id: t.admin.userId }, data: { tokenVersion: { increment: 1 } } });
    await expect(refreshSession(ctx(), token, settings)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await liveTokens(t.admin.userId)).toBe(0);
  });
});
