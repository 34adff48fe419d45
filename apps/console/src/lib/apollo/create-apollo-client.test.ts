import { parse } from 'graphql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RefreshResult } from '../auth/session-context';
import { createApolloClient } from './create-apollo-client';

// The refresh-and-retry link over a stubbed fetch: a call answered UNAUTHENTICATED is sent again
// once with the refreshed token; a refused refresh, or a refusal right after the retry, ends the
// session; the anonymous client never refreshes.

const config = { graphqlUrl: 'http://api.test/graphql', wsUrl: 'ws://api.test/graphql', apiBaseUrl: 'http://api.test' };
// parse, not a gql tag: codegen collects tagged documents, and this one is only for the test.
const ME = parse('query TestMe { me { id } }');
const UNAUTHENTICATED = { errors: [{ message: 'Your session has expired; sign in again', extensions: { code: 'UNAUTHENTICATED' } }] };
const ME_DATA = { data: { me: { __typename: 'User', id: 'u1' } } };

/** The Authorization header of each request, and whose token gets which answer. */
let sent: Array<string | null>;
let answer: (authorization: string | null) => object;

beforeEach(() => {
  sent = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: RequestInit) => {
      const authorization = new Headers(init.headers).get('authorization');
      sent.push(authorization);
      return new Response(JSON.stringify(answer(authorization)), { status: 200, headers: { 'content-type': 'application/json' } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

function setUp(token: string | null, refreshTo: RefreshResult, newToken = 'new') {
  let current = token;
  const refresh = vi.fn(async () => {
    if (refreshTo === 'ok') current = newToken;
    return refreshTo;
  });
  const onUnauthenticated = vi.fn();
  const apollo = createApolloClient({ config, getToken: () => current, refresh, onUnauthenticated });
  return { client: apollo.client, refresh, onUnauthenticated, dispose: apollo.dispose };
}

describe('refresh and retry', () => {
  it('an UNAUTHENTICATED answer: one refresh, the same query again with the new token', async () => {
    answer = (authorization) => (authorization === 'Bearer new' ? ME_DATA : UNAUTHENTICATED);
    const { client, refresh, onUnauthenticated, dispose } = setUp('old', 'ok');
    const result = await client.query({ query: ME });
    expect(result.data).toEqual({ me: { __typename: 'User', id: 'u1' } });
    expect(sent).toEqual(['Bearer old', 'Bearer new']);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(onUnauthenticated).not.toHaveBeenCalled();
    dispose();
  });

  it('a refused refresh ends the session and the call fails UNAUTHENTICATED', async () => {
    answer = () => UNAUTHENTICATED;
    const { client, refresh, onUnauthenticated, dispose } = setUp('old', 'signedOut');
    await expect(client.query({ query: ME })).rejects.toThrow(/sign in again/);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    expect(sent).toEqual(['Bearer old']);
    dispose();
  });

  it('refused again right after the retry: no second refresh, the session ends', async () => {
    answer = () => UNAUTHENTICATED;
    const { client, refresh, onUnauthenticated, dispose } = setUp('old', 'ok');
    await expect(client.query({ query: ME })).rejects.toThrow(/sign in again/);
    expect(sent).toEqual(['Bearer old', 'Bearer new']);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    dispose();
  });

  it('an unreachable refresh keeps the session: the call fails, nobody is signed out', async () => {
    answer = () => UNAUTHENTICATED;
    const { client, onUnauthenticated, dispose } = setUp('old', 'failed');
    await expect(client.query({ query: ME })).rejects.toThrow();
    expect(onUnauthenticated).not.toHaveBeenCalled();
    dispose();
  });

  it('the anonymous client never refreshes', async () => {
    answer = () => UNAUTHENTICATED;
    const { client, refresh, dispose } = setUp(null, 'ok');
    await expect(client.query({ query: ME })).rejects.toThrow();
    expect(refresh).not.toHaveBeenCalled();
    expect(sent).toEqual([null]);
    dispose();
  });
});
