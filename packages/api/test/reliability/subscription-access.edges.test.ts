import { describe, expect, it } from 'vitest';
import { call, createCampaign, rawConnectionInit, record, useApiTest } from '../../testing/index.ts';

// Subscription access beyond the plain forms other tests send: root fields reached through
// fragments (named or inline: checkRootAccess in server/websocket.ts opens them, and the services
// check again), and connection_init payloads that are not objects.

const t = useApiTest({ users: ['alice'] });

async function key(scope: string): Promise<string> {
  const created = await call<{ secret: string }>(
    t.server,
    'mutation ($s: [ApiKeyScope!]!) { createApiKey(input: { name: "edges", scopes: $s }) { secret } }',
    { s: [scope] },
    t.admin.token,
  );
  if (!created.ok) throw new Error(`createApiKey: ${created.code}`);
  return created.data.secret;
}

const CODE_JOB_FORMS = {
  plain: 'subscription ($j: ID!) { codeJob(jobId: $j) { jobId status inserted total } }',
  'named fragment': 'subscription ($j: ID!) { ...F } fragment F on Subscription { codeJob(jobId: $j) { jobId status inserted total } }',
  'inline fragment': 'subscription ($j: ID!) { ... on Subscription { codeJob(jobId: $j) { jobId status inserted total } } }',
};

describe('codeJob (ADMIN scope) for a COUPONS_READ key', () => {
  for (const [form, query] of Object.entries(CODE_JOB_FORMS)) {
    it(`${form}: FORBIDDEN, and no progress`, async () => {
      const { jobId } = await createCampaign(t.server, t.admin, 2);
      const secret = await key('COUPONS_READ');
      const c = t.clients.connect(t.server, secret);
      const sub = record(c.client, query, { j: jobId });
      await sub.finished;
      const data = sub.values.map((v) => v.data?.codeJob).filter((v) => v !== undefined && v !== null);
      expect(data, JSON.stringify(sub.values)).toEqual([]);
      const codes = [
        ...sub.values.flatMap((v) => (v.errors ?? []).map((e) => e.extensions?.code)),
        ...((sub.errors[0] as Array<{ extensions?: { code?: string } }> | undefined) ?? []).map((e) => e.extensions?.code),
      ];
      expect(codes[0], JSON.stringify({ values: sub.values, errors: sub.errors })).toBe('FORBIDDEN');
    });
  }
});

describe('bookStats for a USER through a fragment', () => {
  it('FORBIDDEN, no numbers', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 2);
    const c = t.clients.connect(t.server, t.alice.token);
    const sub = record(c.client, 'subscription ($b: ID!) { ...F } fragment F on Subscription { bookStats(bookId: $b) { total unassigned } }', { b: bookId });
    await sub.finished;
    expect(sub.values.map((v) => v.data?.bookStats).filter(Boolean)).toEqual([]);
  });
});

describe('connection_init payloads that are not an object', () => {
  for (const payload of [null, [], 'Bearer x', 42, { authorization: ['Bearer x'] }]) {
    it(`${JSON.stringify(payload)}: closed with a 44xx code, never acked`, async () => {
      const result = await rawConnectionInit(t.server.wsUrl, payload);
      result.socket.terminate();
      expect(result.ack).toBe(false);
      expect(result.code, result.reason).toBeGreaterThanOrEqual(4400);
      expect(result.code, result.reason).toBeLessThan(4500);
    });
  }
});
