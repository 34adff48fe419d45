import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { apiKey, SECRET } from '../../../test/api-keys.fixtures';
import { mockedApi } from '../../../test/mocked-api';
import { ApiKeysQuery, CreateApiKeyMutation, RevokeApiKeyMutation, useApiKeys } from './use-api-keys';

const connection = (keys: ReturnType<typeof apiKey>[]) => ({
  apiKeysConnection: {
    __typename: 'ApiKeyConnection' as const,
    totalCount: keys.length,
    pageInfo: { __typename: 'PageInfo' as const, hasNextPage: false, endCursor: keys.at(-1)?.id ?? null },
    edges: keys.map((node) => ({ __typename: 'ApiKeyEdge' as const, cursor: node.id, node })),
  },
});
const listRequest = { query: ApiKeysQuery, variables: { first: 20, after: null } };

describe('useApiKeys', () => {
  it('lists the keys, puts a created one first without keeping its secret, and shows a revoked one as revoked', async () => {
    const created = apiKey(3, { scopes: ['COUPONS_WRITE'] });
    const { client, wrapper } = mockedApi([
      { request: listRequest, result: { data: connection([apiKey(2), apiKey(1)]) } },
      {
        request: { query: CreateApiKeyMutation, variables: { input: { name: 'Shop 3', scopes: ['COUPONS_WRITE'] } } },
        result: { data: { createApiKey: { __typename: 'CreatedApiKey', apiKey: created, secret: SECRET } } },
      },
      // The page shown is read again after a creation: the new key leads it.
      { request: listRequest, result: { data: connection([created, apiKey(2), apiKey(1)]) } },
      {
        request: { query: RevokeApiKeyMutation, variables: { id: 'key-2' } },
        result: { data: { revokeApiKey: { ...apiKey(2), revokedAt: '2026-03-04T09:00:00.000Z' } } },
      },
    ]);
    const { result } = renderHook(() => useApiKeys(), { wrapper });
    expect(result.current.list.loading).toBe(true);
    await waitFor(() => expect(result.current.list.nodes?.map((k) => k.id)).toEqual(['key-2', 'key-1']));

    let answer: Awaited<ReturnType<typeof result.current.createApiKey>> = null;
    await act(async () => {
      answer = await result.current.createApiKey('Shop 3', ['COUPONS_WRITE']);
    });
    expect(answer).toMatchObject({ secret: SECRET, apiKey: { id: 'key-3' } });
    expect(result.current.list.nodes?.map((k) => k.id)).toEqual(['key-3', 'key-2', 'key-1']);
    // Shown once: the secret is in no cache entry, so nothing can show it again.
    expect(JSON.stringify(client.cache.extract())).not.toContain(SECRET);

    await act(async () => {
      await result.current.revokeApiKey('key-2');
    });
    expect(result.current.list.nodes?.find((k) => k.id === 'key-2')?.revokedAt).toBe('2026-03-04T09:00:00.000Z');
  });

  it('rejects with the API’s error when a creation is refused', async () => {
    const { wrapper } = mockedApi([
      { request: listRequest, result: { data: connection([]) } },
      {
        request: { query: CreateApiKeyMutation, variables: { input: { name: 'x', scopes: [] } } },
        result: { errors: [{ message: 'scopes: must name at least one scope', extensions: { code: 'BAD_USER_INPUT', field: 'scopes' } }] },
      },
    ]);
    const { result } = renderHook(() => useApiKeys(), { wrapper });
    await waitFor(() => expect(result.current.list.nodes).toEqual([]));
    await expect(result.current.createApiKey('x', [])).rejects.toMatchObject({ errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
  });
});
