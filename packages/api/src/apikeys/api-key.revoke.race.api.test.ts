import { randomUUID } from 'node:crypto';
import { holdLock, lockWaiters } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import {
  call,
  createCampaign,
  graphqlRequest,
  OPS,
  type Outcome,
  record,
  refusalCode,
  SESSION_RECHECK_MS,
  type TestServer,
  useApiTest,
  waitFor,
} from '../../testing/index.ts';

// Revoking an API key while requests authenticated by it are in flight, on two API instances over
// one database (a load balancer may send the key's next request to either). A key is looked up on
// every request (no cache), so the rule is: a request that began before the revocation committed
// answers as before it (whole) or after it (UNAUTHENTICATED, nothing written); once revokeApiKey has
// answered, every request with the key is UNAUTHENTICATED, on every instance.
//
// The interleavings are forced, not hoped for: a separate connection holds a row lock in an open
// transaction (the key's row, or a coupon's), so the call under test provably waits — it is seen
// in pg_stat_activity waiting for a Lock — until the holder commits or rolls back.

const t = useApiTest({ users: [], accounts: 'inserted', sibling: { listenerName: 'apikey_race_sibling' } });

const CREATE = 'mutation ($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret apiKey { id } } }';
const REVOKE = 'mutation ($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }';
const BOOKS = '{ books(first: 1) { totalCount } }';
const AUDIT = 'query ($id: String!) { auditLog(filter: { targetType: API_KEY, targetId: $id }, first: 10) { edges { node { action actorId } } } }';

async function createKey(scopes: string[]): Promise<{ id: string; secret: string }> {
  const res = await graphqlRequest(t.server, CREATE, { i: { name: `race ${randomUUID().slice(0, 8)}`, scopes } }, t.admin.token);
  if (!res.data?.createApiKey) throw new Error(`createApiKey: ${JSON.stringify(res.errors)}`);
  return { id: res.data.createApiKey.apiKey.id, secret: res.data.createApiKey.secret };
}

/** Holds `sql` (a `SELECT … FOR UPDATE`) in an open transaction on its own connection until `end`. */
async function hold(sql: string, params: unknown[]) {
  const holder = await holdLock(t.server.db.pool, sql, params);
  if (holder.result.rowCount !== 1) throw new Error(`hold: locked ${holder.result.rowCount} rows`);
  return holder;
}

/** The outcome's error code, or 'ok'. */
const codeOf = (outcome: Outcome) => (outcome.ok ? 'ok' : outcome.code);

/** Reads the books with the key on both instances (the first server and its sibling). */
const readOnBoth = (secret: string) =>
  Promise.all([t.server, t.sibling].map(async (server: TestServer) => codeOf(await call(server, BOOKS, {}, secret))));

describe('revokeApiKey racing requests made with the key (two API instances)', () => {
  it('a revocation waiting on the key row: the key works until it commits, and on no instance once it has answered', async () => {
    const key = await createKey(['COUPONS_READ']);
    const holder = await hold('SELECT 1 FROM api_key WHERE id = $1 FOR UPDATE', [key.id]);
    const revoking = call(t.server, REVOKE, { id: key.id }, t.admin.token);
    try {
      await lockWaiters(t.server.db.pool, 1, { like: '%revoked_at%' });
      // Not committed yet: a request now runs before the revocation in any serial order.
      expect(await readOnBoth(key.secret)).toEqual(['ok', 'ok']);
    } finally {
      await holder.end('COMMIT');
    }
    const revoked = await revoking;
    expect(revoked.ok && revoked.data.revokedAt).toEqual(expect.any(String));
    // Answered: every later request, on either instance, finds the key revoked.
    expect(await readOnBoth(key.secret)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
  });

  it('a claim authenticated before the revocation and still waiting after it answered: whole or refused, never half; later claims refused', async () => {
    const key = await createKey(['COUPONS_WRITE']);
    const campaign = await createCampaign(t.server, t.admin, 2);
    const customerId = `race-${randomUUID()}`;
    // The first code is held (as another checkout would): the claim authenticates, then waits on it.
    const holder = await hold('SELECT 1 FROM coupon WHERE code = $1 FOR UPDATE', [campaign.codes[0]]);
    const inFlight = call(t.server, OPS.assignCode, { code: campaign.codes[0], customerId }, key.secret);
    let later: string[];
    try {
      await lockWaiters(t.server.db.pool, 1, { like: '%coupon%' });
      const revoked = await call(t.sibling, REVOKE, { id: key.id }, t.admin.token);
      expect(revoked.ok).toBe(true);
      // After the answer: refused on both instances, and a claim of the other code writes nothing.
      later = [...(await readOnBoth(key.secret)), codeOf(await call(t.server, OPS.assignCode, { code: campaign.codes[1], customerId }, key.secret))];
    } finally {
      await holder.end('ROLLBACK');
    }
    expect(later).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED']);
    const claimed = await inFlight;
    const { rows } = await t.server.db.pool.query<{ code: string; state: string; owner: string | null }>(
      `SELECT c.code, c.state::text AS state, u.external_id AS owner
         FROM coupon c LEFT JOIN app_user u ON u.id = c.assigned_user_id WHERE c.code = ANY($1) ORDER BY c.code`,
      [campaign.codes],
    );
    // Serially the claim ran before the revocation (the coupon is the customer's) or after it
    // (UNAUTHENTICATED, the coupon untouched): nothing else.
    if (claimed.ok) expect(rows[0]).toEqual({ code: campaign.codes[0], state: 'ASSIGNED', owner: customerId });
    else expect({ code: claimed.code, row: rows[0] }).toEqual({ code: 'UNAUTHENTICATED', row: { code: campaign.codes[0], state: 'UNASSIGNED', owner: null } });
    expect(rows[1]).toEqual({ code: campaign.codes[1], state: 'UNASSIGNED', owner: null });
  });

  it('two revocations at once, one per instance, both waiting on the key row: one revocation, both answer its time, one audit entry', async () => {
    const key = await createKey(['COUPONS_READ']);
    const holder = await hold('SELECT 1 FROM api_key WHERE id = $1 FOR UPDATE', [key.id]);
    let answers: Outcome[];
    try {
      const first = call(t.server, REVOKE, { id: key.id }, t.admin.token);
      await lockWaiters(t.server.db.pool, 1, { like: '%revoked_at%' });
      // The second revocation reads a later time: a second write would show as a changed revokedAt.
      t.server.clock.advance({ seconds: 1 });
      const second = call(t.sibling, REVOKE, { id: key.id }, t.admin.token);
      await lockWaiters(t.server.db.pool, 2, { like: '%revoked_at%' });
      await holder.end('COMMIT');
      answers = await Promise.all([first, second]);
    } catch (error) {
      await holder.end('ROLLBACK').catch(() => {});
      throw error;
    }
    expect(answers.map(codeOf)).toEqual(['ok', 'ok']);
    const { rows } = await t.server.db.pool.query<{ revoked_at: Date }>('SELECT revoked_at FROM api_key WHERE id = $1', [key.id]);
    const stored = rows[0].revoked_at.toISOString();
    // Serially: the first revokes, the second finds it revoked and changes nothing.
    expect(answers.map((a) => (a.ok ? a.data.revokedAt : null))).toEqual([stored, stored]);
    const audit = await call(t.server, AUDIT, { id: key.id }, t.admin.token);
    expect(audit.ok && audit.data.edges.map((e: { node: { action: string } }) => e.node.action)).toEqual(['API_KEY_REVOKED', 'API_KEY_CREATED']);
    expect(await readOnBoth(key.secret)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
  });

  it("a key's socket on the other instance: once the revocation answered, a new subscribe is refused and the socket closes (4401)", async () => {
    const key = await createKey(['ADMIN']);
    const c = t.clients.connect(t.sibling, key.secret);
    const acked = new Promise<void>((resolve) => c.client.on('connected', () => resolve()));
    const open = record(c.client, 'subscription { couponEvents { id } }', {});
    await acked;
    const revoked = await call(t.server, REVOKE, { id: key.id }, t.admin.token);
    expect(revoked.ok).toBe(true);
    // The sibling has no cache to clear: the subscribe reads the key again and finds it revoked.
    const refused = record(c.client, 'subscription { couponEvents { id } }', {});
    await refused.finished;
    expect(refusalCode(refused)).toBe('UNAUTHENTICATED');
    await waitFor(() => c.closes.length > 0, 'the socket to close', SESSION_RECHECK_MS + 3_000);
    expect(c.closes.map((close) => close.code)).toEqual([4401]);
    await open.finished;
    // And the key cannot open a new one there.
    const again = t.clients.connect(t.sibling, key.secret);
    const attempt = record(again.client, 'subscription { couponEvents { id } }', {});
    await waitFor(() => again.closes.length > 0, 'the new socket to close');
    expect(again.closes[0].code).toBe(4401);
    await attempt.finished;
  });
});
