import { describe, expect, it } from 'vitest';
import { connectGraphQLWs, graphqlRequest, useApiTest, waitFor } from '../../testing/index.ts';

// /metrics after real traffic: HTTP mutations, errors, a subscription over graphql-ws, a lock
// the sweeper expires. The unit tests (metrics.test.ts) cover each metric's mechanics; this one
// proves the server's code paths feed them.

const t = useApiTest({ env: { LOCK_SWEEP_INTERVAL_MS: '50' } });

async function scrape(): Promise<string> {
  const response = await fetch(`${t.server.baseUrl}/metrics`); // loopback: allowed without a token
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one series in Prometheus text, or undefined. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics after traffic', () => {
  it('counts operations, errors, transitions by type, lock expirations, subscriptions, lag and the pool', async () => {
    const call = async (query: string, variables: Record<string, unknown>, token: string) => {
      const response = await graphqlRequest(t.server, query, variables, token);
      return response;
    };
    const book = await call(
      'mutation CreateBook { createBook(input: { name: "Metrics", discountType: PERCENTAGE, discountValue: 10, lockTtlSeconds: 30 }) { id } }',
      {},
      t.admin.token,
    );
    const bookId = book.data!.createBook.id as string;

    const client = connectGraphQLWs(t.server, t.admin.token);
    const events: string[] = [];
    const stop = client.subscribe<{ couponEvents: { type: string } }>(
      { query: 'subscription Watch($b: ID) { couponEvents(bookId: $b) { id type } }', variables: { b: bookId } },
      { next: ({ data }) => data && events.push(data.couponEvents.type), error: () => {}, complete: () => {} },
    );
    await waitFor(() => (t.server.server.live?.couponEvents.size ?? 0) === 1, 'the subscription');

    await call('mutation Upload($b: ID!) { uploadCodes(bookId: $b, codes: ["MET-AAA1", "MET-AAA2", "MET-AAA3"]) { inserted } }', { b: bookId }, t.admin.token);
    const assign = 'mutation AssignRandom($b: ID!) { assignRandomCoupon(bookId: $b) { code } }';
    const lock = 'mutation Lock($c: String!) { lockCoupon(code: $c) { code } }';
    const first = (await call(assign, { b: bookId }, t.user.token)).data!.assignRandomCoupon.code as string;
    await call(lock, { c: first }, t.user.token);
    await call('mutation Redeem($c: String!) { redeemCoupon(code: $c) { id } }', { c: first }, t.user.token);
    const second = (await call(assign, { b: bookId }, t.user.token)).data!.assignRandomCoupon.code as string;
    await call(lock, { c: second }, t.user.token);
    expect((await call(lock, { c: 'NO-SUCH-CODE' }, t.user.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    t.server.clock.advance({ seconds: 31 }); // the sweeper expires the second lock
    await waitFor(() => events.includes('LOCK_EXPIRED'), 'the LOCK_EXPIRED event');
    await t.server.server.live!.settle();

    const text = await scrape();
    // The series whose value the traffic above fixes exactly, each with that value.
    const exactly: Record<string, number> = {
      'coupons_graphql_requests_total{operation="AssignRandom",type="mutation"}': 2,
      'coupons_graphql_requests_total{operation="Lock",type="mutation"}': 3,
      'coupons_graphql_errors_total{operation="Lock",code="NOT_FOUND"}': 1,
      'coupons_coupon_transitions_total{type="CREATED_BULK"}': 3,
      'coupons_coupon_transitions_total{type="ASSIGNED"}': 2,
      'coupons_coupon_transitions_total{type="LOCKED"}': 2,
      'coupons_coupon_transitions_total{type="REDEEMED"}': 1,
      'coupons_coupon_transitions_total{type="LOCK_EXPIRED"}': 1,
      coupons_lock_expirations_total: 1,
      'coupons_subscriptions_open{field="couponEvents"}': 1,
      'coupons_db_pool_waiting_requests{pool="main"}': 0,
    };
    expect(Object.fromEntries(Object.keys(exactly).map((series) => [series, value(text, series)]))).toEqual(exactly);
    expect(value(text, 'coupons_event_delivery_lag_seconds_count')).toBeGreaterThanOrEqual(6);
    expect(value(text, 'coupons_db_pool_connections_total{pool="main"}')).toBeGreaterThan(0);

    stop();
    await client.dispose();
    await waitFor(() => (t.server.server.live?.couponEvents.size ?? 1) === 0, 'the subscription to end');
    expect(value(await scrape(), 'coupons_subscriptions_open{field="couponEvents"}')).toBe(0);
  });
});
