import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, installMetrics, type Metrics, recordTransition, trackSubscription } from './metrics.ts';
import { isLoopbackAddress, metricsHandler } from './metrics.endpoint.ts';
import { metricsPlugin } from './metrics.plugin.ts';

/** The value of one series in the registry, or undefined when it was never recorded. */
async function seriesValue(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const values = (await metric.get()).values as Array<{ value: number; labels: Record<string, unknown>; metricName?: string }>;
  const match = values.find(
    (v) => v.metricName !== `${name}_bucket` && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l),
  );
  return match?.value;
}

afterEach(() => installMetrics(undefined));

describe('createMetrics', () => {
  it('exposes every metric the operations guide lists, plus process metrics', async () => {
    const metrics = createMetrics();
    const text = await metrics.registry.metrics();
    for (const name of [
      'coupons_graphql_requests_total',
      'coupons_graphql_request_duration_seconds',
      'coupons_graphql_errors_total',
      'coupons_coupon_transitions_total',
      'coupons_lock_expirations_total',
      'coupons_subscriptions_open',
      'coupons_event_delivery_lag_seconds',
      'coupons_db_pool_connections_total',
      'coupons_db_pool_connections_idle',
      'coupons_db_pool_waiting_requests',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('keeps registries apart, so tests and instances do not share counts', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.recordTransition('ASSIGNED');
    expect(await seriesValue(a, 'coupons_coupon_transitions_total', { type: 'ASSIGNED' })).toBe(1);
    expect(await seriesValue(b, 'coupons_coupon_transitions_total', { type: 'ASSIGNED' })).toBeUndefined();
  });

  it('counts transitions by type, and expirations as lock expirations too', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    installMetrics(metrics);
    recordTransition('REDEEMED');
    recordTransition('REDEEMED', 2);
    recordTransition('LOCK_EXPIRED', 3);
    recordTransition('not a type!');
    expect(await seriesValue(metrics, 'coupons_coupon_transitions_total', { type: 'REDEEMED' })).toBe(3);
    expect(await seriesValue(metrics, 'coupons_coupon_transitions_total', { type: 'LOCK_EXPIRED' })).toBe(3);
    expect(await seriesValue(metrics, 'coupons_lock_expirations_total')).toBe(3);
    expect(await seriesValue(metrics, 'coupons_coupon_transitions_total', { type: 'invalid' })).toBe(1);
  });

  it('does nothing through the free functions when no metrics are installed', () => {
    expect(() => recordTransition('ASSIGNED')).not.toThrow();
    expect(() => trackSubscription('couponEvents')()).not.toThrow();
  });

  it('tracks open subscriptions and counts each one down once', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const end1 = metrics.trackSubscription('couponEvents');
    const end2 = metrics.trackSubscription('couponEvents');
    metrics.trackSubscription('bookStats');
    end1();
    end1(); // complete and close of the same subscription
    expect(await seriesValue(metrics, 'coupons_subscriptions_open', { field: 'couponEvents' })).toBe(1);
    expect(await seriesValue(metrics, 'coupons_subscriptions_open', { field: 'bookStats' })).toBe(1);
    end2();
    expect(await seriesValue(metrics, 'coupons_subscriptions_open', { field: 'couponEvents' })).toBe(0);
  });

  it('observes event delivery lag in seconds, never negative', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const committed = new Date('2026-01-01T00:00:00.000Z');
    metrics.observeEventLag(committed, new Date('2026-01-01T00:00:00.040Z'));
    metrics.observeEventLag(committed, new Date('2025-12-31T23:59:59.990Z'));
    const values = (await metrics.eventDeliveryLag.get()).values as Array<{ value: number; metricName?: string }>;
    expect(values.find((v) => v.metricName === 'coupons_event_delivery_lag_seconds_count')?.value).toBe(2);
    expect(values.find((v) => v.metricName === 'coupons_event_delivery_lag_seconds_sum')?.value).toBeCloseTo(0.04);
  });

  it('reads pool usage at scrape time', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const pool = { totalCount: 5, idleCount: 3, waitingCount: 0 };
    metrics.observePool(pool);
    expect(await seriesValue(metrics, 'coupons_db_pool_connections_total', { pool: 'main' })).toBe(5);
    pool.totalCount = 20;
    pool.idleCount = 0;
    pool.waitingCount = 7;
    const text = await metrics.registry.metrics();
    expect(text).toContain('coupons_db_pool_connections_total{pool="main"} 20');
    expect(text).toContain('coupons_db_pool_connections_idle{pool="main"} 0');
    expect(text).toContain('coupons_db_pool_waiting_requests{pool="main"} 7');
  });

  it('caps the number of distinct operation names', () => {
    const metrics = createMetrics({ defaultMetrics: false, maxOperationNames: 2 });
    expect(metrics.operationLabel('A')).toBe('A');
    expect(metrics.operationLabel('B')).toBe('B');
    expect(metrics.operationLabel('C')).toBe('other');
    expect(metrics.operationLabel('A')).toBe('A');
    expect(metrics.operationLabel(undefined)).toBe('anonymous');
    expect(metrics.operationLabel('drop table;')).toBe('invalid');
  });
});

describe('metricsPlugin', () => {
  const typeDefs = `#graphql
    type Query { hello: String!, broken: String }
    type Mutation { redeem: String, limited: String, buggy: String }
  `;
  const resolvers = {
    Query: {
      hello: () => 'world',
      broken: () => {
        throw new GraphQLError('no such coupon', { extensions: { code: 'NOT_FOUND' } });
      },
    },
    Mutation: {
      redeem: () => {
        throw new GraphQLError('book sold out', { extensions: { code: 'SOLD_OUT' } });
      },
      // A domain error before the server's formatError has mapped it: the code is on the original.
      limited: () => {
        throw Object.assign(new Error('limit reached'), { name: 'DomainError', code: 'LIMIT_REACHED' });
      },
      // A database error is a bug to the client: its SQLSTATE must not become a label.
      buggy: () => {
        throw Object.assign(new Error('duplicate key'), { code: '23505' });
      },
    },
  };

  /** Sends each operation, in order, to a fresh server with the metrics plugin, then stops it. */
  async function execute(metrics: Metrics, queries: string[], options?: Parameters<typeof metricsPlugin>[1]) {
    const server = new ApolloServer({ typeDefs, resolvers, plugins: [metricsPlugin(metrics, options)] });
    await server.start();
    try {
      for (const query of queries) await server.executeOperation({ query });
    } finally {
      await server.stop();
    }
  }

  it('records requests and latency by operation name and type', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    await execute(metrics, ['query Greeting { hello }', 'query Greeting { hello }', '{ hello }', 'mutation Redeem { redeem }']);
    expect(await seriesValue(metrics, 'coupons_graphql_requests_total', { operation: 'Greeting', type: 'query' })).toBe(2);
    expect(await seriesValue(metrics, 'coupons_graphql_requests_total', { operation: 'anonymous', type: 'query' })).toBe(1);
    expect(await seriesValue(metrics, 'coupons_graphql_requests_total', { operation: 'Redeem', type: 'mutation' })).toBe(1);
    const values = (await metrics.graphqlDuration.get()).values as Array<{
      value: number;
      labels: Record<string, unknown>;
      metricName?: string;
    }>;
    const count = values.find(
      (v) => v.metricName === 'coupons_graphql_request_duration_seconds_count' && v.labels.operation === 'Greeting',
    );
    expect(count?.value).toBe(2);
  });

  it('counts errors by the code the client sees', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    await execute(metrics, [
      'mutation Redeem { redeem }',
      'mutation Limited { limited }',
      'mutation Buggy { buggy }',
      'query Find { broken }',
      'query Broken { hello',
      'query Unknown { nope }',
    ]);
    const errors = (operation: string, code: string) => seriesValue(metrics, 'coupons_graphql_errors_total', { operation, code });
    expect(await errors('Redeem', 'SOLD_OUT')).toBe(1);
    expect(await errors('Limited', 'LIMIT_REACHED')).toBe(1);
    expect(await errors('Buggy', 'INTERNAL_SERVER_ERROR')).toBe(1);
    expect(await errors('Find', 'NOT_FOUND')).toBe(1);
    expect(await errors('anonymous', 'GRAPHQL_PARSE_FAILED')).toBe(1);
    expect(await errors('anonymous', 'GRAPHQL_VALIDATION_FAILED')).toBe(1);
    expect(await metrics.registry.metrics()).not.toContain('23505');
    // A failed parse is still a request, of unknown type.
    expect(await seriesValue(metrics, 'coupons_graphql_requests_total', { operation: 'anonymous', type: 'unknown' })).toBe(2);
  });

  it('uses the server error mapping when given one', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    await execute(metrics, ['mutation Buggy { buggy }'], { errorCode: () => 'RATE_LIMITED' });
    expect(await seriesValue(metrics, 'coupons_graphql_errors_total', { operation: 'Buggy', code: 'RATE_LIMITED' })).toBe(1);
  });
});

describe('metricsHandler', () => {
  async function serve(handler: ReturnType<typeof metricsHandler>) {
    const server = http.createServer((req, res) => void handler(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/metrics`, close: () => server.close() };
  }

  it('serves loopback callers when no token is configured', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.recordTransition('ASSIGNED');
    const { url, close } = await serve(metricsHandler(metrics));
    try {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      expect(await response.text()).toContain('coupons_coupon_transitions_total{type="ASSIGNED"} 1');
    } finally {
      close();
    }
  });

  it('refuses other callers when no token is configured', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const res = fakeResponse();
    await metricsHandler(metrics)(fakeRequest('10.0.3.7'), res.response);
    expect(res.status()).toBe(403);
    expect(res.body()).not.toContain('coupons_');
  });

  it('demands the bearer token when one is configured, even from loopback', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const token = 'metrics-token-0123456789';
    const { url, close } = await serve(metricsHandler(metrics, { token }));
    try {
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(405);
    } finally {
      close();
    }
    const remote = fakeResponse();
    await metricsHandler(metrics, { token })(fakeRequest('10.0.3.7', `Bearer ${token}`), remote.response);
    expect(remote.status()).toBe(200);
  });

  it('recognises loopback addresses only', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('10.0.0.1')).toBe(false);
    expect(isLoopbackAddress('::ffff:172.18.0.4')).toBe(false);
    expect(isLoopbackAddress(undefined)).toBe(false);
  });
});

function fakeRequest(remoteAddress: string, authorization?: string): IncomingMessage {
  return { method: 'GET', headers: authorization ? { authorization } : {}, socket: { remoteAddress } } as IncomingMessage;
}

function fakeResponse() {
  let status = 0;
  let body = '';
  const response = {
    writeHead(code: number) {
      status = code;
      return response;
    },
    end(chunk?: string) {
      body += chunk ?? '';
      return response;
    },
  } as unknown as ServerResponse;
  return { response, status: () => status, body: () => body };
}
