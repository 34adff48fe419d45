import { type Client, createClient, type FormattedExecutionResult } from 'graphql-ws';
import { createDatabase } from '@coupons/db';
import WebSocket from 'ws';
import { createApiServer } from '../server/api-server.ts';
import { graphqlRequest } from '../testing/graphql-request.ts';
import type { TestServer } from '../testing/test-server.ts';

/**
 * Test helpers for live events over real sockets. Not exported from the package: only the
 * events tests use them.
 */

/** A graphql-ws client that records how its socket closed (code and reason). */
export interface RecordingClient {
  client: Client;
  closes: Array<{ code: number; reason: string }>;
  dispose(): Promise<void>;
}

export function connectClient(server: { wsUrl: string }, token: string | null): RecordingClient {
  const closes: Array<{ code: number; reason: string }> = [];
  const client = createClient({
    url: server.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    on: {
      closed: (event) => {
        const e = event as { code: number; reason: string };
        closes.push({ code: e.code, reason: String(e.reason) });
      },
    },
  });
  return { client, closes, dispose: async () => client.dispose() };
}

/** What one subscription has received so far. */
export interface Recorded<T> {
  values: T[];
  /** Arrival time (performance.now()) of each value. */
  arrivals: number[];
  errors: unknown[];
  completed: boolean;
  /** Resolves when the subscription completes or errors. */
  finished: Promise<void>;
  /** Unsubscribes (sends `complete`). */
  stop(): void;
}

/** Starts a subscription and records everything it yields (data, errors, completion). */
export function record<T = Record<string, any>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Recorded<FormattedExecutionResult<T, unknown>> {
  let finish = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const recorded: Recorded<FormattedExecutionResult<T, unknown>> = {
    values: [],
    arrivals: [],
    errors: [],
    completed: false,
    finished,
    stop: () => {},
  };
  recorded.stop = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        recorded.values.push(value);
        recorded.arrivals.push(performance.now());
      },
      error: (error) => {
        recorded.errors.push(error);
        finish();
      },
      complete: () => {
        recorded.completed = true;
        finish();
      },
    },
  );
  return recorded;
}

/** Polls `check` until it holds (or fails with `what` after `ms`). */
export async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface HasLive {
  live: { settle(): Promise<void>; couponEvents: { size: number } } | null;
}

/** Waits until `server` has delivered everything committed (and announced) so far. */
export async function settled(...servers: HasLive[]): Promise<void> {
  for (const server of servers) await server.live?.settle();
}

/** Waits until `server` holds `count` coupon-event subscriptions (there is no "subscribed" ack in the protocol). */
export function subscribedOn(server: HasLive, count: number): Promise<void> {
  return waitFor(() => (server.live?.couponEvents.size ?? 0) >= count, `${count} subscriptions`);
}

/** Creates a book through the API (no codes yet); returns its id. */
export async function createBook(
  server: { url: string },
  adminToken: string,
  options: { lockTtlSeconds?: number; allowMultipleRedemptions?: boolean } = {},
): Promise<string> {
  const data = await mutate<{ createBook: { id: string } }>(
    server,
    adminToken,
    `mutation($input: CreateBookInput!) { createBook(input: $input) { id } }`,
    {
      input: {
        name: `Live ${Math.random().toString(36).slice(2, 8)}`,
        discountType: 'PERCENTAGE',
        discountValue: 10,
        lockTtlSeconds: options.lockTtlSeconds ?? 300,
        allowMultipleRedemptions: options.allowMultipleRedemptions ?? false,
      },
    },
  );
  return data.createBook.id;
}

/** Uploads `count` fresh codes into a book (one CREATED_BULK event); returns them. */
export async function uploadCodes(server: { url: string }, adminToken: string, bookId: string, count: number): Promise<string[]> {
  const prefix = `L${bookId.slice(0, 8).toUpperCase()}${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
  const codes = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const data = await mutate<{ uploadCodes: { inserted: number } }>(
    server,
    adminToken,
    `mutation($bookId: ID!, $codes: [String!]) { uploadCodes(bookId: $bookId, codes: $codes) { inserted } }`,
    { bookId, codes },
  );
  if (data.uploadCodes.inserted !== count) throw new Error(`uploadCodes inserted ${data.uploadCodes.inserted} of ${count}`);
  return codes;
}

/** A book with `count` codes. */
export async function createBookWithCodes(
  server: { url: string },
  adminToken: string,
  count: number,
  options: { lockTtlSeconds?: number; allowMultipleRedemptions?: boolean } = {},
): Promise<{ bookId: string; codes: string[] }> {
  const bookId = await createBook(server, adminToken, options);
  return { bookId, codes: await uploadCodes(server, adminToken, bookId, count) };
}

/** Calls a mutation and fails the test with its errors if it has any. */
export async function mutate<T = Record<string, any>>(
  server: { url: string },
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await graphqlRequest<T>(server, query, variables, token);
  if (response.errors?.length || !response.data) throw new Error(`Mutation failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

/**
 * Opens a raw graphql-transport-ws socket, sends `connection_init` with `payload`, and resolves
 * with how the server answered: `ack`, or the close code and reason.
 */
export function rawConnectionInit(
  wsUrl: string,
  payload: unknown,
): Promise<{ ack: boolean; code?: number; reason?: string; socket: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') resolve({ ack: true, socket });
    });
    socket.once('close', (code, reason) => resolve({ ack: false, code, reason: String(reason), socket }));
  });
}

/**
 * The error code of a subscription refused at once, wherever graphql-ws put it: an `error`
 * message (refused before execution: access, validation) or a `next` carrying errors (refused by
 * the field's subscribe: arguments, NOT_FOUND).
 */
export function refusalCode(recorded: Recorded<FormattedExecutionResult<any, unknown>>): string | undefined {
  const fromNext = recorded.values[0]?.errors?.[0]?.extensions?.code;
  const fromError = (recorded.errors[0] as Array<{ extensions?: { code?: string } }> | undefined)?.[0]?.extensions?.code;
  return (fromNext ?? fromError) as string | undefined;
}

/** The fields every couponEvents test selects. */
export const COUPON_EVENT_FIELDS = `
  id type bookId couponId fromState toState count at serverTime
  coupon { id code state assignedUserId lockExpiresAt redemptionCount }
  actor { id email role }
  redemption { id userId couponId reversedAt }`;

/**
 * A second API server on `first`'s database (its own pool, LISTEN connection, bus and lock
 * sweeper), as another process behind a load balancer would be. Same config, so tokens work on
 * both; `clock` may be shared so both sweepers see the same time.
 */
export async function startSiblingServer(
  first: TestServer,
  options: { listenerName: string; clock?: TestServer['clock'] },
): Promise<TestServer> {
  const url = first.config.DATABASE_URL as string;
  const db = createDatabase({ url, poolSize: 10, applicationName: 'coupons-test-sibling' });
  const clock = options.clock ?? first.clock;
  const server = await createApiServer({ config: first.config, db, clock, listenerName: options.listenerName });
  await server.start(0);
  return {
    url: server.url,
    wsUrl: server.wsUrl,
    baseUrl: server.url.replace(/\/graphql$/, ''),
    db,
    clock,
    config: first.config,
    server,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
