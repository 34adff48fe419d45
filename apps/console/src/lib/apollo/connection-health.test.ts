import { parse } from 'graphql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApolloClient } from './create-apollo-client';
import { connectionHealth, getConnectionState, resetConnectionState } from './live-status';

// The real client's HTTP path over a stubbed fetch reports to the connection badge: an
// unreachable API, a 502 from a proxy and a database that is away (SERVICE_UNAVAILABLE) are
// failures; any answer, a refusal of the request itself included, clears them.

const config = { graphqlUrl: 'http://api.test/graphql', wsUrl: 'ws://api.test/graphql', apiBaseUrl: 'http://api.test' };
const ME = parse('query HealthMe { me { id } }');
const json = (body: object, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/graphql-response+json' } });

let answer: () => Promise<Response>;
beforeEach(() => vi.stubGlobal('fetch', vi.fn(() => answer())));
afterEach(() => {
  vi.unstubAllGlobals();
  resetConnectionState();
});

describe('HTTP health in the connection badge', () => {
  it('failures set "failing since" once; the next answered call clears it', async () => {
    const apollo = createApolloClient({ config, getToken: () => 'token', refresh: async () => 'ok', onUnauthenticated: vi.fn() });
    const query = () => apollo.client.query({ query: ME, fetchPolicy: 'network-only' });
    try {
      answer = () => Promise.reject(new TypeError('Failed to fetch'));
      await expect(query()).rejects.toThrow();
      const since = getConnectionState().httpFailingSince;
      expect(since).not.toBeNull();
      expect(connectionHealth(getConnectionState())).toEqual({ kind: 'failing', since });

      answer = async () => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } });
      await expect(query()).rejects.toThrow();
      expect(getConnectionState().httpFailingSince).toBe(since);

      answer = async () => json({ errors: [{ message: 'The database is restarting', extensions: { code: 'SERVICE_UNAVAILABLE' } }] }, 503);
      await expect(query()).rejects.toThrow();
      expect(getConnectionState().httpFailingSince).toBe(since);

      // A refusal of the request itself is an answer: the API is there.
      answer = async () => json({ errors: [{ message: 'first: must be between 1 and 100', extensions: { code: 'BAD_USER_INPUT' } }] });
      await expect(query()).rejects.toThrow();
      expect(getConnectionState().httpFailingSince).toBeNull();

      // And data clears it too.
      answer = () => Promise.reject(new TypeError('Failed to fetch'));
      await expect(query()).rejects.toThrow();
      expect(getConnectionState().httpFailingSince).not.toBeNull();
      answer = async () => json({ data: { me: { __typename: 'User', id: 'u1' } } });
      await expect(query()).resolves.toMatchObject({ data: { me: { id: 'u1' } } });
      expect(connectionHealth(getConnectionState()).kind).toBe('connecting');
    } finally {
      apollo.dispose();
    }
  });
});
