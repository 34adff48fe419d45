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
export function connectGraphQLWs(server: { wsUrl: string }, token?: string | null): Client {
  return createClient({
    url: server.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
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
