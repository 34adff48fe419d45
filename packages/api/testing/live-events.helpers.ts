import { graphqlRequest } from './graphql-http.client.ts';

// Helpers of the live-event tests (and the latency measurement): data made through the API, and
// waiting for deliveries that the protocol does not acknowledge.

/** Polls `check` until it holds (or fails with `what` after `ms`). */
export async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface HasLive {
  live: { settle(): Promise<void>; couponEvents: { size: number } } | null;
}

/** Waits until `server` has delivered everything committed (and announced) so far. */
export async function settled(...servers: HasLive[]): Promise<void> {
  for (const server of servers) await server.live?.settle();
}

/** Waits until `server` holds `count` coupon-event subscriptions (there is no "subscribed" ack in the protocol). */
export function subscribedOn(server: HasLive, count: number): Promise<void> {
  return waitFor(() => (server.live?.couponEvents.size ?? 0) >= count, `${count} subscriptions`);
}

/** Creates a book through the API (no codes yet); returns its id. */
export async function createBook(
  server: { url: string },
  adminToken: string,
  options: { lockTtlSeconds?: number; allowMultipleRedemptions?: boolean } = {},
): Promise<string> {
  const data = await mutate<{ createBook: { id: string } }>(
    server,
    adminToken,
    `mutation($input: CreateBookInput!) { createBook(input: $input) { id } }`,
    {
      input: {
        name: `Live ${Math.random().toString(36).slice(2, 8)}`,
        discountType: 'PERCENTAGE',
        discountValue: 10,
        lockTtlSeconds: options.lockTtlSeconds ?? 300,
        allowMultipleRedemptions: options.allowMultipleRedemptions ?? false,
      },
    },
  );
  return data.createBook.id;
}

/** Uploads `count` fresh codes into a book (one CREATED_BULK event); returns them. */
export async function uploadCodes(server: { url: string }, adminToken: string, bookId: string, count: number): Promise<string[]> {
  const prefix = `L${bookId.slice(0, 8).toUpperCase()}${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
  const codes = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const data = await mutate<{ uploadCodes: { inserted: number } }>(
    server,
    adminToken,
    `mutation($bookId: ID!, $codes: [String!]) { uploadCodes(bookId: $bookId, codes: $codes) { inserted } }`,
    { bookId, codes },
  );
  if (data.uploadCodes.inserted !== count) throw new Error(`uploadCodes inserted ${data.uploadCodes.inserted} of ${count}`);
  return codes;
}

/** A book with `count` codes. */
export async function createBookWithCodes(
  server: { url: string },
  adminToken: string,
  count: number,
  options: { lockTtlSeconds?: number; allowMultipleRedemptions?: boolean } = {},
): Promise<{ bookId: string; codes: string[] }> {
  const bookId = await createBook(server, adminToken, options);
  return { bookId, codes: await uploadCodes(server, adminToken, bookId, count) };
}

/** Calls a mutation and fails the test with its errors if it has any. */
export async function mutate<T = Record<string, any>>(
  server: { url: string },
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await graphqlRequest<T>(server, query, variables, token);
  if (response.errors?.length || !response.data) throw new Error(`Mutation failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

/** The fields every couponEvents test selects. */
export const COUPON_EVENT_FIELDS = `
  id type bookId couponId fromState toState count at serverTime
  coupon { id code state assignedUserId lockExpiresAt redemptionCount }
  actor { id email role }
  redemption { id userId couponId reversedAt }`;
