import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { call, createCampaign, OPS, useApiTest } from '../../testing/index.ts';
import { expectInvariants } from './book.snapshot.ts';

const t = useApiTest({ accounts: 'inserted' });

/** Polls until the server's sweeper has recorded LOCK_EXPIRED for `code` (at most 5 s). */
async function sweptAway(code: string): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 20) {
    const [row] = await t.server.db.prisma.$queryRaw<Array<{ state: string }>>(Prisma.sql`
      SELECT state::text FROM coupon WHERE code = ${code}`);
    if (row.state === 'ASSIGNED') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the sweeper did not expire ${code} within 5 s`);
}

describe('an expired lock answers the same whether or not the sweeper ran first', () => {
  it('redeem after expiry is LOCK_EXPIRED before and after the sweep; after an unlock it is INVALID_STATE', async () => {
    const { codes: [a, b] } = await createCampaign(t.server, t.admin, 2, { lockTtlSeconds: 60 });
    for (const code of [a, b]) {
      expect((await call(t.server, OPS.assignCode, { code }, t.user.token)).ok).toBe(true);
      expect((await call(t.server, OPS.lock, { code }, t.user.token)).ok).toBe(true);
    }
    t.server.clock.advance(60_000);
    // a: nobody has swept it yet (lazy expiry in SQL) — b: the sweeper has moved it to ASSIGNED.
    const lazily = await call(t.server, OPS.redeem, { code: a }, t.user.token);
    await sweptAway(b);
    const swept = await call(t.server, OPS.redeem, { code: b }, t.user.token);
    expect(lazily.ok ? 'ok' : lazily.code).toBe('LOCK_EXPIRED');
    expect(swept.ok ? 'ok' : swept.code).toBe('LOCK_EXPIRED');

    // Locked again and released by hand: "lock it first", not an expiry.
    expect((await call(t.server, OPS.lock, { code: b }, t.user.token)).ok).toBe(true);
    expect((await call(t.server, OPS.unlock, { code: b }, t.user.token)).ok).toBe(true);
    const unlocked = await call(t.server, OPS.redeem, { code: b }, t.user.token);
    expect(unlocked.ok ? 'ok' : unlocked.code).toBe('INVALID_STATE');
    await expectInvariants(t.server.db);
  });
});
