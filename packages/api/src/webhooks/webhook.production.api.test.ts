import { systemResolver, type WebhookResolver } from '@coupons/core';
import { describe, expect, it } from 'vitest';
import { call, useApiTest } from '../../testing/index.ts';

// In production an endpoint must be https and public: loopback, private, link-local and the
// cloud metadata address are refused when the endpoint is saved (BAD_USER_INPUT, reason
// WEBHOOK_ADDRESS_REFUSED) and again at connection (DNS rebinding), unless the operator allows
// the host. Names ending in .example.test resolve through this file's resolver (the rebinding one
// changes its answer); every other name through the system's (so `localhost` is real).

let rebindTo = '93.184.216.34';
const resolve: WebhookResolver = async (host) => {
  if (host === 'public.example.test') return [{ address: '93.184.216.34', family: 4 }];
  if (host === 'rebind.example.test') return [{ address: rebindTo, family: 4 }];
  if (host === 'hooks.internal.example.test') return [{ address: '10.0.0.7', family: 4 }];
  return systemResolver(host);
};

const t = useApiTest({
  users: [],
  accounts: 'inserted',
  env: { NODE_ENV: 'production', WEBHOOK_ALLOWED_HOSTS: 'hooks.internal.example.test', WEBHOOK_POLL_INTERVAL_MS: '100' },
  webhookSettings: { resolve },
});

const CREATE = 'mutation ($url: String!) { createWebhookEndpoint(input: { url: $url, events: [REDEEMED] }) { endpoint { id url } secret } }';
const create = (url: string) => call(t.server, CREATE, { url }, t.admin.token);

describe('webhook URLs in production', () => {
  it.each([
    ['https://127.0.0.1/hooks', /127\.0\.0\.1/],
    ['https://10.1.2.3/hooks', /10\.1\.2\.3/],
    ['https://169.254.169.254/latest/meta-data/', /169\.254\.169\.254/],
    ['https://[::1]:8443/hooks', /::1/],
    ['https://[::ffff:127.0.0.1]/hooks', /not allowed/],
    ['https://localhost:8443/hooks', /resolves to (127\.0\.0\.1|::1)/],
  ])('refuses %s', async (url, message) => {
    const refused = await graphqlError(url);
    expect(refused).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'url', reason: 'WEBHOOK_ADDRESS_REFUSED' } });
    expect(refused.message).toMatch(message);
  });

  it('refuses http:// and malformed URLs; takes a public https URL and an allowed internal host', async () => {
    expect(await create('http://public.example.test/hooks')).toMatchObject({ ok: false, code: 'BAD_USER_INPUT', message: 'url: must use https' });
    expect(await create('https://nowhere.invalid/hooks')).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
    expect(await create('https://public.example.test/hooks')).toMatchObject({ ok: true, data: { endpoint: { url: 'https://public.example.test/hooks' } } });
    expect(await create('https://hooks.internal.example.test/in')).toMatchObject({ ok: true });
  });

  it('checks a changed URL the same way', async () => {
    const created = await create('https://public.example.test/a');
    const id = created.ok ? created.data.endpoint.id : '';
    const updated = await call(t.server, 'mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { url: "https://127.0.0.1/b" }) { url } }', { id }, t.admin.token);
    expect(updated).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
  });

  it('refuses at connection a name that resolved to a public address when saved and to loopback now (DNS rebinding)', async () => {
    rebindTo = '93.184.216.34';
    const created = await create('https://rebind.example.test/hooks');
    const id = created.ok ? created.data.endpoint.id : '';
    rebindTo = '127.0.0.1';
    await call(t.server, 'mutation ($id: ID!) { sendTestWebhook(id: $id) { id } }', { id }, t.admin.token);
    await expect
      .poll(async () => {
        const listed = await call(t.server, 'query ($id: ID!) { webhookDeliveries(endpointId: $id) { edges { node { status attempts lastError } } } }', { id }, t.admin.token);
        return listed.ok ? listed.data.edges[0]?.node : null;
      }, { timeout: 5_000 })
      .toMatchObject({ status: 'PENDING', attempts: 1, lastError: expect.stringMatching(/^REFUSED_ADDRESS: rebind\.example\.test resolved to 127\.0\.0\.1/) });
  });
});

/** The GraphQL error createWebhookEndpoint answers for `url`. */
async function graphqlError(url: string): Promise<{ message: string; extensions: Record<string, unknown> }> {
  const res = await fetch(t.server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.admin.token}` },
    body: JSON.stringify({ query: CREATE, variables: { url } }),
  });
  const body = (await res.json()) as { errors?: Array<{ message: string; extensions: Record<string, unknown> }> };
  if (!body.errors?.[0]) throw new Error(`${url} was accepted`);
  return body.errors[0];
}
