import type { GraphQLFormattedError } from 'graphql';

/** What a GraphQL call over HTTP returned. */
export interface GraphQLResponse<TData = Record<string, any>> {
  data?: TData | null;
  errors?: GraphQLFormattedError[];
  /** The HTTP status (200, or 400/413 … for refused requests). */
  status: number;
}

/** The first error's `extensions.code` (handy in assertions). */
export function errorCode(response: Pick<GraphQLResponse, 'errors'>): string | undefined {
  return response.errors?.[0]?.extensions?.code as string | undefined;
}

/**
 * POSTs one operation to a test server over real HTTP, as a browser client would
 * (`content-type: application/json`), with `Authorization: Bearer <token>` when given.
 */
export async function graphqlRequest<TData = Record<string, any>>(
  server: { url: string },
  query: string,
  variables?: Record<string, unknown>,
  token?: string | null,
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: TData | null; errors?: GraphQLFormattedError[] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`Not a GraphQL response (HTTP ${response.status}): ${text.slice(0, 500)}`);
  }
  return { data: body.data, errors: body.errors, status: response.status };
}
