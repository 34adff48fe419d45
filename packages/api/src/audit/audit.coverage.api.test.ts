import { Prisma } from '@coupons/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createCampaign, pollUntil, startWebhookReceiver, useApiTest, type WebhookReceiver } from '../../testing/index.ts';

// The audit log holds what admins did (issue 16, item 4), also the admin actions that came after
// the first list: pools created and their members, codes added to a book (upload, CSV import,
// generation) and code jobs cancelled or resumed, a user signed out everywhere, webhook test
// events and redeliveries. Each entry commits with its change; a change that changes nothing, or
// fails, leaves none.

const t = useApiTest({
  users: ['member', 'other'],
  accounts: 'inserted',
  env: { WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_POLL_INTERVAL_MS: '100', WEBHOOK_TIMEOUT_MS: '1000' },
});

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(() => receiver?.close());

const AUDIT = `query ($f: AuditLogFilter) { auditLog(filter: $f, first: 50) { edges { node { action actorId targetType targetId changes } } } }`;

async function admin(query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const answer = await call(t.server, query, variables, t.admin.token);
  if (!answer.ok) throw new Error(`${answer.code} ${answer.message}`);
  return answer.data;
}

/** The audit entries of one target, newest first. */
async function entriesOf(targetType: string, targetId: string): Promise<Array<Record<string, any>>> {
  const data = await admin(AUDIT, { f: { targetType, targetId } });
  return data.edges.map((e: { node: unknown }) => e.node);
}

describe('the audit log records every admin action', () => {
  it('pools: created, members added and removed (who exactly); a no-op or refused change writes nothing', async () => {
    const pool = await admin(`mutation { createPool(name: "Audited", description: "vip") { id } }`);
    const poolId = pool.id;
    const add = `mutation ($p: ID!, $u: [ID!], $e: [String!]) { addPoolMembers(poolId: $p, userIds: $u, emails: $e) { id } }`;
    await admin(add, { p: poolId, u: [t.member.id], e: [t.other.email.toUpperCase(), 'ghost@example.test'] });
    // Already members: nothing changes, no entry.
    await admin(add, { p: poolId, u: [t.member.id, t.other.id] });
    // An unknown id refuses the whole call: no entry either.
    const refused = await call(t.server, add, { p: poolId, u: ['00000000-0000-4000-8000-000000000000'] }, t.admin.token);
    expect(refused).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    await admin(`mutation ($p: ID!, $u: [ID!]!) { removePoolMembers(poolId: $p, userIds: $u) { id } }`, {
      p: poolId,
      u: [t.other.id, '00000000-0000-4000-8000-000000000001'],
    });
    // Removing someone who is not a member: no entry.
    await admin(`mutation ($p: ID!, $u: [ID!]!) { removePoolMembers(poolId: $p, userIds: $u) { id } }`, { p: poolId, u: [t.other.id] });

    const both = [t.member.id, t.other.id].sort();
    const by = { actorId: t.admin.id, targetType: 'POOL', targetId: poolId };
    expect(await entriesOf('POOL', poolId)).toEqual([
      { ...by, action: 'POOL_MEMBERS_REMOVED', changes: { count: 1, userIds: [t.other.id] } },
      { ...by, action: 'POOL_MEMBERS_ADDED', changes: { count: 2, userIds: both } },
      { ...by, action: 'POOL_CREATED', changes: { name: 'Audited', description: 'vip' } },
    ]);
  });

  it('codes: an upload, a CSV import, a generation, a cancel and a resume, each on its book with its job', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const uploaded = await admin(`mutation ($b: ID!) { uploadCodes(bookId: $b, codes: ["AUDIT-0001", "AUDIT-0002"]) { jobId inserted } }`, { b: bookId });
    expect(uploaded.inserted).toBe(2);
    const imported = await fetch(`${t.server.baseUrl}/import/books/${bookId}/codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.admin.token}`, 'content-type': 'text/csv' },
      body: 'code\nAUDIT-0003\n',
    });
    expect(imported.status).toBe(200);
    const importJob = ((await imported.json()) as { jobId: string }).jobId;
    const generate = `mutation ($b: ID!, $n: Int!, $w: Boolean) { generateCodes(bookId: $b, input: { count: $n, prefix: "AUD-", length: 12, waitForCompletion: $w }) { jobId status } }`;
    const generated = await admin(generate, { b: bookId, n: 5, w: true });
    expect(generated.status).toBe('COMPLETED');
    // A job that failed (as a crashed process leaves it once its takeovers are spent) is resumed by an admin.
    await t.server.db.prisma.$executeRaw(Prisma.sql`UPDATE code_job SET status = 'FAILED', error = 'crashed' WHERE id = ${generated.jobId}::uuid`);
    await admin(`mutation ($j: ID!) { resumeCodeJob(jobId: $j) { jobId } }`, { j: generated.jobId });
    await pollUntil(
      () => admin(`query ($j: ID!) { codeJob(jobId: $j) { status } }`, { j: generated.jobId }),
      (job) => job.status === 'COMPLETED',
    );
    // A long generation cancelled while it runs (it cannot finish 500,000 codes before the cancel lands).
    const long = await admin(generate, { b: bookId, n: 500_000, w: false });
    const cancelled = await call(t.server, `mutation ($j: ID!) { cancelCodeJob(jobId: $j) { status } }`, { j: long.jobId }, t.admin.token);
    expect(cancelled).toMatchObject({ ok: true, data: { status: 'CANCELLED' } });
    // Cancelling it again is refused and writes nothing.
    expect(await call(t.server, `mutation ($j: ID!) { cancelCodeJob(jobId: $j) { status } }`, { j: long.jobId }, t.admin.token)).toMatchObject({
      ok: false,
      code: 'BAD_USER_INPUT',
    });

    const by = { actorId: t.admin.id, targetType: 'BOOK', targetId: bookId };
    const codeEntries = (await entriesOf('BOOK', bookId)).filter((e) => e.action.startsWith('CODE_JOB_'));
    expect(codeEntries).toEqual([
      { ...by, action: 'CODE_JOB_CANCELLED', changes: { jobId: long.jobId } },
      { ...by, action: 'CODE_JOB_STARTED', changes: { jobId: long.jobId, kind: 'GENERATE', requested: 500_000 } },
      { ...by, action: 'CODE_JOB_RESUMED', changes: { jobId: generated.jobId } },
      { ...by, action: 'CODE_JOB_STARTED', changes: { jobId: generated.jobId, kind: 'GENERATE', requested: 5 } },
      { ...by, action: 'CODE_JOB_STARTED', changes: { jobId: importJob, kind: 'UPLOAD' } },
      { ...by, action: 'CODE_JOB_STARTED', changes: { jobId: uploaded.jobId, kind: 'UPLOAD', lines: 2 } },
    ]);
  });

  it('a user signed out everywhere by an admin; an unknown user writes nothing', async () => {
    await admin(`mutation ($u: ID!) { revokeUserSessions(userId: $u) { id } }`, { u: t.member.id });
    const unknown = '00000000-0000-4000-8000-000000000002';
    expect(await call(t.server, `mutation ($u: ID!) { revokeUserSessions(userId: $u) { id } }`, { u: unknown }, t.admin.token)).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
    expect(await entriesOf('USER', t.member.id)).toContainEqual({
      action: 'USER_SESSIONS_REVOKED',
      actorId: t.admin.id,
      targetType: 'USER',
      targetId: t.member.id,
      changes: {},
    });
    expect(await entriesOf('USER', unknown)).toEqual([]);
  });

  it('webhooks: a test event sent and a delivery sent again, on the endpoint, naming the delivery', async () => {
    const created = await admin(`mutation ($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { endpoint { id } } }`, {
      i: { url: receiver.url, events: ['ASSIGNED'] },
    });
    const endpointId = created.endpoint.id;
    const test = await admin(`mutation ($id: ID!) { sendTestWebhook(id: $id) { id } }`, { id: endpointId });
    await pollUntil(
      () => admin(`query ($e: ID!) { webhookDeliveries(endpointId: $e, first: 5) { edges { node { id status inFlight } } } }`, { e: endpointId }),
      (list) => list.edges.some((e: any) => e.node.id === test.id && e.node.status === 'DELIVERED' && !e.node.inFlight),
    );
    await admin(`mutation ($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }`, { id: test.id });
    const by = { actorId: t.admin.id, targetType: 'WEBHOOK', targetId: endpointId };
    expect((await entriesOf('WEBHOOK', endpointId)).slice(0, 2)).toEqual([
      { ...by, action: 'WEBHOOK_REDELIVERED', changes: { deliveryId: test.id } },
      { ...by, action: 'WEBHOOK_TEST_SENT', changes: { deliveryId: test.id } },
    ]);
  });
});
