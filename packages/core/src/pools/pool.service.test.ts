import { describe, expect, it } from 'vitest';
import { contextFor, createUser, useServiceTest } from '../../testing/index.ts';
import { addPoolMembers, countPoolMembers, listPoolMembers, removePoolMembers } from './pool-member.service.ts';
import { createPool, getPool, listPools } from './pool.service.ts';

const t = useServiceTest();

const codeOf = (p: Promise<unknown>) => p.then(() => 'OK', (e) => e.code);

describe('pools', () => {
  it('creates, reads and lists pools newest first with keyset pages', async () => {
    const ctx = contextFor(t.db, t.admin);
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await createPool(ctx, { name: ` Pool ${i} `, description: i === 0 ? 'first' : null }));
    expect(created[0]).toMatchObject({ name: 'Pool 0', description: 'first' });
    expect(await getPool(ctx, created[1].id)).toEqual(created[1]);
    // Newest first, ties within one millisecond broken by id: the list's documented order.
    const expected = [...created]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((p) => p.name);
    const page1 = await listPools(ctx, { first: 2 });
    expect(page1.items.map((p) => p.name)).toEqual(expected.slice(0, 2));
    expect(page1.totalCount).toBeGreaterThanOrEqual(3);
    const page2 = await listPools(ctx, { first: 2, after: page1.cursors[1] });
    expect(page2.items[0].name).toBe(expected[2]);
  });

  it('errors: FORBIDDEN for a USER, BAD_USER_INPUT naming the field, null/NOT_FOUND for unknown ids', async () => {
    const ctx = contextFor(t.db, t.admin);
    expect(await codeOf(createPool(contextFor(t.db, t.user), { name: 'x' }))).toBe('FORBIDDEN');
    expect(await codeOf(listPools(contextFor(t.db, t.user), {}))).toBe('FORBIDDEN');
    const bad = await createPool(ctx, { name: '  ' }).catch((e) => e);
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'name' } });
    expect(await getPool(ctx, '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await codeOf(addPoolMembers(ctx, { poolId: '00000000-0000-4000-8000-000000000000', userIds: [t.user.userId] }))).toBe('NOT_FOUND');
  });
});

describe('pool members', () => {
  it('adds by id and email (case-insensitive), reports unknown emails, is idempotent, removes', async () => {
    const ctx = contextFor(t.db, t.admin);
    const pool = await createPool(ctx, { name: 'Members' });
    const [a, b, c] = await Promise.all([createUser(t.db), createUser(t.db), createUser(t.db)]);
    const added = await addPoolMembers(ctx, {
      poolId: pool.id,
      userIds: [a.userId],
      emails: [b.email!.toUpperCase(), ' nobody@example.com ', c.email!],
    });
    expect(added.pool).toEqual(pool);
    expect(added.unknownEmails).toEqual(['nobody@example.com']);
    await addPoolMembers(ctx, { poolId: pool.id, userIds: [a.userId, b.userId] });
    expect(await countPoolMembers(ctx, [pool.id])).toEqual([3]);
    const page = await listPoolMembers(ctx, pool.id, { first: 2 });
    expect(page.totalCount).toBe(3);
    expect(page.items).toHaveLength(2);
    const rest = await listPoolMembers(ctx, pool.id, { after: page.cursors[1] });
    expect(new Set([...page.items, ...rest.items].map((u) => u.id))).toEqual(new Set([a.userId, b.userId, c.userId]));
    await removePoolMembers(ctx, { poolId: pool.id, userIds: [a.userId, t.user.userId] });
    expect(await countPoolMembers(ctx, [pool.id, '00000000-0000-4000-8000-000000000000'])).toEqual([2, 0]);
  });

  it('an unknown user id is NOT_FOUND and adds nobody', async () => {
    const ctx = contextFor(t.db, t.admin);
    const pool = await createPool(ctx, { name: 'Strict' });
    const error = await addPoolMembers(ctx, {
      poolId: pool.id,
      userIds: [t.user.userId, '00000000-0000-4000-8000-000000000001'],
    }).catch((e) => e);
    expect(error.code).toBe('NOT_FOUND');
    expect(await countPoolMembers(ctx, [pool.id])).toEqual([0]);
    expect(await codeOf(addPoolMembers(ctx, { poolId: pool.id, userIds: ['nope'] }))).toBe('BAD_USER_INPUT');
  });
});
