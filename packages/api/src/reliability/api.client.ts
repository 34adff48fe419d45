import http from 'node:http';
import { ERROR_CODES } from '@coupons/core';
import type { GraphQLFormattedError } from 'graphql';

/** What one GraphQL call did, as a test compares it: the root field's data, or the first error's code. */
export type Outcome<T = any> = { ok: true; data: T } | { ok: false; code: string; message: string };

/** The contract's error codes (../shared/DESIGN.md): anything else, INTERNAL_SERVER_ERROR included, is a defect. */
export const CONTRACT_CODES = ERROR_CODES;

export const COUPON_FIELDS = 'id code state bookId assignedUserId lockExpiresAt redemptionCount';
export const REDEMPTION_FIELDS = 'id couponId bookId userId idempotencyKey metadata reversedAt coupon { code }';

export const OPS = {
  assignRandom: `mutation AssignRandom($bookId: ID!, $userId: ID, $key: String) {
    assignRandomCoupon(bookId: $bookId, userId: $userId, idempotencyKey: $key) { ${COUPON_FIELDS} } }`,
  assignCode: `mutation AssignCode($code: String!, $userId: ID) {
    assignCoupon(code: $code, userId: $userId) { ${COUPON_FIELDS} } }`,
  lock: `mutation Lock($code: String!, $key: String) { lockCoupon(code: $code, idempotencyKey: $key) { ${COUPON_FIELDS} } }`,
  unlock: `mutation Unlock($code: String!) { unlockCoupon(code: $code) { ${COUPON_FIELDS} } }`,
  redeem: `mutation Redeem($code: String!, $key: String, $metadata: JSON) {
    redeemCoupon(code: $code, idempotencyKey: $key, metadata: $metadata) { ${REDEMPTION_FIELDS} } }`,
  reverse: `mutation Reverse($id: ID!, $reason: String!) {
    reverseRedemption(redemptionId: $id, reason: $reason) { ${REDEMPTION_FIELDS} } }`,
  distribute: `mutation Distribute($poolId: ID!, $bookId: ID!, $mode: DistributionMode!, $count: Int!) {
    distributeToPool(poolId: $poolId, bookId: $bookId, mode: $mode, count: $count) { id requested assigned } }`,
  coupon: `query Coupon($code: String!) { coupon(code: $code) { ${COUPON_FIELDS} } }`,
} as const;

/**
 * Keep-alive sockets shared by every call of these tests. A thousand concurrent calls then share a
 * few hundred connections, as clients behind a load balancer would, instead of opening a thousand
 * at once and overflowing the listen backlog of a loaded machine (connect timeouts, not answers).
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
 * Sends one operation over real HTTP and reduces the answer to an {@link Outcome}. A response
 * that is not GraphQL at all (an HTML error page, a reset connection) throws: that is a defect
 * of its own, never an outcome to compare.
 */
export async function call<T = any>(
  server: { url: string },
  query: string,
  variables: Record<string, unknown>,
  token?: string | null,
): Promise<Outcome<T>> {
  const response = await postJson(server.url, JSON.stringify({ query, variables }), token ? { authorization: `Bearer ${token}` } : {});
  let body: { data?: Record<string, unknown> | null; errors?: GraphQLFormattedError[] };
  try {
    body = JSON.parse(response.text);
  } catch {
    throw new Error(`Not a GraphQL response (HTTP ${response.status}): ${response.text.slice(0, 300)}`);
  }
  const error = body.errors?.[0];
  if (error) {
    return { ok: false, code: String(error.extensions?.code ?? 'NO_CODE'), message: error.message };
  }
  const data = body.data ? (Object.values(body.data)[0] as T) : (undefined as T);
  return { ok: true, data };
}

/** A compact description of an outcome for assertion messages. */
export function describeOutcome(outcome: Outcome): string {
  return outcome.ok ? `ok ${JSON.stringify(outcome.data)}` : `${outcome.code} (${outcome.message})`;
}
