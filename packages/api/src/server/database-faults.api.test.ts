import type { Client } from 'graphql-ws';
import { beforeAll, describe, expect, it } from 'vitest';
import { startLoggedServer, useApiTest, useDatabaseOutage, wsRequest } from '../../testing/index.ts';

// Database faults over the real transports: a CHECK constraint that fires is answered as the bug
// it is (never a contract code), and a database that is away is answered SERVICE_UNAVAILABLE
// with what a client needs to retry, over HTTP and graphql-ws alike.

const t = useApiTest({ start: () => startLoggedServer({ MUTATION_RATE_LIMIT: '1000000' }) });
const outage = useDatabaseOutage(() => t.server);
let ws: Client;
beforeAll(() => {
  ws = t.clients.connect(t.server, t.user.token).client;
});

async function post(requestId: string, token: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(t.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const logLines = () =>
  t.server
    .logs()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

async function scrape(): Promise<string> {
  return (await fetch(`${t.server.baseUrl}/metrics`)).text(); // loopback: allowed without a token
}

const LOCK = 'mutation Lock($code: String!) { lockCoupon(code: $code) { code state } }';

/** A book named `name` holding `codes`, each assigned to the user; the requests' ids are `<step>-book`, `<step>-codes`, `<step>-assign`. */
async function bookAssignedToUser(step: string, name: string, codes: string[]): Promise<void> {
  const created = await post(`${step}-book`, t.admin.token, 'mutation ($n: String!) { createBook(input: { name: $n, discountType: PERCENTAGE, discountValue: 5 }) { id } }', { n: name });
  const bookId = JSON.parse(created.text).data.createBook.id;
  await post(`${step}-codes`, t.admin.token, 'mutation ($b: ID!, $codes: [String!]) { uploadCodes(bookId: $b, codes: $codes) { inserted } }', { b: bookId, codes });
  for (const code of codes) {
    await post(`${step}-assign`, t.admin.token, 'mutation ($c: String!, $u: ID) { assignCoupon(code: $c, userId: $u) { code } }', { c: code, u: t.user.user.id });
  }
}

describe('a CHECK violation', () => {
  it('is answered INTERNAL_SERVER_ERROR with the request id, logged with the transition and constraint, and counted', async () => {
    await bookAssignedToUser('setup', 'Bug', ['CHECK-BUG-1', 'CHECK-BUG-2']);
    // Stand-in for a bug in a transition: a CHECK that every lock violates. The transition's own
    // statement allows the lock, so only the constraint can refuse it.
    await t.server.db.prisma.$executeRaw`ALTER TABLE coupon ADD CONSTRAINT zz_forced_bug_check CHECK (state <> 'LOCKED') NOT VALID`;
    try {
      const http = await post('check-bug-http', t.user.token, LOCK, { code: 'CHECK-BUG-1' });
      expect(http.status).toBe(200);
      expect(JSON.parse(http.text)).toEqual({
        errors: [
          {
            message: 'Internal server error',
            locations: [{ line: 1, column: 33 }],
            path: ['lockCoupon'],
            extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'check-bug-http' },
          },
        ],
        data: null,
      });
      // Neither SQL, nor a constraint or table name, nor a stack reaches the client.
      expect(http.text).not.toMatch(/zz_forced|constraint|coupon |23514|SELECT|UPDATE|\bat .+:\d+/i);

      const overWs = await wsRequest(ws, LOCK, { code: 'CHECK-BUG-2' });
      expect(overWs.errors?.[0]).toMatchObject({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) },
      });
      expect(JSON.stringify(overWs)).not.toMatch(/zz_forced|23514/);
    } finally {
      await t.server.db.prisma.$executeRaw`ALTER TABLE coupon DROP CONSTRAINT zz_forced_bug_check`;
    }

    const reported = logLines().filter((l) => l.constraint === 'zz_forced_bug_check');
    expect(reported).toHaveLength(2); // once per request: not again as an "Unexpected error"
    expect(reported[0]).toMatchObject({ level: 'error', requestId: 'check-bug-http', transition: 'lockCoupon', sqlState: '23514', path: 'lockCoupon' });
    expect(reported[0].msg).toMatch(/CHECK constraint zz_forced_bug_check violated in lockCoupon/);
    expect(reported[1]).toMatchObject({ level: 'error', transition: 'lockCoupon' });
    expect(logLines().filter((l) => l.msg === 'Unexpected error')).toEqual([]);

    const metrics = await scrape();
    expect(metrics).toContain('coupons_constraint_violations_total{constraint="zz_forced_bug_check",operation="lockCoupon"} 2');
    expect(metrics).toContain('coupons_graphql_errors_total{operation="Lock",code="INTERNAL_SERVER_ERROR"} 1');
    // The coupons are untouched, and lock fine once the "bug" is gone.
    const fixed = await post('check-bug-fixed', t.user.token, LOCK, { code: 'CHECK-BUG-1' });
    expect(JSON.parse(fixed.text)).toEqual({ data: { lockCoupon: { code: 'CHECK-BUG-1', state: 'LOCKED' } } });
  });
});

describe('a serialization failure or deadlock', () => {
  it('is not answered: the mutation runs again (at most 3 times), and the re-runs are counted', async () => {
    await bookAssignedToUser('conflict', 'Conflict', ['CONFLICT-1', 'CONFLICT-2']);
    // Every UPDATE of a coupon fails with 40001 while the sequence is below the limit (a sequence,
    // because it does not roll back with the failed transaction).
    await t.server.db.prisma.$executeRaw`CREATE SEQUENCE zz_conflicts`;
    await t.server.db.prisma.$executeRaw`CREATE TABLE zz_conflict_limit (n int NOT NULL)`;
    await t.server.db.prisma.$executeRaw`
      CREATE FUNCTION zz_conflict() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('zz_conflicts') <= (SELECT n FROM zz_conflict_limit) THEN
          RAISE EXCEPTION 'could not serialize access (forced)' USING ERRCODE = '40001';
        END IF;
        RETURN NEW;
      END $$`;
    await t.server.db.prisma.$executeRaw`CREATE TRIGGER zz_conflict BEFORE UPDATE ON coupon FOR EACH ROW EXECUTE FUNCTION zz_conflict()`;
    const conflicts = async (count: number) => {
      await t.server.db.prisma.$executeRaw`DELETE FROM zz_conflict_limit`;
      await t.server.db.prisma.$executeRaw`INSERT INTO zz_conflict_limit VALUES (${count})`;
      await t.server.db.prisma.$executeRaw`ALTER SEQUENCE zz_conflicts RESTART`;
    };
    try {
      await conflicts(3);
      const third = await post('conflict-3', t.user.token, LOCK, { code: 'CONFLICT-1' });
      expect(JSON.parse(third.text)).toEqual({ data: { lockCoupon: { code: 'CONFLICT-1', state: 'LOCKED' } } });
      expect(await scrape()).toContain('coupons_transaction_retries_total{operation="lockCoupon"} 3');

      await conflicts(4); // one more than the re-runs: answered, as the unexpected error it then is
      const fourth = await post('conflict-4', t.user.token, LOCK, { code: 'CONFLICT-2' });
      expect(JSON.parse(fourth.text).errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'conflict-4' });
      expect(await scrape()).toContain('coupons_transaction_retries_total{operation="lockCoupon"} 6');
    } finally {
      await t.server.db.prisma.$executeRaw`DROP TRIGGER zz_conflict ON coupon`;
      await t.server.db.prisma.$executeRaw`DROP FUNCTION zz_conflict()`;
      await t.server.db.prisma.$executeRaw`DROP TABLE zz_conflict_limit`;
      await t.server.db.prisma.$executeRaw`DROP SEQUENCE zz_conflicts`;
    }
  });
});

describe('the database away', () => {
  it('is answered SERVICE_UNAVAILABLE: HTTP 503, retryable, Retry-After; the same extensions over graphql-ws', async () => {
    const COUPON = 'query Coupon($code: String!) { coupon(code: $code) { code } }';
    await ws.subscribe({ query: '{ __typename }' }, { next: () => {}, error: () => {}, complete: () => {} }); // socket open before the cut
    await outage.cut();
    try {
      const query = await post('db-away-query', t.user.token, COUPON, { code: 'CHECK-BUG-1' });
      const mutation = await post('db-away-mutation', t.user.token, LOCK, { code: 'CHECK-BUG-2' });
      for (const answer of [query, mutation]) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('2');
        const body = JSON.parse(answer.text);
        expect(body.errors).toEqual([
          expect.objectContaining({
            message: 'The service is temporarily unavailable; retry in 2 s',
            extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: 2 },
          }),
        ]);
      }
      const overWs = await wsRequest(ws, LOCK, { code: 'CHECK-BUG-2' });
      expect(overWs.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: 2 });
      expect(await scrape()).toContain('coupons_graphql_errors_total{operation="Coupon",code="SERVICE_UNAVAILABLE"} 1');
      // Logged once per request at warn (the access line), never as an error: an outage is not a bug.
      const lines = logLines().filter((l) => l.requestId === 'db-away-query');
      expect(lines.filter((l) => l.level === 'error')).toEqual([]);
      expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', status: 503, msg: 'request refused: service unavailable' }));
    } finally {
      await outage.restore();
    }
    // Back by itself: the same request now succeeds.
    const back = await post('db-back', t.user.token, 'query Coupon($code: String!) { coupon(code: $code) { code } }', { code: 'CHECK-BUG-1' });
    expect(JSON.parse(back.text)).toEqual({ data: { coupon: { code: 'CHECK-BUG-1' } } });
  });
});
