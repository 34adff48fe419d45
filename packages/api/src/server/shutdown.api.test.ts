import { describe, expect, it } from 'vitest';
import { createCampaign, graphqlRequest, useApiTest } from '../../testing/index.ts';

const t = useApiTest({ users: [] });

describe('graceful shutdown', () => {
  it('waits for background code jobs before it returns (so the caller may close the database)', async () => {
    const { bookId } = await createCampaign(t.server, t.admin, 0);
    const count = 150_000; // three chunks: long enough to be running when stop() starts
    const started = await graphqlRequest<{ generateCodes: { jobId: string; status: string } }>(
      t.server,
      'mutation($b: ID!, $i: GenerateCodesInput!) { generateCodes(bookId: $b, input: $i) { jobId status } }',
      { b: bookId, i: { count, length: 10, waitForCompletion: false } },
      t.admin.token,
    );
    const { jobId, status } = started.data!.generateCodes;
    expect(status).toBe('RUNNING');

    await t.server.server.stop();

    const job = await t.server.db.prisma.codeJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(job).toMatchObject({ status: 'COMPLETED', inserted: count });
    expect(await t.server.db.prisma.coupon.count({ where: { bookId } })).toBe(count);
  }, 60_000);
});
