import { useTestDatabase } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import { translateDatabaseError } from './errors.ts';

// Prisma's P2028 on a real database: an interactive transaction that cannot get a connection
// within its maxWait, because every connection of the pool is busy. A request that meets it did
// not fail for what it asked: SERVICE_UNAVAILABLE (retryable), never INTERNAL_SERVER_ERROR.

const t = useTestDatabase({ poolSize: 2 });

describe('an interactive transaction that cannot start in time', () => {
  it('is SERVICE_UNAVAILABLE', async () => {
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holders = Array.from({ length: 2 }, () => t.db.prisma.$transaction(() => released, { timeout: 10_000 }));
    const error = await t.db.prisma.$transaction(async () => undefined, { maxWait: 100 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    release();
    await Promise.all(holders);
    expect(error).toMatchObject({ code: 'P2028' });
    expect(translateDatabaseError(error)?.code).toBe('SERVICE_UNAVAILABLE');
  });
});
