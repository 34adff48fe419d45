import { describe, expect, it } from 'vitest';
import { memoryLogger, useApiTest } from '../../testing/index.ts';

// What one request id ties together in the logs (docs/operations.md, "Logs"): the access line,
// its errors (unexpected at error, the others at debug) and the events it committed (debug).

const log = memoryLogger('debug');
const t = useApiTest({ logger: log.logger });

async function post(requestId: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(t.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: any[] };
}

const linesOf = (requestId: string) => log.records().filter((l) => l.requestId === requestId);

describe('request id in the logs', () => {
  it("follows a mutation into the events it committed, by the events' ids", async () => {
    const book = await post(
      'corr-setup',
      t.admin.token,
      'mutation { createBook(input: { name: "Corr", discountType: PERCENTAGE, discountValue: 5 }) { id } }',
    );
    const bookId = book.data.createBook.id;
    await post('corr-setup', t.admin.token, 'mutation ($b: ID!) { uploadCodes(bookId: $b, codes: ["CORR-0001"]) { inserted } }', { b: bookId });

    await post('corr-assign', t.user.token, 'mutation Claim($b: ID!) { assignRandomCoupon(bookId: $b) { code } }', { b: bookId });
    await t.server.server.live!.settle();
    const [event] = await t.server.db.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT id::text AS id FROM coupon_event WHERE type = 'ASSIGNED' AND book_id = ${bookId}::uuid`;
    const own = linesOf('corr-assign');
    expect(own.find((l) => l.msg === 'events announced')).toMatchObject({ level: 'debug', eventIds: [event.id] });
    expect(own.find((l) => l.msg === 'request')).toMatchObject({ level: 'info', path: '/graphql', status: 200 });
  });

  it('logs a contract error at debug with its code, and an unexpected one at error, both with the request id', async () => {
    await post('corr-missing', t.user.token, 'mutation Lock { lockCoupon(code: "NO-SUCH-CODE") { code } }');
    expect(linesOf('corr-missing').find((l) => l.msg === 'GraphQL error')).toMatchObject({
      level: 'debug',
      code: 'NOT_FOUND',
      operation: 'Lock',
      path: 'lockCoupon',
    });

    await t.server.db.prisma.$executeRaw`ALTER TABLE app_user RENAME TO app_user_gone`;
    try {
      const res = await post('corr-bug', t.user.token, 'query Me { me { id } }');
      expect(res.errors?.[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await t.server.db.prisma.$executeRaw`ALTER TABLE app_user_gone RENAME TO app_user`;
    }
    const unexpected = log.records().filter((l) => l.msg === 'Unexpected error');
    expect(unexpected).toHaveLength(1); // once, with its request: not again without it
    expect(unexpected[0]).toMatchObject({ level: 'error', requestId: 'corr-bug', operation: 'Me', path: 'me' });
  });
});
