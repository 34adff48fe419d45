'use client';

import { useMutation } from '@apollo/client/react';
import { graphql } from '@/gql';
import type { ApiKeyScope } from '@/gql/graphql';
import { usePagedQuery } from '@/lib/apollo/use-paged-query';

/** Keys per page unless the URL asks for another size. */
export const API_KEYS_PAGE = 20;

export const ApiKeysQuery = graphql(`
  query ApiKeys($first: Int, $after: String) {
    apiKeysConnection(first: $first, after: $after) {
      totalCount
      pageInfo {
        ...NextPage
      }
      edges {
        cursor
        node {
          ...ApiKeyTableRow
        }
      }
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
 * The API keys (newest first, revoked ones too), a page at a time (`start`: the cursor the page
 * starts after), and creating and revoking them. The secret a creation returns is handed to the
 * caller only: it never enters Apollo's cache (`no-cache`) nor stays in the hook's state, so once
 * the page lets go of it, it is gone.
 */
export function useApiKeys({ pageSize = API_KEYS_PAGE, start = null }: { pageSize?: number; start?: string | null } = {}) {
  const list = usePagedQuery(ApiKeysQuery, { variables: {}, pageSize, start, connection: (data) => data.apiKeysConnection });
  // The pages shown are read again (the new key leads the first one, as the API orders them) before the creation resolves.
  const [create, creation] = useMutation(CreateApiKeyMutation, { fetchPolicy: 'no-cache', refetchQueries: [ApiKeysQuery], awaitRefetchQueries: true });
  // The answer is the key's row: the normalized cache updates the list by itself.
  const [revoke, revocation] = useMutation(RevokeApiKeyMutation);

  const createApiKey = async (name: string, scopes: ApiKeyScope[]) => {
    const result = await create({ variables: { input: { name, scopes } } });
    creation.reset();
    return result.data?.createApiKey ?? null;
  };

  const revokeApiKey = async (id: string) => (await revoke({ variables: { id } })).data?.revokeApiKey ?? null;

  return {
    list,
    createApiKey,
    creating: creation.loading,
    revokeApiKey,
    revoking: revocation.loading,
  };
}
