import { e2eEnv } from './env.ts';

export interface GraphQLErrorLike {
  message: string;
  extensions?: { code?: string };
}

/** Thrown when the API answers with errors; `code` is the contract's `extensions.code`. */
export class ApiError extends Error {
  constructor(readonly errors: GraphQLErrorLike[]) {
    super(errors.map((e) => `${e.extensions?.code ?? '?'}: ${e.message}`).join('; '));
  }
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

/** Calls the real GraphQL API over HTTP, as the given user (or anonymously). */
export async function graphql<T>(token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(e2eEnv.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: GraphQLErrorLike[] };
  if (body.errors?.length) throw new ApiError(body.errors);
  if (!body.data) throw new Error(`No data (HTTP ${response.status})`);
  return body.data;
}

/**
 * Calls the API as `graphql` does, for a test that expects a refusal: the error code it answered
 * (`extensions.code`), or null when the call worked. Anything else (no answer, no data) throws.
 */
export async function errorCodeOf(token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<string | null> {
  try {
    await graphql(token, query, variables);
    return null;
  } catch (error) {
    if (error instanceof ApiError) return error.code ?? 'no code';
    throw error;
  }
}
