import http from 'node:http';
import type { GraphQLFormattedError } from 'graphql';

/** What a GraphQL call over HTTP returned. */
export interface GraphQLResponse<TData = Record<string, any>> {
  data?: TData | null;
  errors?: GraphQLFormattedError[];
  /** The HTTP status (200, or 400/413 … for refused requests). */
  status: number;
}

/** What one GraphQL call did, as a test compares it: the root field's data, or the first error's code. */
export type Outcome<T = any> = { ok: true; data: T } | { ok: false; code: string; message: string };

/** The first error's `extensions.code` (handy in assertions). */
export function errorCode(response: Pick<GraphQLResponse, 'errors'>): string | undefined {
  return response.errors?.[0]?.extensions?.code as string | undefined;
}

/**
 * Keep-alive sockets shared by every call of a test process. A thousand concurrent calls then
 * share a few hundred connections, as clients behind a load balancer would, instead of opening a
 * thousand at once and overflowing the listen backlog of a loaded machine (connect timeouts, not
 * answers). Idle sockets do not keep the process alive.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** The raw HTTP answer of a POST to `url` (no parsing), over the shared keep-alive agent. */
export function postJson(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * POSTs one operation to a server over real HTTP, as a browser client would
 * (`content-type: application/json`), with `Authorization: Bearer <token>` when given. A response
 * that is not GraphQL at all (an HTML error page, a reset connection) throws: that is a defect of
 * its own, never an answer to compare.
 */
export async function graphqlRequest<TData = Record<string, any>>(
  server: { url: string },
  query: string,
  variables?: Record<string, unknown>,
  token?: string | null,
): Promise<GraphQLResponse<TData>> {
  const response = await postJson(server.url, JSON.stringify({ query, variables }), token ? { authorization: `Bearer ${token}` } : {});
  let body: { data?: TData | null; errors?: GraphQLFormattedError[] };
  try {
    body = JSON.parse(response.text);
  } catch {
    throw new Error(`Not a GraphQL response (HTTP ${response.status}): ${response.text.slice(0, 500)}`);
  }
  return { data: body.data, errors: body.errors, status: response.status };
}

/**
 * Sends one operation like {@link graphqlRequest} and reduces the answer to an {@link Outcome}:
 * the first root field's data, or the first error's code.
 */
export async function call<T = any>(
  server: { url: string },
  query: string,
  variables: Record<string, unknown>,
  token?: string | null,
): Promise<Outcome<T>> {
  const response = await graphqlRequest<Record<string, unknown>>(server, query, variables, token);
  const error = response.errors?.[0];
  if (error) {
    return { ok: false, code: String(error.extensions?.code ?? 'NO_CODE'), message: error.message };
  }
  const data = response.data ? (Object.values(response.data)[0] as T) : (undefined as T);
  return { ok: true, data };
}

/** A compact description of an outcome for assertion messages. */
export function describeOutcome(outcome: Outcome): string {
  return outcome.ok ? `ok ${JSON.stringify(outcome.data)}` : `${outcome.code} (${outcome.message})`;
}
