import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { type Client as WsClient, createClient } from 'graphql-ws';
import type { ConsoleConfig } from '../config/runtime-config';
import { isUnauthenticated } from '../errors/describe-error';
import { setLiveStatus } from './live-status';

export interface ApolloSession {
  client: ApolloClient;
  /** Closes the WebSocket and stops the client; call when the session ends. */
  dispose(): void;
}

export interface CreateApolloClientOptions {
  config: ConsoleConfig;
  /** The session's bearer token; null for the anonymous client of the sign-in pages. */
  token: string | null;
  /** Called once when the API says the token is no longer valid (HTTP or WebSocket). */
  onUnauthenticated(): void;
}

/**
 * One Apollo client per session: HTTP for queries and mutations, graphql-ws for subscriptions,
 * both carrying the token. A new sign-in builds a new client, so no cached data outlives the
 * session it belongs to.
 */
export function createApolloClient({ config, token, onUnauthenticated }: CreateApolloClientOptions): ApolloSession {
  let signalled = false;
  const signalUnauthenticated = () => {
    if (signalled || !token) return;
    signalled = true;
    onUnauthenticated();
  };

  const http = new HttpLink({
    uri: config.graphqlUrl,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

  // Set when the socket dropped (not a clean lazy close): events may have been missed meanwhile.
  let lostConnection = false;
  const ws: WsClient = createClient({
    url: config.wsUrl,
    lazy: true,
    connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
    // Keep live screens live across API restarts and flaky networks.
    retryAttempts: Number.POSITIVE_INFINITY,
    // Ping a quiet socket, so proxies with idle timeouts (nginx: 60 s) do not cut a wall screen.
    keepAlive: 20_000,
    shouldRetry: (event) => !isAuthClose(event),
    on: {
      connecting: () => setLiveStatus('connecting'),
      connected: () => {
        setLiveStatus('live');
        if (lostConnection) {
          lostConnection = false;
          // Live screens show what changed while they were deaf by reading again.
          client.refetchQueries({ include: 'active' }).catch(() => undefined);
        }
      },
      closed: (event) => {
        // 1000 is graphql-ws closing an idle lazy socket: nothing is lost, nothing to show.
        const clean = (event as { code?: number } | null)?.code === 1000;
        if (!clean) lostConnection = true;
        setLiveStatus(clean ? 'idle' : 'offline');
        if (isAuthClose(event)) signalUnauthenticated();
      },
    },
  });

  const errors = new ErrorLink(({ error }) => {
    // GraphQL errors and HTTP 401 bodies alike; describeError reads both.
    const unauthenticated = CombinedGraphQLErrors.is(error)
      ? error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')
      : isUnauthenticated(error);
    if (unauthenticated) signalUnauthenticated();
  });

  const transport = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    new GraphQLWsLink(ws),
    http,
  );

  const client = new ApolloClient({
    link: ApolloLink.from([errors, transport]),
    cache: new InMemoryCache({
      typePolicies: {
        Query: {
          fields: {
            // Cache redirect: `book(id)` reads a Book any list already loaded before going to the network.
            book: { read: (existing, { args, toReference }) => existing ?? (args?.id ? toReference({ __typename: 'Book', id: args.id as string }) : undefined) },
          },
        },
        BookStats: { keyFields: ['bookId'] },
        CodeJobProgress: { keyFields: ['jobId'] },
        BookCounts: { keyFields: false, merge: true },
        Book: { fields: { counts: { merge: true } } },
      },
    }),
    defaultOptions: {
      watchQuery: { fetchPolicy: 'cache-and-network' },
    },
  });

  return {
    client,
    dispose() {
      void ws.dispose();
      setLiveStatus('idle');
      client.stop();
    },
  };
}

/** graphql-ws closes with 4401 (unauthorized) or 4403 (forbidden) when `connection_init` is refused. */
function isAuthClose(event: unknown): boolean {
  const code = (event as { code?: number } | null)?.code;
  return code === 4401 || code === 4403;
}
