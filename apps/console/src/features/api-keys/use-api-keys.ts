'use client';

import { graphql } from '@/gql';
import type { ApiKeyScope } from '@/gql/graphql';
import { useMutationAction } from '@/lib/apollo/use-mutation-action';
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
  const creation = useMutationAction(CreateApiKeyMutation, (data) => data.createApiKey, {
    fetchPolicy: 'no-cache',
    forget: true,
    refetchQueries: [ApiKeysQuery],
    awaitRefetchQueries: true,
  });
  // The answer is the key's row: the normalized cache updates the list by itself.
  const revocation = useMutationAction(RevokeApiKeyMutation, (data) => data.revokeApiKey);

  return {
    list,
    createApiKey: (name: string, scopes: ApiKeyScope[]) => creation.run({ input: { name, scopes } }),
    creating: creation.loading,
    revokeApiKey: (id: string) => revocation.run({ id }),
    revoking: revocation.loading,
  };
}
