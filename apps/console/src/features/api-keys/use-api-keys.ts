'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { graphql } from '@/gql';
import type { ApiKeyScope } from '@/gql/graphql';

export const ApiKeysQuery = graphql(`
  query ApiKeys {
    apiKeys {
      ...ApiKeyTableRow
    }
  }
`);

export const CreateApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      apiKey {
        ...ApiKeyTableRow
      }
      secret
    }
  }
`);

export const RevokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      ...ApiKeyTableRow
    }
  }
`);

/**
 * The API keys (newest first, revoked ones too), and creating and revoking them. The secret a
 * creation returns is handed to the caller only: it never enters Apollo's cache (`no-cache`) nor
 * stays in the hook's state, so once the page lets go of it, it is gone.
 */
export function useApiKeys() {
  const { data, loading, error, refetch } = useQuery(ApiKeysQuery);
  const [create, creation] = useMutation(CreateApiKeyMutation, { fetchPolicy: 'no-cache' });
  // The answer is the key's row: the normalized cache updates the list by itself.
  const [revoke, revocation] = useMutation(RevokeApiKeyMutation);

  const createApiKey = async (name: string, scopes: ApiKeyScope[]) => {
    const result = await create({
      variables: { input: { name, scopes } },
      // The key (without its secret) goes first in the list, as the API orders it.
      update(cache, { data: created }) {
        const apiKey = created?.createApiKey.apiKey;
        if (apiKey) cache.updateQuery({ query: ApiKeysQuery }, (list) => (list ? { apiKeys: [apiKey, ...list.apiKeys.filter((k) => k.id !== apiKey.id)] } : list));
      },
    });
    creation.reset();
    return result.data?.createApiKey ?? null;
  };

  const revokeApiKey = async (id: string) => (await revoke({ variables: { id } })).data?.revokeApiKey ?? null;

  return {
    apiKeys: data?.apiKeys,
    loading,
    error,
    refetch: () => void refetch(),
    createApiKey,
    creating: creation.loading,
    revokeApiKey,
    revoking: revocation.loading,
  };
}
