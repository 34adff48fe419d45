import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the pool gauges read; a `pg.Pool` has exactly these counters. */
export interface PoolStats {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

/** GraphQL operation types as they appear in the `type` label. */
export type OperationType = 'query' | 'mutation' | 'subscription' | 'unknown';

/** Options of {@link createMetrics}. */
export interface CreateMetricsOptions {
  /** Also collect Node's process metrics (CPU, memory, event-loop lag, GC). Default true. */
  defaultMetrics?: boolean;
  /** Labels added to every series, e.g. `{ instance: 'api-2' }` when several share a scrape job. */
  defaultLabels?: Record<string, string>;
  /** Cap on distinct operation names (see {@link Metrics.operationLabel}). Default 200. */
  maxOperationNames?: number;
}

// Latency buckets from a cached read (~1 ms) to a slow bulk mutation (10 s).
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// Commit-to-subscriber lag: normally milliseconds (NOTIFY), seconds when a listener catches up.
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
// Webhook attempts: a receiver on the same continent (~50 ms) to the 10 s timeout.
const WEBHOOK_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const WEBHOOK_OUTCOMES: ReadonlySet<string> = new Set(['DELIVERED', 'RETRY', 'FAILED']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const CODE_GUESS_OUTCOMES: ReadonlySet<string> = new Set(['NOT_FOUND', 'INVALID_STATE', 'FORBIDDEN', 'RATE_LIMITED']);

/**
 * The API's Prometheus metrics, one registry per process (or per test). Created by
 * {@link createMetrics}; the server installs it with {@link installMetrics} so that code far from
 * the server (event delivery, the lock sweeper's caller) can record through the free functions.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly graphqlRequests: Counter<'operation' | 'type'>;
  readonly graphqlDuration: Histogram<'operation' | 'type'>;
  readonly graphqlErrors: Counter<'operation' | 'code'>;
  readonly couponTransitions: Counter<'type'>;
  readonly lockExpirations: Counter;
  readonly openSubscriptions: Gauge<'field'>;
  readonly eventDeliveryLag: Histogram;
  readonly constraintViolations: Counter<'constraint' | 'operation'>;
  readonly transactionRetries: Counter<'operation'>;
  readonly codeGuesses: Counter<'outcome'>;
  readonly webhookAttempts: Counter<'outcome' | 'result'>;
  readonly webhookLatency: Histogram;
  /**
   * Client-chosen operation names become a label; past the cap they are counted as `other`,
   * so a client that names every request differently cannot grow the series without bound.
   */
  operationLabel(name: string | null | undefined): string;
  /** Counts `count` coupon transitions of a CouponEvent type (ASSIGNED, LOCKED, REDEEMED …). */
  recordTransition(type: string, count?: number): void;
  /** Counts one open subscription on a root field; call the returned function once when it ends. */
  trackSubscription(field: string): () => void;
  /** Observes the time from an event's commit (`createdAt`) to its delivery to subscribers. */
  observeEventLag(committedAt: Date, deliveredAt?: Date): void;
  /**
   * Counts one CHECK constraint violation (a bug: the statements decide every answer) by the
   * constraint's name and the root field (transition) that hit it.
   */
  recordConstraintViolation(constraint: string, operation: string): void;
  /** Counts one re-run of a mutation after a serialization failure or deadlock (40001, 40P01). */
  recordTransactionRetry(operation: string): void;
  /**
   * Counts one failed claim by code (`NOT_FOUND`, `INVALID_STATE`, `FORBIDDEN`) or one refused
   * by the code-guess limit (`RATE_LIMITED`): a rising rate is someone guessing codes.
   */
  recordCodeGuess(outcome: string): void;
  /** Reports a `pg.Pool`'s connections at every scrape, labelled `pool` (e.g. `main`). */
  observePool(pool: PoolStats, name?: string): void;
  /**
   * Counts one webhook attempt by what it led to (DELIVERED, RETRY, FAILED) and what happened
   * (`2xx` … `5xx`, `timeout`, `connection`, `refused_address`), and observes its latency.
   */
  recordWebhookAttempt(outcome: string, result: { status: number | null; error: string | null }, latencyMs: number): void;
  /** Reads the webhook backlog (PENDING deliveries, and those due now) at every scrape. */
  observeWebhookBacklog(read: () => Promise<{ pending: number; due: number }>): void;
}

/** Creates a fresh registry with every metric of the API. */
export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  // One line per metric: its name, its help text, its labels (and a histogram's buckets).
  const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers });
  const histogram = <L extends string = never>(name: string, help: string, buckets: number[], labelNames: readonly L[] = []) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers });

  const graphqlRequests = counter('coupons_graphql_requests_total', 'GraphQL operations received over HTTP, by operation name and type', [
    'operation',
    'type',
  ]);
  const graphqlDuration = histogram(
    'coupons_graphql_request_duration_seconds',
    'Time from receiving a GraphQL operation to sending its response',
    LATENCY_BUCKETS,
    ['operation', 'type'],
  );
  const graphqlErrors = counter('coupons_graphql_errors_total', 'GraphQL errors sent to clients, by extensions.code', ['operation', 'code']);
  const couponTransitions = counter('coupons_coupon_transitions_total', 'Committed coupon state transitions, by CouponEvent type', ['type']);
  const lockExpirations = counter(
    'coupons_lock_expirations_total',
    'Checkout locks that expired before redemption (moved back to ASSIGNED by the sweeper)',
  );
  const openSubscriptions = new Gauge({
    name: 'coupons_subscriptions_open',
    help: 'GraphQL subscriptions currently open on this instance, by root field',
    labelNames: ['field'] as const,
    registers,
  });
  const eventDeliveryLag = histogram(
    'coupons_event_delivery_lag_seconds',
    'Time from a coupon event commit to its delivery to subscribers on this instance',
    LAG_BUCKETS,
  );
  const constraintViolations = counter(
    'coupons_constraint_violations_total',
    'CHECK constraint violations (each one a bug, answered INTERNAL_SERVER_ERROR), by constraint and root field',
    ['constraint', 'operation'],
  );
  const transactionRetries = counter(
    'coupons_transaction_retries_total',
    'Mutations run again after a serialization failure or deadlock (40001, 40P01), by root field',
    ['operation'],
  );
  const codeGuesses = counter(
    'coupons_code_guesses_total',
    'Failed claims by code (assignCoupon answering NOT_FOUND, INVALID_STATE or FORBIDDEN to a shopper) and claims refused by the code-guess limit (RATE_LIMITED)',
    ['outcome'],
  );
  const webhookAttempts = counter(
    'coupons_webhook_attempts_total',
    'Webhook delivery attempts of this instance, by outcome (DELIVERED, RETRY, FAILED) and result (2xx, 4xx, 429, 5xx, timeout, connection, refused_address)',
    ['outcome', 'result'],
  );
  const webhookLatency = histogram('coupons_webhook_attempt_duration_seconds', 'Time of one webhook attempt, connect to answer', WEBHOOK_BUCKETS);
  let readWebhookBacklog: (() => Promise<{ pending: number; due: number }>) | undefined;
  new Gauge({
    name: 'coupons_webhook_backlog',
    help: 'Webhook deliveries waiting (PENDING, to enabled endpoints), in all; state=due: those whose time has come',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      if (!readWebhookBacklog) return;
      // A scrape must not fail because the database is away: the gauge keeps its last value.
      const backlog = await readWebhookBacklog().catch(() => null);
      if (!backlog) return;
      this.set({ state: 'pending' }, backlog.pending);
      this.set({ state: 'due' }, backlog.due);
    },
  });
  const pools = new Map<string, PoolStats>();
  // Read at scrape time (collect), so the numbers are current and nothing polls in between.
  const poolGauge = (name: string, help: string, read: (p: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['pool'] as const,
      registers,
      collect() {
        for (const [label, pool] of pools) this.set({ pool: label }, read(pool));
      },
    });
  poolGauge('coupons_db_pool_connections_total', 'Connections open in the database pool', (p) => p.totalCount);
  poolGauge('coupons_db_pool_connections_idle', 'Idle connections in the database pool', (p) => p.idleCount);
  poolGauge('coupons_db_pool_waiting_requests', 'Queries waiting for a free pool connection', (p) => p.waitingCount);

  const maxOperationNames = options.maxOperationNames ?? 200;
  const operationNames = new Set<string>();

  return {
    registry,
    graphqlRequests,
    graphqlDuration,
    graphqlErrors,
    couponTransitions,
    lockExpirations,
    openSubscriptions,
    eventDeliveryLag,
    constraintViolations,
    transactionRetries,
    codeGuesses,
    webhookAttempts,
    webhookLatency,
    operationLabel(name) {
      if (!name) return 'anonymous';
      if (!NAME.test(name)) return 'invalid';
      if (operationNames.has(name)) return name;
      if (operationNames.size >= maxOperationNames) return 'other';
      operationNames.add(name);
      return name;
    },
    recordTransition(type, count = 1) {
      if (count <= 0) return;
      const label = NAME.test(type) ? type : 'invalid';
      couponTransitions.inc({ type: label }, count);
      if (label === 'LOCK_EXPIRED') lockExpirations.inc(count);
    },
    trackSubscription(field) {
      const label = NAME.test(field) ? field : 'invalid';
      openSubscriptions.inc({ field: label });
      let open = true;
      return () => {
        // graphql-ws can report both complete and close for one subscription: count it down once.
        if (!open) return;
        open = false;
        openSubscriptions.dec({ field: label });
      };
    },
    observeEventLag(committedAt, deliveredAt = new Date()) {
      // Clocks of two hosts can disagree by a little: a negative lag is recorded as zero.
      eventDeliveryLag.observe(Math.max(0, (deliveredAt.getTime() - committedAt.getTime()) / 1000));
    },
    recordConstraintViolation(constraint, operation) {
      // Names come from the database and the schema, not from clients: bounded, but checked anyway.
      constraintViolations.inc({ constraint: NAME.test(constraint) ? constraint : 'invalid', operation: NAME.test(operation) ? operation : 'invalid' });
    },
    recordTransactionRetry(operation) {
      transactionRetries.inc({ operation: NAME.test(operation) ? operation : 'invalid' });
    },
    recordCodeGuess(outcome) {
      codeGuesses.inc({ outcome: CODE_GUESS_OUTCOMES.has(outcome) ? outcome : 'other' });
    },
    observePool(pool, name = 'main') {
      pools.set(name, pool);
    },
    recordWebhookAttempt(outcome, result, latencyMs) {
      const label = result.error
        ? result.error.toLowerCase()
        : result.status === 429
          ? '429'
          : `${Math.floor((result.status ?? 0) / 100)}xx`;
      webhookAttempts.inc({ outcome: WEBHOOK_OUTCOMES.has(outcome) ? outcome : 'other', result: NAME.test(label) || /^\dxx$|^429$/.test(label) ? label : 'other' });
      webhookLatency.observe(Math.max(0, latencyMs / 1000));
    },
    observeWebhookBacklog(read) {
      readWebhookBacklog = read;
    },
  };
}

let active: Metrics | undefined;

/**
 * Makes `metrics` the process's instance for the free functions below. The server calls it once
 * at start-up; without it (CLIs, most tests) the free functions do nothing.
 */
export function installMetrics(metrics: Metrics | undefined): void {
  active = metrics;
}

/** The installed instance, if any. */
export function activeMetrics(): Metrics | undefined {
  return active;
}

/**
 * Counts committed coupon transitions of one CouponEvent type on the installed metrics.
 * Call it where *this process's own* commits are announced (not where events from other
 * instances are received), so that the sum over instances counts each transition once.
 */
export function recordTransition(type: string, count = 1): void {
  active?.recordTransition(type, count);
}

/** Counts one CHECK constraint violation on the installed metrics (see {@link Metrics.recordConstraintViolation}). */
export function recordConstraintViolation(constraint: string, operation: string): void {
  active?.recordConstraintViolation(constraint, operation);
}

/** Counts one mutation re-run after a transaction conflict on the installed metrics. */
export function recordTransactionRetry(operation: string): void {
  active?.recordTransactionRetry(operation);
}

/** Counts one failed or refused claim by code on the installed metrics (see {@link Metrics.recordCodeGuess}). */
export function recordCodeGuess(outcome: string): void {
  active?.recordCodeGuess(outcome);
}

/** Counts one open subscription on the installed metrics; returns the function that ends it. */
export function trackSubscription(field: string): () => void {
  return active?.trackSubscription(field) ?? (() => {});
}

/** Observes one event's commit-to-delivery lag on the installed metrics. */
export function observeEventLag(committedAt: Date, deliveredAt?: Date): void {
  active?.observeEventLag(committedAt, deliveredAt);
}
