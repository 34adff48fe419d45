import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { createUser } from '../support/factories.ts';
import { saveScreenshot } from '../support/screenshots.ts';
import { openSignedIn } from '../support/session.ts';

// The console's Webhooks page (issue 18): an admin creates an endpoint pointing at a receiver this
// spec runs, keeps the signing secret (shown once), sends a test event and sees it delivered in
// the endpoint's delivery log; the receiver got it, signed with that secret.

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}/coupon-events`, received, close: () => new Promise((done) => server.close(() => done())) });
    }),
  );
}

/** The Standard Webhooks check, as the API guide's receiver makes it. */
function signedWith(secret: string, { headers, body }: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest();
  return String(headers['webhook-signature'] ?? '')
    .split(' ')
    .some((entry) => {
      const given = Buffer.from(entry.split(',')[1] ?? '', 'base64');
      return entry.startsWith('v1,') && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

test('an admin creates an endpoint, keeps its secret, sends a test and sees it delivered', async ({ browser }) => {
  const receiver = await startReceiver();
  try {
    const admin = await createUser('ADMIN');
    const { page } = await openSignedIn(browser, admin, '/books');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();

    const form = page.getByRole('form', { name: 'New webhook endpoint' });
    await form.getByLabel('URL').fill(receiver.url);
    await form.getByLabel('Description (optional)').fill('e2e receiver');
    await form.getByRole('checkbox', { name: 'Locked', exact: true }).check();
    await form.getByRole('button', { name: 'Create endpoint' }).click();

    const panel = page.getByTestId('webhook-secret');
    await expect(panel.getByText('Copy it now: it will not be shown again.')).toBeVisible();
    const secret = await panel.getByLabel('Secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await saveScreenshot(page, 'webhook-secret');
    await panel.getByRole('button', { name: 'Done' }).click();
    await expect(page.locator('body')).not.toContainText(secret);

    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: receiver.url }) });
    await expect(row.getByRole('list', { name: 'Event types' })).toContainText('Locked');
    await expect(row).toContainText('Enabled');
    await row.getByRole('link', { name: 'Deliveries' }).click();

    await expect(page.getByRole('heading', { level: 1, name: receiver.url })).toBeVisible();
    await page.getByRole('button', { name: 'Send test' }).click();
    const delivery = page.locator('tr[data-event-type="WEBHOOK_TEST"]');
    await expect(delivery).toHaveAttribute('data-status', 'DELIVERED', { timeout: 15_000 });
    await expect(delivery).toContainText('Delivered');
    await expect(delivery).toContainText('HTTP 204');
    await saveScreenshot(page, 'webhook-deliveries');

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(JSON.parse(request.body)).toMatchObject({ type: 'WEBHOOK_TEST', id: request.headers['webhook-id'] });
    expect(signedWith(secret, request)).toBe(true);
  } finally {
    await receiver.close();
  }
});
