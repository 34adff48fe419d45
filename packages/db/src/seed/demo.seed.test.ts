import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../passwords.ts';
import { useTestDatabase } from '../../testing/index.ts';
import { DEMO_CODE_CHARSET, DEMO_LOGINS, demoCodes, seedDemoData } from './index.ts';

const t = useTestDatabase({ poolSize: 4 });

async function counts() {
  const { prisma } = t.db;
  return {
    users: await prisma.user.count(),
    books: await prisma.book.count(),
    coupons: await prisma.coupon.count(),
    pools: await prisma.pool.count(),
    poolMembers: await prisma.poolMember.count(),
    events: await prisma.couponEvent.count(),
  };
}

describe('seedDemoData', () => {
  it('creates the demo once; a second run adds nothing', async () => {
    const first = await seedDemoData(t.db);
    expect(first).toEqual({ usersCreated: 4, booksCreated: 2, couponsCreated: 250, poolMembersAdded: 3 });
    const afterFirst = await counts();
    expect(afterFirst).toEqual({ users: 4, books: 2, coupons: 250, pools: 1, poolMembers: 3, events: 2 });

    const second = await seedDemoData(t.db);
    expect(second).toEqual({ usersCreated: 0, booksCreated: 0, couponsCreated: 0, poolMembersAdded: 0 });
    expect(await counts()).toEqual(afterFirst);
  });

  it('demo logins work with the shared argon2id parameters', async () => {
    for (const login of DEMO_LOGINS) {
      const user = await t.db.prisma.user.findUniqueOrThrow({ where: { email: login.email } });
      expect(user.role).toBe(login.role);
      expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(await verifyPassword(user.passwordHash ?? '', login.password)).toBe(true);
    }
  });

  it('books carry the demo settings and codes from the typeable charset', async () => {
    const welcome = await t.db.prisma.book.findFirstOrThrow({ where: { name: 'Welcome 10% off' }, include: { _count: { select: { coupons: true } } } });
    expect(welcome).toMatchObject({ discountType: 'PERCENTAGE', maxAssignmentsPerUser: 5, allowMultipleRedemptions: false });
    expect(welcome.discountValue.toString()).toBe('10');
    expect(welcome._count.coupons).toBe(200);

    const coffee = await t.db.prisma.book.findFirstOrThrow({ where: { name: 'Coffee card' }, include: { _count: { select: { coupons: true } } } });
    expect(coffee).toMatchObject({ discountType: 'FIXED_AMOUNT', allowMultipleRedemptions: true, maxRedemptionsPerUser: 3 });
    expect(coffee.discountValue.toString()).toBe('2.5');
    expect(coffee._count.coupons).toBe(50);

    const codes = await t.db.prisma.coupon.findMany({ select: { code: true, state: true } });
    const charset = new RegExp(`^[${DEMO_CODE_CHARSET}]+$`);
    for (const { code, state } of codes) {
      expect(code).toMatch(charset);
      expect(state).toBe('UNASSIGNED');
    }

    const pool = await t.db.prisma.pool.findFirstOrThrow({ where: { name: 'Early adopters' }, include: { members: { include: { user: true } } } });
    expect(pool.members.map((m) => m.user.email).sort()).toEqual(['alice@example.com', 'bob@example.com', 'carol@example.com']);
  });

  it('derives the same distinct codes every time', () => {
    const codes = demoCodes('some-book', 500);
    expect(new Set(codes).size).toBe(500);
    expect(demoCodes('some-book', 500)).toEqual(codes);
    expect(demoCodes('another-book', 5)).not.toEqual(codes.slice(0, 5));
  });
});
