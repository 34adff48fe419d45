import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@coupons/db/testing';
import { describe, expect, it, vi } from 'vitest';
import type { Role } from '../shared/context.ts';
import type { VerifiedToken } from './token.service.ts';
import { loadSessionCaller } from './user-session.service.ts';

// The session reads of requests that arrive together are one query (user-session.service.ts,
// sessionRows). Batched or not, each request must get its own user's stored state as of after it
// arrived: the role from the row, a revoked, disabled or deleted account refused.

const t = useTestDatabase();
const ctx = () => ({ db: t.db });

async function user(role: Role, extra: { disabledAt?: Date } = {}) {
  const row = await t.db.prisma.user.create({
    data: { email: `session-${randomUUID()}@example.test`, passwordHash: 'not-used-here', role, ...extra },
  });
  return { userId: row.id, email: row.email ?? undefined, role, tokenVersion: row.tokenVersion } satisfies VerifiedToken;
}

/** How many session queries `work` sent. */
async function sessionQueries(work: () => Promise<unknown>): Promise<number> {
  const query = vi.spyOn(t.db.pool, 'query');
  try {
    await work();
    return query.mock.calls.filter(([config]) => (config as { name?: string })?.name?.startsWith('cbs_session_callers_')).length;
  } finally {
    query.mockRestore();
  }
}

describe('session reads of requests that arrive together', () => {
  it('are one query, and each request gets its own answer', async () => {
    const shopper = await user('USER');
    const admin = await user('ADMIN');
    const revoked = await user('USER');
    await t.db.prisma.user.update({ where: { id: revoked.userId }, data: { tokenVersion: { increment: 1 } } });
    const disabled = await user('USER', { disabledAt: new Date() });
    const deleted = { ...shopper, userId: randomUUID() };
    // The token says USER, the row says ADMIN now: the row wins.
    const promoted = { ...(await user('ADMIN')), role: 'USER' as Role };

    let answers: PromiseSettledResult<unknown>[] = [];
    const queries = await sessionQueries(async () => {
      answers = await Promise.allSettled(
        [shopper, admin, revoked, disabled, deleted, promoted, shopper].map((token) => loadSessionCaller(ctx(), token)),
      );
    });

    expect(queries).toBe(1);
    const outcome = (answer: PromiseSettledResult<unknown>) =>
      answer.status === 'fulfilled' ? (answer.value as { role: Role }).role : (answer.reason as { code?: string }).code;
    expect(answers.map(outcome)).toEqual(['USER', 'ADMIN', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'ADMIN', 'USER']);
    expect(answers[0]).toMatchObject({ value: { userId: shopper.userId, email: shopper.email } });
  });

  it('see a revocation or a demotion committed before they arrive', async () => {
    const shopper = await user('USER');
    const admin = await user('ADMIN');
    await expect(loadSessionCaller(ctx(), shopper)).resolves.toMatchObject({ role: 'USER' });
    await t.db.prisma.user.update({ where: { id: shopper.userId }, data: { tokenVersion: { increment: 1 } } });
    await t.db.prisma.user.update({ where: { id: admin.userId }, data: { role: 'USER' } });
    const [refused, demoted] = await Promise.allSettled([loadSessionCaller(ctx(), shopper), loadSessionCaller(ctx(), admin)]);
    expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'UNAUTHENTICATED' } });
    expect(demoted).toMatchObject({ status: 'fulfilled', value: { role: 'USER' } });
  });

  it('fail together when the database cannot answer, as each would have alone', async () => {
    const shopper = await user('USER');
    const admin = await user('ADMIN');
    const query = vi.spyOn(t.db.pool, 'query').mockRejectedValueOnce(new Error('connection terminated') as never);
    try {
      const answers = await Promise.allSettled([loadSessionCaller(ctx(), shopper), loadSessionCaller(ctx(), admin)]);
      expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
    } finally {
      query.mockRestore();
    }
    await expect(loadSessionCaller(ctx(), shopper)).resolves.toMatchObject({ role: 'USER' });
  });
});
