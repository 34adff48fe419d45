import { Prisma, type PrismaClient } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createUser, useServiceTest } from '../../testing/index.ts';
import { createApiKey, listApiKeyPage } from '../../src/apikeys/api-key.service.ts';
import { listAuditLog } from '../../src/audit/audit.service.ts';
import { deleteBook, pauseBook } from '../../src/books/book-status.service.ts';
import { listBooks } from '../../src/books/book.service.ts';
import { assignRandomCoupon, listMyCoupons, listRedemptions, lockCoupon, redeemCoupon, searchCoupons } from '../../src/coupons/index.ts';
import { addPoolMembers, listPoolMembers } from '../../src/pools/pool-member.service.ts';
import { createPool, listPools } from '../../src/pools/pool.service.ts';
import type { ServiceContext } from '../../src/shared/context.ts';
import type { Page } from '../../src/shared/pagination.ts';
import { listUsers } from '../../src/users/user.service.ts';
import { createWebhookEndpoint, listWebhookDeliveries, listWebhookEndpoints, sendTestWebhook } from '../../src/webhooks/webhook.service.ts';
import type { WebhookSettings } from '../../src/webhooks/webhook.settings.ts';

// A list page answers edges, hasNextPage and totalCount; with a write committing while the page
// is read, all three must still be what one serial order gives: the list as it was before the
// write, or as it is after it. A page read in two statements (the rows, then count(*) beside
// them; or ids, then the rows by id) takes a snapshot per statement, and a write that commits
// between them shows in one and not the other: a claim counted but not listed, a deleted book
// whose look-ahead row slid into the page and turned hasNextPage false.
//
// The interleaving is forced, whatever the number of statements: the read's database client
// runs its first statement alone, and holds every later one until that has answered and the
// write has committed. A page read in one statement meets the write after it.

const t = useServiceTest({ poolSize: 10 });
const admin = () => contextFor(t.db, t.admin);
const webhookSettings = { policy: { strict: false, allowedHosts: [] } } as unknown as WebhookSettings;
const createEndpoint = () => createWebhookEndpoint(admin(), webhookSettings, { url: 'https://hooks.example/coupons', events: ['CREATED_BULK'] });

/**
 * `ctx` with a client whose first statement runs alone and whose later statements wait for it
 * and for `write`; `written` settles when the write has committed (it runs exactly once).
 */
function writeAfterFirstStatement(ctx: ServiceContext, write: () => Promise<unknown>): { racing: ServiceContext; written: Promise<void> } {
  let release!: () => void;
  const written = new Promise<void>((resolve) => {
    release = resolve;
  });
  let first: Promise<unknown> | null = null;
  const prisma = t.db.prisma.$extends({
    query: {
      $allOperations({ args, query }) {
        if (first) return written.then(() => query(args));
        first = query(args);
        void first.catch(() => {}).then(write).then(release);
        return first;
      },
    },
  }) as unknown as PrismaClient;
  return { racing: { ...ctx, db: { ...ctx.db, prisma } }, written };
}

/** What a client sees of a page. */
const view = <T extends { id: string }>(page: Page<T>) => ({ ids: page.items.map((item) => item.id), hasNextPage: page.hasNextPage, totalCount: page.totalCount });

/** Reads `list` before, during and after `write`: the racing page must be the one before or the one after. */
async function expectSerial<T extends { id: string }>(list: (ctx: ServiceContext) => Promise<Page<T>>, ctx: ServiceContext, write: () => Promise<unknown>) {
  const before = view(await list(ctx));
  const { racing, written } = writeAfterFirstStatement(ctx, write);
  const during = view(await list(racing));
  await written;
  const after = view(await list(ctx));
  expect(after, 'the write changes the page').not.toEqual(before);
  expect([before, after]).toContainEqual(during);
  return { before, during, after };
}

/** A shopper holding `held` coupons of a new book of 10, `redeemed` of them redeemed. */
async function shopperWithCoupons(held: number, redeemed = 0) {
  const { bookId } = await createBook(t.db, 10);
  const shopper = contextFor(t.db, await createUser(t.db));
  for (let i = 0; i < held; i++) {
    const { code } = await assignRandomCoupon(shopper, { bookId });
    if (i < redeemed) await redeemOne(shopper, code);
  }
  return { bookId, shopper };
}

async function redeemOne(shopper: ServiceContext, code: string) {
  await lockCoupon(shopper, { code });
  await redeemCoupon(shopper, { code });
}

describe('totalCount, hasNextPage and the edges of one page come from one snapshot', () => {
  it('myCoupons: a claim committing mid-read is listed and counted, or neither', async () => {
    const { bookId, shopper } = await shopperWithCoupons(2);
    const { during } = await expectSerial((ctx) => listMyCoupons(ctx, { first: 20 }), shopper, () => assignRandomCoupon(contextFor(t.db, shopper.caller), { bookId }));
    expect(during.totalCount).toBe(during.ids.length);
  });

  it('coupons (admin search, through the read-replica path): likewise', async () => {
    const { bookId, shopper } = await shopperWithCoupons(2);
    const userId = shopper.caller?.userId as string;
    await expectSerial((ctx) => searchCoupons(ctx, { userId, first: 20 }), admin(), () => assignRandomCoupon(contextFor(t.db, shopper.caller), { bookId }));
  });

  it('redemptions: a redeem committing mid-read', async () => {
    const { bookId, shopper } = await shopperWithCoupons(1, 1);
    const { code } = await assignRandomCoupon(shopper, { bookId });
    await expectSerial((ctx) => listRedemptions(ctx, { first: 20 }), shopper, () => redeemOne(contextFor(t.db, shopper.caller), code));
  });

  const CASES: Array<{ list: string; run: () => Promise<unknown> }> = [
    {
      list: 'books: a book created mid-read',
      run: async () => {
        for (let i = 0; i < 3; i++) await createBook(t.db, 0);
        await expectSerial((ctx) => listBooks(ctx, { first: 2 }), admin(), () => createBook(t.db, 0));
      },
    },
    {
      list: 'users: a user created mid-read',
      run: () => expectSerial((ctx) => listUsers(ctx, { first: 100 }), admin(), () => createUser(t.db)),
    },
    {
      list: 'pools: a pool created mid-read',
      run: async () => {
        for (let i = 0; i < 3; i++) await createPool(admin(), { name: `pool ${i}` });
        await expectSerial((ctx) => listPools(ctx, { first: 2 }), admin(), () => createPool(admin(), { name: 'the racing pool' }));
      },
    },
    {
      list: "a pool's members: a member added mid-read",
      run: async () => {
        const pool = await createPool(admin(), { name: 'members' });
        await addPoolMembers(admin(), { poolId: pool.id, userIds: [(await createUser(t.db)).userId] });
        const joining = await createUser(t.db);
        await expectSerial((ctx) => listPoolMembers(ctx, pool.id, { first: 20 }), admin(), () => addPoolMembers(admin(), { poolId: pool.id, userIds: [joining.userId] }));
      },
    },
    {
      list: 'auditLog: an audited change mid-read',
      run: async () => {
        const { bookId } = await createBook(t.db, 0);
        await pauseBook(admin(), (await createBook(t.db, 0)).bookId);
        await expectSerial((ctx) => listAuditLog(ctx, {}, { first: 2 }), admin(), () => pauseBook(admin(), bookId));
      },
    },
    {
      list: 'apiKeysConnection: a key created mid-read',
      run: async () => {
        for (let i = 0; i < 3; i++) await createApiKey(admin(), { name: `key ${i}`, scopes: ['COUPONS_READ'] });
        await expectSerial((ctx) => listApiKeyPage(ctx, { first: 2 }), admin(), () => createApiKey(admin(), { name: 'racing key', scopes: ['COUPONS_READ'] }));
      },
    },
    {
      list: 'webhookEndpoints: an endpoint created mid-read',
      run: async () => {
        for (let i = 0; i < 2; i++) await createEndpoint();
        await expectSerial((ctx) => listWebhookEndpoints(ctx, { first: 20 }), admin(), createEndpoint);
      },
    },
    {
      list: 'webhookDeliveries: a delivery queued mid-read',
      run: async () => {
        const { endpoint } = await createEndpoint();
        await sendTestWebhook(admin(), endpoint.id);
        await expectSerial((ctx) => listWebhookDeliveries(ctx, { endpointId: endpoint.id, first: 20 }), admin(), () => sendTestWebhook(admin(), endpoint.id));
      },
    },
  ];
  for (const { list, run } of CASES) it(list, run);
});

describe('books: a book deleted while a page is read', () => {
  /** `n` deletable books (never assigned), oldest first, named to be found alone by `search`. */
  async function books(n: number, search: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const { bookId } = await createBook(t.db, 0);
      // Distinct creation times, in this order: the list's keyset is (created_at, id).
      await t.db.prisma.$executeRaw(Prisma.sql`
        UPDATE book SET name = ${`${search} ${i}`}, created_at = now() + ${i} * interval '1 second' WHERE id = ${bookId}::uuid`);
      ids.push(bookId);
    }
    return ids;
  }

  it('does not end the list early: hasNextPage holds and the cursors reach every book that was never deleted', async () => {
    const search = 'delete-race-pages';
    const ids = await books(4, search);
    const newest = ids[3];
    const { during } = await expectSerial((ctx) => listBooks(ctx, { search, first: 2 }), admin(), () => deleteBook(admin(), newest));
    expect(during.hasNextPage).toBe(true);

    // Page 1 again while the next book is deleted, then follow the cursors as a client does.
    const { racing } = writeAfterFirstStatement(admin(), () => deleteBook(admin(), ids[2]));
    let page = await listBooks(racing, { search, first: 2 });
    const seen = page.items.map((book) => book.id);
    while (page.hasNextPage) {
      page = await listBooks(admin(), { search, first: 2, after: page.cursors.at(-1) });
      seen.push(...page.items.map((book) => book.id));
    }
    expect(seen).toEqual(expect.arrayContaining([ids[1], ids[0]]));
    expect(seen.filter((id) => id === ids[0] || id === ids[1])).toEqual([ids[1], ids[0]]);
  });

  it('a page of one says hasNextPage while an older book follows it', async () => {
    const search = 'delete-race-one';
    const ids = await books(3, search);
    const { racing, written } = writeAfterFirstStatement(admin(), () => deleteBook(admin(), ids[2]));
    const page = await listBooks(racing, { search, first: 1 });
    await written;
    expect(page.items).toHaveLength(1);
    expect(page.hasNextPage).toBe(true);
    expect(page.totalCount).toBe(page.items[0].id === ids[2] ? 3 : 2);
  });
});
