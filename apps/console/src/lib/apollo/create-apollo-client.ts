import { ApolloClient, ApolloLink, HttpLink } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { type Client as WsClient, createClient } from 'graphql-ws';
import { catchError, from, mergeMap, type Observable, of, switchMap, tap, throwError } from 'rxjs';
import type { RefreshResult } from '../auth/session-context';
import type { ConsoleConfig } from '../config/runtime-config';
import { isUnauthenticated } from '../errors/describe-error';
import { createConsoleCache } from './cache';
import { reportHttpFailure, reportHttpSuccess, resetConnectionState, setLiveStatus } from './live-status';

export interface ApolloSession {
  client: ApolloClient;
  /** Closes the WebSocket and stops the client; call when the session ends. */
  dispose(): void;
}

export interface CreateApolloClientOptions {
  config: ConsoleConfig;
  /**
   * The session's current access token, read at every request and (re)connection, so a refreshed
   * token is used without a new client; null for the anonymous client of the sign-in pages.
   */
  getToken(): string | null;
  /** A new access token from the refresh cookie (session-context.tsx). */
  refresh(): Promise<RefreshResult>;
  /** Called once when the session is over: a refresh was refused (HTTP or WebSocket). */
  onUnauthenticated(): void;
}

/**
 * An operation refused again this soon after its retry with a fresh token is not retried again:
 * the session is over. Later refusals are retried (a subscription outlives many access tokens).
 */
const RETRY_GUARD_MS = 10_000;

/** A socket that does not answer a ping this long after it was sent is dead: it is closed and retried. */
const PONG_TIMEOUT_MS = 10_000;
/** Reconnection waits grow 1, 2, 4, 8 s, then stay at this (graphql-ws's default doubles without end). */
const MAX_RETRY_WAIT_MS = 15_000;

/**
 * One Apollo client per signed-in user: HTTP for queries and mutations, graphql-ws for
 * subscriptions, both carrying the current access token. A call answered UNAUTHENTICATED is
 * retried once after a refresh. A new sign-in builds a new client, so no cached data outlives
 * the session it belongs to; a refreshed token does not.
 */
export function createApolloClient({ config, getToken, refresh, onUnauthenticated }: CreateApolloClientOptions): ApolloSession {
  const signedIn = getToken() !== null;
  let signalled = false;
  const signalUnauthenticated = () => {
    if (signalled || !signedIn) return;
    signalled = true;
    onUnauthenticated();
  };

  // credentials: login and register set the refresh cookie on their answer (CORS_ORIGINS must
  // name the console's origin; the API never allows credentials for `*`).
  const http = new HttpLink({ uri: config.graphqlUrl, credentials: 'include' });
  const auth = new SetContextLink(({ headers }) => {
    const token = getToken();
    return { headers: token ? { ...headers, authorization: `Bearer ${token}` } : headers };
  });

  // Set when the socket dropped (not a clean lazy close): events may have been missed meanwhile.
  let lostConnection = false;
  let pongTimeout: ReturnType<typeof setTimeout> | undefined;
  const ws: WsClient = createClient({
    url: config.wsUrl,
    lazy: true,
    // Read at every (re)connection: a socket closed when its token expired (4401) reconnects
    // with the refreshed one.
    connectionParams: () => {
      const token = getToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    // Keep live screens live across API restarts and flaky networks.
    retryAttempts: Number.POSITIVE_INFINITY,
    // Ping a quiet socket, so proxies with idle timeouts (nginx: 60 s) do not cut a wall screen.
    keepAlive: 20_000,
    // A wall screen left through a long outage comes back within seconds of the API.
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** retries, MAX_RETRY_WAIT_MS) + Math.random() * 1000)),
    // 4401 (expired or revoked) ends the subscriptions on the socket: the refresh link below
    // refreshes and subscribes them again, on a new socket with the new token. 4403: never.
    shouldRetry: (event) => !isAuthClose(event),
    on: {
      connecting: () => setLiveStatus('connecting'),
      // A socket whose network vanished (sleep, Wi-Fi change) stays "open" without a close: no
      // pong in time means it is dead, so it is terminated (4499) and retried like any drop.
      ping: (received) => {
        if (received) return;
        clearTimeout(pongTimeout);
        pongTimeout = setTimeout(() => ws.terminate(), PONG_TIMEOUT_MS);
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimeout);
      },
      connected: () => {
        setLiveStatus('live');
        if (lostConnection) {
          lostConnection = false;
          // Live screens show what changed while they were deaf by reading again.
          client.refetchQueries({ include: 'active' }).catch(() => undefined);
        }
      },
      closed: (event) => {
        clearTimeout(pongTimeout);
        // 1000 is graphql-ws closing an idle lazy socket: nothing is lost, nothing to show.
        const clean = (event as { code?: number } | null)?.code === 1000;
        if (!clean) lostConnection = true;
        setLiveStatus(clean ? 'idle' : 'offline');
        if (closeCode(event) === 4403) signalUnauthenticated();
      },
    },
  });

  // A call refused UNAUTHENTICATED (an expired access token; over graphql-ws, a socket closed
  // with 4401) is sent again after a refresh; a refused refresh ends the session.
  const refreshing = new ApolloLink((operation, forward) => {
    const attempt = (retriedAt: number): Observable<ApolloLink.Result> =>
      forward(operation).pipe(
        mergeMap((result) => (isUnauthenticatedResult(result) ? throwError(() => new RefusedResult(result)) : of(result))),
        catchError((error: unknown) => {
          const refused = () => (error instanceof RefusedResult ? of(error.result) : throwError(() => error));
          if (!signedIn || !(error instanceof RefusedResult || isUnauthenticated(error) || isSocketUnauthorized(error))) return refused();
          if (Date.now() - retriedAt < RETRY_GUARD_MS) {
            signalUnauthenticated();
            return refused();
          }
          return from(refresh()).pipe(
            switchMap((result) => {
              if (result === 'signedOut') signalUnauthenticated();
              return result === 'ok' ? attempt(Date.now()) : refused();
            }),
          );
        }),
      );
    return attempt(0);
  });

  // The browser knows it went offline before any socket does: drop the socket at once (the
  // badge says so, and the retries reconnect when the network is back).
  const goneOffline = () => ws.terminate();
  if (typeof window !== 'undefined') window.addEventListener('offline', goneOffline);

  const transport = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    new GraphQLWsLink(ws),
    ApolloLink.from([httpHealth, http]),
  );

  const client = new ApolloClient({
    link: ApolloLink.from([refreshing, auth, transport]),
    cache: createConsoleCache(),
    defaultOptions: {
      watchQuery: { fetchPolicy: 'cache-and-network' },
    },
  });

  return {
    client,
    dispose() {
      if (typeof window !== 'undefined') window.removeEventListener('offline', goneOffline);
      clearTimeout(pongTimeout);
      void ws.dispose();
      resetConnectionState();
      client.stop();
    },
  };
}

/**
 * Reports each HTTP call's fate to the connection badge (live-status.ts): a call that could not
 * reach the API or was answered 5xx, or whose database was away (SERVICE_UNAVAILABLE), is a
 * failure; any other answer, errors of the request's own included, shows the API is there.
 */
const httpHealth = new ApolloLink((operation, forward) =>
  forward(operation).pipe(
    tap({
      next: (result) => (hasErrorCode(result, 'SERVICE_UNAVAILABLE') ? reportHttpFailure() : reportHttpSuccess()),
      error: () => reportHttpFailure(),
    }),
  ),
);

/** graphql-ws closes with 4401 (unauthorized) or 4403 (forbidden) when `connection_init` is refused. */
function isAuthClose(event: unknown): boolean {
  const code = closeCode(event);
  return code === 4401 || code === 4403;
}

function closeCode(event: unknown): number | undefined {
  return (event as { code?: number } | null)?.code;
}

/** A result whose errors say UNAUTHENTICATED, carried through the retry as an error. */
class RefusedResult extends Error {
  constructor(readonly result: ApolloLink.Result) {
    super('UNAUTHENTICATED');
  }
}

function isUnauthenticatedResult(result: ApolloLink.Result): boolean {
  return hasErrorCode(result, 'UNAUTHENTICATED');
}

function hasErrorCode(result: ApolloLink.Result, code: string): boolean {
  const errors = (result as { errors?: ReadonlyArray<{ extensions?: { code?: unknown } }> }).errors;
  return errors?.some((e) => e.extensions?.code === code) ?? false;
}

/** How Apollo's GraphQLWsLink reports a socket closed with 4401 (graphql-ws does not retry it). */
function isSocketUnauthorized(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Socket closed with event 4401');
}
