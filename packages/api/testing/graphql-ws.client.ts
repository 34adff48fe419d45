import type { FormattedExecutionResult } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * A graphql-ws client on a test server (`graphql-transport-ws`), authenticated in
 * `connection_init` with `{ authorization: 'Bearer <token>' }` when a token is given. It does not
 * retry, so a refused connection surfaces at once. Call `dispose()` when done.
 *
 * @example
 * const client = connectGraphQLWs(server, token);
 * for await (const event of client.iterate({ query: 'subscription { … }' })) { … }
 */
export function connectGraphQLWs(
  server: { wsUrl: string },
  token?: string | null,
  on?: { closed?: (event: unknown) => void },
): Client {
  return createClient({
    url: server.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    on,
  });
}

/**
 * Runs one query/mutation (or takes the first event of a subscription) over graphql-ws and
 * returns it like {@link graphqlRequest} does; a closed socket rejects with the CloseEvent.
 */
export async function wsRequest<TData = Record<string, any>>(
  client: Client,
  query: string,
  variables?: Record<string, unknown>,
): Promise<FormattedExecutionResult<TData, unknown>> {
  const iterator = client.iterate<TData, unknown>({ query, variables });
  try {
    const first = await iterator.next();
    if (first.done) throw new Error('The operation completed without a result');
    return first.value;
  } catch (error) {
    // graphql-ws rejects with the GraphQL errors array when the server sends an `error` message.
    if (Array.isArray(error)) return { errors: error };
    throw error;
  } finally {
    await iterator.return?.();
  }
}

/** A graphql-ws client that records how its socket closed (code and reason). */
export interface RecordingClient {
  client: Client;
  closes: Array<{ code: number; reason: string }>;
  dispose(): Promise<void>;
}

export function connectClient(server: { wsUrl: string }, token: string | null): RecordingClient {
  const closes: Array<{ code: number; reason: string }> = [];
  const client = connectGraphQLWs(server, token, {
    closed: (event) => {
      const e = event as { code: number; reason: string };
      closes.push({ code: e.code, reason: String(e.reason) });
    },
  });
  return { client, closes, dispose: async () => client.dispose() };
}

/** The graphql-ws clients one test file opens, closed together in `afterAll`. */
export interface ClientPool {
  /** `connectClient(server, token)`, kept for `disposeAll`. */
  connect(server: { wsUrl: string }, token: string | null): RecordingClient;
  disposeAll(): Promise<void>;
}

export function createClientPool(): ClientPool {
  const open: RecordingClient[] = [];
  return {
    connect(server, token) {
      const c = connectClient(server, token);
      open.push(c);
      return c;
    },
    async disposeAll() {
      await Promise.all(open.map((c) => c.dispose()));
    },
  };
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

/** The events a recorded `couponEvents` subscription has received so far, in order of arrival. */
export function couponEventsOf<E = Record<string, any>>(recorded: { values: Array<FormattedExecutionResult<{ couponEvents: E }, unknown>> }): E[] {
  return recorded.values.map((value) => value.data?.couponEvents as E);
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
