import { describe, expect, it } from 'vitest';
import { type ApiUser, call, checkoutAs, createCampaign, createUsers, graphqlRequest, OPS, useApiTest } from '../../testing/index.ts';

// Book.redemptionsOverTime over HTTP on a real database: redemptions land in the bucket of their
// time (the server's clock), a reversal is counted in the bucket of the redemption it reverses,
// every bucket of the range is there (zeros included), the range is half-open, too many buckets
// and an empty range are refused with BAD_USER_INPUT, and only admins (and ADMIN keys) may ask.

const t = useApiTest();
const MINUTE = 60_000;
const OVER_TIME = `query ($id: ID!, $from: DateTime, $to: DateTime, $bucket: TimeBucket) {
  book(id: $id) { redemptionsOverTime(from: $from, to: $to, bucket: $bucket) { at redemptions reversals } } }`;

const iso = (ms: number) => new Date(ms).toISOString();

async function overTime(bookId: string, variables: { from?: string; to?: string; bucket?: string }, token = t.admin.token) {
  return graphqlRequest<{ book: { redemptionsOverTime: Array<{ at: string; redemptions: number; reversals: number }> } }>(
    t.server,
    OVER_TIME,
    { id: bookId, ...variables },
    token,
  );
}

/** A shopper claims, locks and redeems one coupon of the book now (server clock); returns the redemption id. */
async function redeemOne(bookId: string, shopper: ApiUser): Promise<string> {
  return (await checkoutAs(t.server, shopper, bookId, 'redeem')).redemptionId!;
}

describe('Book.redemptionsOverTime', () => {
  it('counts redemptions per minute, with reversals in the bucket of the redemption, and zeros for quiet minutes', async () => {
    // The next whole minute + 10 s: the test's redemptions then fall in known minutes.
    const minute = Math.ceil(t.server.clock.now().getTime() / MINUTE) * MINUTE;
    t.server.clock.set(minute + 10_000);
    const book = await createCampaign(t.server, t.admin, 5);
    const [a, b, c] = await createUsers(t.server, 3);
    await redeemOne(book.bookId, a as ApiUser);
    t.server.clock.advance({ minutes: 1 });
    const reversed = await redeemOne(book.bookId, b as ApiUser);
    t.server.clock.advance({ seconds: 20 });
    await redeemOne(book.bookId, c as ApiUser);
    expect((await call(t.server, OPS.reverse, { id: reversed, reason: 'refund' }, t.admin.token)).ok).toBe(true);

    const res = await overTime(book.bookId, { from: iso(minute - MINUTE), to: iso(minute + 3 * MINUTE), bucket: 'MINUTE' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.book.redemptionsOverTime).toEqual([
      { at: iso(minute - MINUTE), redemptions: 0, reversals: 0 },
      { at: iso(minute), redemptions: 1, reversals: 0 },
      { at: iso(minute + MINUTE), redemptions: 2, reversals: 1 },
      { at: iso(minute + 2 * MINUTE), redemptions: 0, reversals: 0 },
    ]);

    // [from, to) is half-open and cuts the edge buckets: from 30 s into the first minute leaves
    // its redemption out; `to` at the second redemption's instant leaves that one out.
    const cut = await overTime(book.bookId, { from: iso(minute + 30_000), to: iso(minute + MINUTE + 10_000), bucket: 'MINUTE' });
    expect(cut.data?.book.redemptionsOverTime).toEqual([
      { at: iso(minute), redemptions: 0, reversals: 0 },
      { at: iso(minute + MINUTE), redemptions: 0, reversals: 0 },
    ]);

    // The same redemptions in one hour bucket (UTC boundaries), and by default the last 24 hours.
    const hour = Math.floor(minute / 3_600_000) * 3_600_000;
    const hourly = await overTime(book.bookId, { from: iso(minute - MINUTE), to: iso(minute + 3 * MINUTE), bucket: 'HOUR' });
    const inHours = hourly.data?.book.redemptionsOverTime ?? [];
    expect(inHours.reduce((sum, bucket) => sum + bucket.redemptions, 0)).toBe(3);
    expect(inHours[0]?.at).toBe(iso(minute - MINUTE < hour ? hour - 3_600_000 : hour));
    const byDefault = await overTime(book.bookId, {});
    const buckets = byDefault.data?.book.redemptionsOverTime ?? [];
    expect(buckets).toHaveLength(24);
    expect(buckets.at(-1)?.at).toBe(iso(Math.floor(t.server.clock.now().getTime() / 3_600_000) * 3_600_000));
    expect(buckets.reduce((sum, bucket) => sum + bucket.redemptions, 0)).toBe(3);
  });

  it('a new book has every bucket, all zero; DAY and WEEK buckets start at UTC midnight (weeks on Monday)', async () => {
    const book = await createCampaign(t.server, t.admin, 0);
    const days = await overTime(book.bookId, { from: '2026-03-01T12:00:00.000Z', to: '2026-03-04T00:00:00.000Z', bucket: 'DAY' });
    expect(days.data?.book.redemptionsOverTime).toEqual(
      ['2026-03-01', '2026-03-02', '2026-03-03'].map((day) => ({ at: `${day}T00:00:00.000Z`, redemptions: 0, reversals: 0 })),
    );
    // 2026-03-04 is a Wednesday: its week starts on Monday 2026-03-02.
    const weeks = await overTime(book.bookId, { from: '2026-03-04T00:00:00.000Z', to: '2026-03-10T00:00:00.000Z', bucket: 'WEEK' });
    expect(weeks.data?.book.redemptionsOverTime.map((w) => w.at)).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z']);
  });

  it('refuses more than 1000 buckets and an empty range with BAD_USER_INPUT, before reading anything', async () => {
    const book = await createCampaign(t.server, t.admin, 0);
    const tooMany = await overTime(book.bookId, { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:01.000Z', bucket: 'MINUTE' });
    expect(tooMany.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'bucket' } });
    expect(tooMany.errors?.[0]?.message).toMatch(/more than 1000 buckets/);
    // Exactly 1000 is fine.
    const most = await overTime(book.bookId, { from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T16:40:00.000Z', bucket: 'MINUTE' });
    expect(most.data?.book.redemptionsOverTime).toHaveLength(1000);
    const backwards = await overTime(book.bookId, { from: '2026-01-02T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z', bucket: 'DAY' });
    expect(backwards.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'to' } });
  });

  it('is for admins and ADMIN keys: a USER and a COUPONS_READ key hear FORBIDDEN', async () => {
    const book = await createCampaign(t.server, t.admin, 0);
    const asUser = await overTime(book.bookId, { bucket: 'DAY' }, t.user.token);
    expect(asUser.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const CREATE_KEY = 'mutation ($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }';
    const key = async (scope: string) =>
      (await graphqlRequest(t.server, CREATE_KEY, { i: { name: `chart ${scope}`, scopes: [scope] } }, t.admin.token)).data?.createApiKey.secret as string;
    expect((await overTime(book.bookId, { bucket: 'DAY' }, await key('COUPONS_READ'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const asAdminKey = await overTime(book.bookId, { bucket: 'DAY' }, await key('ADMIN'));
    expect(asAdminKey.errors).toBeUndefined();
    expect(asAdminKey.data?.book.redemptionsOverTime).toHaveLength(24);
  });
});

describe('Book.claimsOverTime', () => {
  const CLAIMS = `query ($id: ID!, $from: DateTime, $to: DateTime, $bucket: TimeBucket) {
    book(id: $id) { claimsOverTime(from: $from, to: $to, bucket: $bucket) { at claims } } }`;
  const claimsOver = (bookId: string, variables: { from?: string; to?: string; bucket?: string }, token = t.admin.token) =>
    graphqlRequest<{ book: { claimsOverTime: Array<{ at: string; claims: number }> } }>(t.server, CLAIMS, { id: bookId, ...variables }, token);

  it('counts claims and admin assignments per bucket by when they were made; an unassigned claim leaves its bucket; a redeemed one stays', async () => {
    const minute = Math.ceil(t.server.clock.now().getTime() / MINUTE) * MINUTE;
    t.server.clock.set(minute + 5_000);
    const book = await createCampaign(t.server, t.admin, 6);
    const [a, b, c, d] = await createUsers(t.server, 4);
    await redeemOne(book.bookId, a as ApiUser);
    t.server.clock.advance({ minutes: 2 });
    const claimedByB = await call(t.server, OPS.assignRandom, { bookId: book.bookId }, (b as ApiUser).token);
    // An admin's assignment to a user is a claim too.
    const byAdmin = await call(t.server, OPS.assignRandom, { bookId: book.bookId, userId: (c as ApiUser).id }, t.admin.token);
    const undone = await call(t.server, OPS.assignRandom, { bookId: book.bookId }, (d as ApiUser).token);
    if (!claimedByB.ok || !byAdmin.ok || !undone.ok) throw new Error('claims failed');
    const unassign = await graphqlRequest(t.server, 'mutation ($code: String!) { unassignCoupon(code: $code, reason: "test") { code } }', { code: undone.data.code }, t.admin.token);
    expect(unassign.errors).toBeUndefined();

    const res = await claimsOver(book.bookId, { from: iso(minute), to: iso(minute + 3 * MINUTE), bucket: 'MINUTE' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.book.claimsOverTime).toEqual([
      { at: iso(minute), claims: 1 },
      { at: iso(minute + MINUTE), claims: 0 },
      { at: iso(minute + 2 * MINUTE), claims: 2 },
    ]);
    // By default: the last 24 hours, ending with the current one, and the same three claims.
    const byDefault = (await claimsOver(book.bookId, {})).data?.book.claimsOverTime ?? [];
    expect(byDefault).toHaveLength(24);
    expect(byDefault.reduce((sum, bucket) => sum + bucket.claims, 0)).toBe(3);
  });

  it('a new book answers every bucket with zero claims; too many buckets is BAD_USER_INPUT; a USER hears FORBIDDEN', async () => {
    const book = await createCampaign(t.server, t.admin, 3);
    const days = await claimsOver(book.bookId, { from: '2026-03-01T12:00:00.000Z', to: '2026-03-04T00:00:00.000Z', bucket: 'DAY' });
    expect(days.data?.book.claimsOverTime).toEqual(['2026-03-01', '2026-03-02', '2026-03-03'].map((day) => ({ at: `${day}T00:00:00.000Z`, claims: 0 })));
    const tooMany = await claimsOver(book.bookId, { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:01.000Z', bucket: 'MINUTE' });
    expect(tooMany.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'bucket' } });
    const asUser = await claimsOver(book.bookId, { bucket: 'DAY' }, t.user.token);
    expect(asUser.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
