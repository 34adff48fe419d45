import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@coupons/config';
import { signWebhook, systemClock } from '@coupons/core';
import { createTestDatabase } from '@coupons/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, type ApiUser, apiProcessEnv, call, createCampaign, createUsers, freePort, OPS, pollUntil, startApiProcess } from '../../testing/index.ts';

// docs/api-guide.md "Receive webhooks", run as written: the guide's receiver (its ```js block)
// runs in a process of its own with nothing but the secret, and the API runs as in production
// (main.ts in child processes). A shopper claims, locks, redeems and an admin reverses the
// redemption, with the API SIGKILLed and started again between the lock and the redemption:
// the receiver must verify and print every one of the four events, each exactly once.

const guide = fs.readFileSync(path.resolve(import.meta.dirname, '../../../../docs/api-guide.md'), 'utf8');
const start = guide.indexOf('## Receive webhooks');
const section = guide.slice(start, guide.indexOf('\n## ', start + 1));
const receiverSource = /```js\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
const createOperation = /```graphql\n(?:#.*\n)?(mutation CreateWebhook[\s\S]*?)```/.exec(section)?.[1] ?? '';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let env: Record<string, string>;
const apis: ApiProcess[] = [];
let receiver: ChildProcess | undefined;
const printed: string[] = [];
let receiverUrl = '';
let dir = '';

beforeAll(async () => {
  database = await createTestDatabase();
  env = apiProcessEnv(database.url, {
    DB_POOL_SIZE: '5',
    WEBHOOK_POLL_INTERVAL_MS: '200',
    WEBHOOK_TIMEOUT_MS: '1000',
    WEBHOOK_LEASE_MS: '3000',
    WEBHOOK_RETRY_BASE_MS: '200',
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webhook-guide-'));
});
afterAll(async () => {
  receiver?.kill('SIGKILL');
  for (const api of apis) await api.kill('SIGKILL');
  await database?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const waitForPrinted = (count: number): Promise<string[]> =>
  pollUntil(async () => printed, (lines) => lines.length >= count, { timeoutMs: 30_000, what: `the receiver's ${count} printed events` });

describe('the webhook receiver of the api guide', () => {
  it('verifies and receives claim, lock, redeem and reverse, each once, through a SIGKILL and restart of the API', async () => {
    expect(receiverSource).toContain('timingSafeEqual');
    const users = { db: database.db, config: loadConfig({ ...env, LOG_LEVEL: 'silent' }), clock: systemClock };
    const [[admin], [shopper]] = await Promise.all([createUsers(users, 1, 'ADMIN'), createUsers(users, 1)]);
    const first = await startApiProcess({ env, name: 'api-1' });
    apis.push(first);
    const campaign = await createCampaign({ url: first.url }, admin as ApiUser, 2);

    // The endpoint's URL is the receiver's, which needs the secret first: create, then start it there.
    const port = await freePort();
    const created = await call<{ endpoint: { id: string }; secret: string }>(
      first,
      createOperation,
      { url: `http://127.0.0.1:${port}/coupon-events`, events: ['ASSIGNED', 'LOCKED', 'REDEEMED', 'REVERSED'], bookId: campaign.bookId },
      admin.token,
    );
    if (!created.ok) throw new Error(`${created.code}: ${created.message}`);
    await startGuideReceiverOn(created.data.secret, port);

    const claimed = await call<{ code: string }>(first, OPS.assignRandom, { bookId: campaign.bookId }, shopper.token);
    if (!claimed.ok) throw new Error(claimed.message);
    const { code } = claimed.data;
    expect((await call(first, OPS.lock, { code }, shopper.token)).ok).toBe(true);

    // Killed with whatever it was doing: a fan-out, a send in flight, nothing at all.
    await first.kill('SIGKILL');
    const second = await startApiProcess({ env, name: 'api-2' });
    apis.push(second);
    const redeemed = await call<{ id: string }>(second, OPS.redeem, { code }, shopper.token);
    if (!redeemed.ok) throw new Error(redeemed.message);
    expect((await call(second, OPS.reverse, { id: redeemed.data.id, reason: 'order cancelled' }, admin.token)).ok).toBe(true);

    const lines = await waitForPrinted(4);
    await new Promise((resolve) => setTimeout(resolve, 500)); // room for a duplicate to show, were there one
    expect(printed.map((line) => line.split(' ').slice(0, 2).join(' ')).sort()).toEqual(
      ['ASSIGNED', 'LOCKED', 'REDEEMED', 'REVERSED'].map((type) => `${type} ${code}`).sort(),
    );
    expect(new Set(lines.map((line) => line.split(' ')[2])).size).toBe(4);

    // The snippet refuses what it must: a forged signature, and a genuine one older than five minutes.
    const body = JSON.stringify({ id: 'evt_forged', type: 'REDEEMED', createdAt: new Date().toISOString(), data: {} });
    const now = Math.floor(Date.now() / 1000);
    const forged = signWebhook([`whsec_${randomBytes(32).toString('base64')}`], { id: 'evt_forged', timestamp: now, body });
    const stale = signWebhook([created.data.secret], { id: 'evt_forged', timestamp: now - 301, body });
    const fresh = signWebhook([created.data.secret], { id: 'evt_forged', timestamp: now, body });
    const post = (headers: Record<string, string>) => fetch(receiverUrl, { method: 'POST', headers, body }).then((r) => r.status);
    expect(await post({ ...forged })).toBe(401);
    expect(await post({ ...stale })).toBe(401);
    expect(await post({ ...fresh })).toBe(204);
    // Two API starts, a SIGKILL and four deliveries: 8 s on a loaded two-core CI machine.
  }, 120_000);
});

/** Starts the guide's receiver.mjs on `port` with the secret; waits until it answers (401 to an unsigned request). */
async function startGuideReceiverOn(secret: string, port: number): Promise<void> {
  const file = path.join(dir, 'receiver.mjs');
  fs.writeFileSync(file, receiverSource);
  receiverUrl = `http://127.0.0.1:${port}/coupon-events`;
  receiver = spawn(process.execPath, [file], { env: { PATH: process.env.PATH ?? '', WEBHOOK_SECRET: secret, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  let buffered = '';
  receiver.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    printed.push(...lines.filter(Boolean));
  });
  for (let i = 0; i < 200; i++) {
    const status = await fetch(receiverUrl, { method: 'POST', body: '{}' }).then((r) => r.status, () => 0);
    if (status === 401) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the guide receiver did not start');
}
