import { describe, expect, it } from 'vitest';
import { createTestDatabase, useTestDatabase } from './index.ts';

describe('createTestDatabase (through useTestDatabase)', () => {
  const first = useTestDatabase();
  const second = useTestDatabase();

  it('gives each caller its own migrated, empty database', async () => {
    expect(first.url).not.toBe(second.url);
    await first.db.prisma.pool.create({ data: { name: 'only in the first' } });
    expect(await first.db.prisma.pool.count()).toBe(1);
    expect(await second.db.prisma.pool.count()).toBe(0);
    const migrations = await second.db.pool.query('SELECT count(*)::int AS n FROM _prisma_migrations');
    expect(migrations.rows[0].n).toBeGreaterThanOrEqual(2);
  });

  it('drop() removes the database', async () => {
    const extra = await createTestDatabase();
    const name = new URL(extra.url).pathname.slice(1);
    await extra.drop();
    const { rows } = await first.db.pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    expect(rows).toHaveLength(0);
  });
});
