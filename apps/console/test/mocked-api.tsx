// Apollo against a MockLink, for the console's hook and component tests: no API is started.
import { ApolloClient, InMemoryCache, type InMemoryCacheConfig } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { MockLink } from '@apollo/client/testing';
import type { ReactNode } from 'react';

/**
 * A client that answers `mocks` in order (a request beyond them fails the test's query), and a
 * `wrapper` that provides it, for `render(…, { wrapper })` and `renderHook(…, { wrapper })`.
 */
export function mockedApi(mocks: MockLink.MockedResponse[], cache?: InMemoryCacheConfig) {
  const client = new ApolloClient({ link: new MockLink(mocks), cache: new InMemoryCache(cache) });
  const wrapper = ({ children }: { children: ReactNode }) => <ApolloProvider client={client}>{children}</ApolloProvider>;
  return { client, wrapper };
}
