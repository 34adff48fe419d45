/**
 * `@coupons/api/testing`: the harness every API test, the reliability suite and the benchmark use
 * to run the real API and talk to it. Never imported by `src/` (scripts/image-contents.test.ts
 * checks), never in the production image.
 *
 * - servers: `startTestServer` (in-process, on a fresh database from `@coupons/db/testing`),
 *   `startApiTest` (one with an ADMIN and a USER signed up), `useApiTest` (the same, with the
 *   file's `beforeAll`/`afterAll` registered: one line at the top of a test file),
 *   `startSiblingServer` (a second one on the same database), `startLoggedServer` (logs kept;
 *   `memoryLogger`/`memorySink` to keep any logger's lines),
 *   `startApiProcess` (`main.ts` in a child process, as in production; `useApiProcesses` starts them
 *   on the file's fresh database and kills them after it), `startProcessGroup` and
 *   `waitForHttp` for any other child (the e2e run's `next start`);
 * - clients: `graphqlRequest`/`call` over HTTP, `connectGraphQLWs`/`wsRequest`/`record` over graphql-ws
 *   (`t.socket(user, server?)`: a client of the file signed in as `user`; `couponEventsOf(recorded)`);
 * - data: `signUp`, `createUsers`, `createCampaign`, `createPool`, `checkoutAs`/`lockedByShoppers`
 *   (a shopper claims, locks, redeems), the live-event helpers;
 * - waiting: `waitFor` (a condition in the test process), `pollUntil` (a value read from the API or the database);
 * - time: `createTestClock` (from `@coupons/core/testing`, re-exported);
 * - webhooks: `startWebhookReceiver` (a real HTTP receiver in the test process).
 */
export { startApiTest, type ApiTest } from './api-test.ts';
export { type Accounts, type AccountOf, type UsedApiTest, type UseApiTestOptions, useApiTest, useTestServer } from './use-api-test.ts';
export { apiProcessEnv, killApiProcessesNow, startApiProcess, type ApiProcess, type ApiProcessOptions } from './api-process.ts';
export { type UsedApiProcesses, useApiProcesses } from './use-api-processes.ts';
export { freePort } from '@coupons/db';
export {
  checkoutAs,
  type CheckoutStep,
  createCampaign,
  createPool,
  createUsers,
  lockedByShoppers,
  signUp,
  TEST_PASSWORD,
  uniqueCodes,
  type ApiUser,
  type BookOptions,
  type Campaign,
  type SignedUpUser,
  type UserTarget,
} from './factories.ts';
export { call, describeOutcome, errorCode, graphqlRequest, postJson, type GraphQLResponse, type Outcome } from './graphql-http.client.ts';
export {
  type ClientPool,
  connectClient,
  connectGraphQLWs,
  couponEventsOf,
  createClientPool,
  rawConnectionInit,
  record,
  refusalCode,
  wsRequest,
  type Recorded,
  type RecordingClient,
} from './graphql-ws.client.ts';
export {
  COUPON_EVENT_FIELDS,
  createBook,
  createBookWithCodes,
  mutate,
  settled,
  subscribedOn,
  uploadCodes,
  waitFor,
} from './live-events.helpers.ts';
export { measureDeliveryLatency, type LatencyReport } from './live-latency.measure.ts';
export { pollUntil } from './poll.ts';
export { type DatabaseOutage, useDatabaseOutage } from './database-outage.ts';
export { startLoggedServer, type LoggedServer } from './logged-server.ts';
export { memoryLogger, memorySink, type MemorySink } from './memory-log.ts';
export { startProcessGroup, waitForHttp, type ProcessGroup, type ProcessGroupOptions } from './process-group.ts';
export { CONTRACT_CODES, COUPON_FIELDS, OPS, REDEMPTION_FIELDS } from './operations.ts';
export { createTestClock, type TestClock } from '@coupons/core/testing';
export { startSiblingServer, startTestServer, type TestServer, type TestServerOptions } from './test-server.ts';
export { type ReceivedWebhook, type ReceiverAnswer, startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';
/** How often a test server re-checks its open sockets' sessions: the `SESSION_RECHECK_INTERVAL_MS` default. */
export { DEFAULT_SESSION_RECHECK_INTERVAL_MS as SESSION_RECHECK_MS } from '@coupons/config';
