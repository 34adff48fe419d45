import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer } from '@apollo/server';
import type { Config } from '@coupons/config';
import {
  type Clock,
  countDeliveryBacklog,
  createLiveEvents,
  type LiveEvents,
  pruneRateLimitBuckets,
  type ServiceContext,
  startCodeJobReaper,
  sweepIdempotencyRecords,
  systemClock,
  waitForRunningCodeJobs,
  WebhookDispatcher,
  type WebhookSettings,
  webhookSettingsFrom,
} from '@coupons/core';
import { type Database, defaultMigrationPaths } from '@coupons/db';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import {
  createLogger,
  createMetrics,
  installMetrics,
  instrumentLiveEvents,
  type Metrics,
  metricsHandler,
  requestIdOf,
  requestLogging,
} from '../observability/index.ts';
import { httpCookies } from '../auth/session-cookie.ts';
import type { RequestContext } from '../shared/request-context.ts';
import { createApolloServer } from './apollo.ts';
import { clientAddress, compileTrustedProxies, resolveUpgradeAddresses, type TrustProxy } from './client-address.ts';
import { type ContextDeps, createRequestContext } from './context.ts';
import { mountCsvExports } from './csv-exports.ts';
import { createErrorFormatter } from './errors.ts';
import { healthRoutes, type ReadinessCheck, readMigrationNames } from './health.routes.ts';
import { answerGraphql, isPlainJsonPost, readJsonBody } from './graphql-http.ts';
import { answerHttpError, bodyMiddleware, corsMiddleware, corsPolicy, cutStalledBody, httpErrorHandler, refuseBatch, rejectBatches, sendError } from './http.ts';
import { DEFAULT_MAX_ALIASES, DEFAULT_MAX_TOKENS, type OperationLimits } from './limits.ts';
import { guardMutations, locateDomainErrors } from './mutation-faults.ts';
import { limitCodeGuesses } from './code-guess-limit.ts';
import { createMutationRateLimits, limitMutations } from './mutation-rate-limit.ts';
import { buildApiSchema } from './schema.ts';
import { multipartUploads } from './uploads.ts';
import { startWebSocketServer } from './websocket.ts';

export const GRAPHQL_PATH = '/graphql';
const RATE_LIMIT_PRUNE_INTERVAL_MS = 10 * 60_000;

export interface ApiServerOptions {
  config: Config;
  db: Database;
  /** Defaults to the system clock; tests pass a settable one. */
  clock?: Clock;
  logger?: Logger;
  /** Extra ServiceContext fields for every request (e.g. `events`, the live-event announcer). */
  serviceExtras?: Partial<ServiceContext>;
  /**
   * The Prometheus registry behind `/metrics`; a fresh one by default, installed as the process's
   * (so `recordTransition` and friends record into it).
   */
  metrics?: Metrics;
  /** `application_name` of the live-event LISTEN connection (default 'coupon-listener'). */
  listenerName?: string;
  /** Overrides of the webhook settings the configuration gives (tests: a resolver, short waits). */
  webhookSettings?: Partial<WebhookSettings>;
}

export interface ApiServer {
  httpServer: http.Server;
  /** `http://127.0.0.1:<port>/graphql` once started (throws before). */
  readonly url: string;
  /** `ws://127.0.0.1:<port>/graphql` once started (throws before). */
  readonly wsUrl: string;
  /** `/readyz` runs these beside its own (shutdown, database, migrations); push more, ideally named. */
  readinessChecks: ReadinessCheck[];
  /** Live events (LISTEN connection, bus, lock sweeper); null without a database URL to listen on. */
  live: LiveEvents | null;
  /** This process's webhook sender; null when `WEBHOOK_DELIVERY=false`. */
  webhooks: WebhookDispatcher | null;
  /** Listens on `port` (default `config.API_PORT`; 0 = any free port) at `config.API_HOST`. */
  start(port?: number): Promise<void>;
  /**
   * Stops taking requests, lets in-flight ones finish, closes WebSockets, waits for background
   * code jobs, then releases the live-event connection. Idempotent. Close `db` after it.
   */
  stop(): Promise<void>;
}

/**
 * The API: express 5 + Apollo Server on `/graphql` (POST, and GET for queries), graphql-ws on the
 * same path, `/healthz`, `/readyz` and `/metrics`, an access log line per request. One schema serves both transports, with the same limits,
 * access rules and error mapping. Does not own `db`: the caller closes it after `stop()`.
 */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { config, db } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const metrics = options.metrics ?? createMetrics();
  installMetrics(metrics);
  metrics.observePool(db.pool, 'main');
  const schema = await buildApiSchema();
  // Conflict re-runs and CHECK-violation reports inside the rate limit (counted once per request).
  guardMutations(schema);
  limitMutations(schema);
  // Failed by-code claims (code probing) have their own limit, checked before the mutation limit.
  limitCodeGuesses(schema);
  // Outermost: a query's or mutation's DomainError leaves as the GraphQLError graphql-js would make, minus a stack trace.
  locateDomainErrors(schema);
  const limits: OperationLimits = {
    maxDepth: config.MAX_QUERY_DEPTH,
    maxCost: config.MAX_QUERY_COST,
    maxAliases: DEFAULT_MAX_ALIASES,
    maxTokens: DEFAULT_MAX_TOKENS,
  };
  const errors = createErrorFormatter({
    logger,
    isProduction: config.isProduction,
    hideSchemaHints: !config.GRAPHQL_INTROSPECTION,
  });
  const live = createLiveEventsFor(options, clock, logger);
  if (live) instrumentLiveEvents(live, metrics, clock);
  const rateLimits = createMutationRateLimits({ config, db, clock, logger });
  const webhookSettings: WebhookSettings = { ...webhookSettingsFrom(config), ...options.webhookSettings };
  const webhooks = createWebhookDispatcher(options, webhookSettings, clock, logger, metrics);
  // New events committed (by any process): fan them out and send them now (under a steady stream, at
  // most every 100 ms) rather than at the next poll.
  if (webhooks && live) live.couponEvents.onBatch(() => webhooks.wakeForEvents());
  const contextDeps: ContextDeps = {
    config,
    db,
    clock,
    serviceExtras: {
      ...(live ? { events: live.announcer } : {}),
      idempotencyLifetimeMs: config.IDEMPOTENCY_TTL_HOURS * 3_600_000,
      ...options.serviceExtras,
    },
    live: live ?? undefined,
    rateLimits,
    eventLog: logger.isLevelEnabled('debug') ? logger : undefined,
    webhooks: { settings: webhookSettings, wake: () => webhooks?.wake() },
  };
  const readinessChecks: ReadinessCheck[] = [];
  if (live) {
    readinessChecks.push({ name: 'liveEvents', run: async () => (live.isReady() ? null : 'live-event listener not connected') });
  }
  const migrationNames = await readMigrationNames(defaultMigrationPaths.migrationsDir);
  let stopping = false;

  const app = express();
  app.disable('x-powered-by');
  // The client address comes from X-Forwarded-For only through the proxies TRUSTED_PROXIES names
  // (none by default: the socket peer is the client). One compiled function for HTTP (`req.ip`)
  // and WebSocket upgrades, so the per-address limits see one address whichever way it came.
  const trustProxy = compileTrustedProxies(config.TRUSTED_PROXIES);
  app.set('trust proxy', trustProxy);
  // A JSON POST to /graphql is answered without Express (graphql-http.ts); the rest goes to it.
  let graphqlPost: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | undefined;
  const httpServer = http.createServer((req, res) => {
    cutStalledBody(req, res, config.REQUEST_BODY_IDLE_TIMEOUT_MS);
    if (graphqlPost && isPlainJsonPost(req, GRAPHQL_PATH)) graphqlPost(req, res);
    else app(req, res);
  });
  resolveUpgradeAddresses(httpServer, trustProxy);
  // Longer than a load balancer's idle timeout (60 s is common), so the balancer, not us, closes
  // idle keep-alive connections: otherwise it may reuse one we just closed (a 502 / ECONNRESET).
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  // The whole request must arrive within this: Node's default (5 minutes) cuts off a streamed
  // code import of ~10M lines (160 MB) on a busy machine or a slow link (POST /import/books/:id/codes
  // reads the body as fast as PostgreSQL takes it). Slow headers are still cut at headersTimeout.
  httpServer.requestTimeout = 60 * 60_000;

  const ws = startWebSocketServer({
    httpServer,
    path: GRAPHQL_PATH,
    schema,
    contextDeps,
    errors,
    limits,
    introspection: config.GRAPHQL_INTROSPECTION,
    metrics,
    sessionRecheckMs: config.SESSION_RECHECK_INTERVAL_MS,
  });

  const apollo = createApolloServer({
    schema,
    config,
    httpServer,
    disposeWebSockets: () => ws.dispose(),
    limits,
    errors,
    metrics,
  });
  await apollo.start();

  mountRoutes(app, { apollo, contextDeps, migrationNames, readinessChecks, isStopping: () => stopping, metrics, logger });
  graphqlPost = graphqlPostHandler({ apollo, contextDeps, logger, trustProxy });

  let pruneTimer: NodeJS.Timeout | undefined;
  let codeJobReaper: { stop(): Promise<void> } | undefined;
  let stopped: Promise<void> | undefined;
  const address = () => {
    const info = httpServer.address() as AddressInfo | null;
    if (!info) throw new Error('The API server is not listening yet: call start() first');
    const host = info.address === '0.0.0.0' || info.address === '::' ? '127.0.0.1' : info.address;
    return `${host.includes(':') ? `[${host}]` : host}:${info.port}`;
  };

  return {
    httpServer,
    get url() {
      return `http://${address()}${GRAPHQL_PATH}`;
    },
    get wsUrl() {
      return `ws://${address()}${GRAPHQL_PATH}`;
    },
    readinessChecks,
    live,
    webhooks,
    async start(port = config.API_PORT) {
      await live?.start();
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, config.API_HOST, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      // Old login-throttle rows and idempotency keys past their lifetime are useless; any
      // instance may delete them (idempotent, batched).
      const service: ServiceContext = { db, caller: null, clock, idempotencyLifetimeMs: config.IDEMPOTENCY_TTL_HOURS * 3_600_000 };
      pruneTimer = setInterval(() => {
        pruneRateLimitBuckets(service).catch((err) => logger.warn({ err }, 'Pruning rate-limit buckets failed'));
        sweepIdempotencyRecords(service).catch((err) => logger.warn({ err }, 'Sweeping expired idempotency keys failed'));
      }, RATE_LIMIT_PRUNE_INTERVAL_MS);
      pruneTimer.unref();
      // Every instance reaps: a code job whose process died is resumed (or failed) by another one.
      codeJobReaper = startCodeJobReaper(
        { ...service, events: live?.announcer },
        {
          staleAfterMs: config.CODE_JOB_STALE_AFTER_MS,
          heartbeatIntervalMs: config.CODE_JOB_HEARTBEAT_INTERVAL_MS,
          onError: (err) => logger.warn({ err }, 'Code job reaper failed'),
          onReaped: (job) => logger.warn({ job }, 'Took over a code job whose process stopped'),
        },
      );
      // Every instance sends webhooks (see WebhookDispatcher); this picks up what a stopped one left.
      webhooks?.start();
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(pruneTimer);
        await codeJobReaper?.stop();
        // Drains HTTP (in-flight requests finish, idle keep-alive sockets close) and disposes
        // graphql-ws (sockets closed with 1001 Going Away).
        await apollo.stop();
        // Sends in flight finish (each within WEBHOOK_TIMEOUT_MS) and are recorded; nothing new is claimed.
        await webhooks?.stop();
        // Code jobs started with waitForCompletion: false outlive their request: let them commit
        // their last chunk before the caller closes the database (they announce through `live`).
        await waitForRunningCodeJobs();
        await rateLimits.close();
        // After the sockets: flushes pending NOTIFYs, releases the LISTEN connection, stops the sweeper.
        await live?.stop();
      })();
      return stopped;
    },
  };
}

/** Live events: one LISTEN connection and one lock sweeper per process (events/ in core). */
function createLiveEventsFor(options: ApiServerOptions, clock: Clock, logger: Logger): LiveEvents | null {
  const { config, db } = options;
  const listenUrl = config.DATABASE_LISTEN_URL ?? config.DATABASE_URL;
  if (!listenUrl) return null;
  return createLiveEvents({
    db,
    listenUrl,
    clock,
    sweepIntervalMs: config.LOCK_SWEEP_INTERVAL_MS,
    logger,
    listenerName: options.listenerName,
  });
}

/** The webhook sender (unless `WEBHOOK_DELIVERY=false`), reporting into the metrics and the log. */
function createWebhookDispatcher(
  options: ApiServerOptions,
  settings: WebhookSettings,
  clock: Clock,
  logger: Logger,
  metrics: Metrics,
): WebhookDispatcher | null {
  const { config, db } = options;
  metrics.observeWebhookBacklog(() => countDeliveryBacklog({ db }));
  if (!config.WEBHOOK_DELIVERY) return null;
  return new WebhookDispatcher({
    ctx: { db, clock },
    settings,
    onAttempt: (report) => {
      metrics.recordWebhookAttempt(report.outcome, report, report.latencyMs);
      if (report.endpointDisabled) logger.warn({ endpointId: report.endpointId }, 'Disabled a webhook endpoint that has failed for too long');
      else if (report.outcome === 'FAILED') logger.info({ deliveryId: report.deliveryId, endpointId: report.endpointId, status: report.status, error: report.error }, 'Webhook delivery failed for good');
    },
    onError: (err, during) => logger.warn({ err, during }, 'Webhook sending step failed; it is retried'),
  });
}

/** The HTTP routes, in order: access log and request id, CORS, probes, metrics, GraphQL, exports. */
function mountRoutes(
  app: Express,
  deps: {
    apollo: ApolloServer<RequestContext>;
    contextDeps: ContextDeps;
    migrationNames: readonly string[];
    readinessChecks: ReadinessCheck[];
    isStopping: () => boolean;
    metrics: Metrics;
    logger: Logger;
  },
): void {
  const { contextDeps, logger } = deps;
  // Resolves the request id (echoed in X-Request-Id) and writes one access line per response.
  app.use(requestLogging(logger));
  app.use(corsMiddleware(contextDeps.config.CORS_ORIGINS));
  const { migrationNames, readinessChecks, isStopping } = deps;
  healthRoutes(app, { db: contextDeps.db, migrationNames, readinessChecks, isStopping });
  // Loopback only, or with `Authorization: Bearer <METRICS_TOKEN>` when that is set.
  app.get('/metrics', metricsHandler(deps.metrics, { token: contextDeps.config.METRICS_TOKEN }));
  app.use(
    GRAPHQL_PATH,
    // uploadCodes(file:): GraphQL multipart requests, with the CSRF preflight header only.
    multipartUploads(),
    ...bodyMiddleware(),
    rejectBatches,
    (req: Request, res: Response, next: NextFunction) => {
      const context = () => requestContext(contextDeps, req, res, req.ip ?? req.socket.remoteAddress ?? 'unknown');
      answerGraphql(deps.apollo, { req, res, body: req.body }, context).catch(next);
    },
  );
  mountCsvExports(app, contextDeps, logger);
  // Any other path or method: the API's JSON error, not Express's HTML page.
  app.use((req: Request, res: Response) => sendError(res, 404, 'NOT_FOUND', `Nothing here: ${req.method} ${req.path}`));
  app.use(httpErrorHandler(logger));
}

/** One GraphQL request's context, from its HTTP request (either path). */
function requestContext(contextDeps: ContextDeps, req: http.IncomingMessage, res: http.ServerResponse, ip: string): Promise<RequestContext> {
  return createRequestContext(contextDeps, {
    authorization: req.headers.authorization,
    ip,
    requestId: requestIdOf(req),
    cookies: httpCookies(req, res, { path: GRAPHQL_PATH, secure: contextDeps.config.isProduction }),
  });
}

/**
 * A JSON POST to /graphql, without Express: the same access line and request id, CORS headers,
 * body limit and JSON refusals, batch refusal, client address and context as the Express route
 * (graphql-http.ts says why).
 */
function graphqlPostHandler(deps: {
  apollo: ApolloServer<RequestContext>;
  contextDeps: ContextDeps;
  logger: Logger;
  trustProxy: TrustProxy;
}): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const { apollo, contextDeps, logger, trustProxy } = deps;
  const logRequest = requestLogging(logger);
  const cors = corsPolicy(contextDeps.config.CORS_ORIGINS);
  const serve = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const body = await readJsonBody(req);
    // The access line names the operation from the parsed body, as on the Express path.
    (req as { body?: unknown }).body = body;
    if (refuseBatch(body, res)) return;
    const context = () => requestContext(contextDeps, req, res, clientAddress(req, trustProxy));
    await answerGraphql(apollo, { req, res, body }, context);
  };
  return (req, res) => {
    logRequest(req, res, () => {});
    cors(req, res);
    serve(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy(error as Error);
      else answerHttpError(logger, error, res);
    });
  };
}
