import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertWebhookUrlAllowed, isBlockedAddress, parseWebhookUrl, pinnedLookup, type WebhookResolver } from './webhook.address.ts';
import { postWebhook } from './webhook.http.ts';

const strict = { strict: true, allowedHosts: [] };
const open = { strict: false, allowedHosts: [] };

describe('webhook addresses', () => {
  it('refuses loopback, private, link-local, metadata, shared, multicast and reserved addresses, v4 and v6', () => {
    for (const address of [
      '127.0.0.1', '127.1.2.3', '10.0.0.5', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.100.100.200',
      '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd00:ec2::254', 'fc00::1', 'ff02::1',
      '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe', '2002:7f00:1::', 'not-an-ip',
    ]) {
      expect(isBlockedAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '2a00:1450:4001:82b::200e']) {
      expect(isBlockedAddress(address), address).toBe(false);
    }
  });

  it('refuses a loopback or private address written any way a URL parser reads it (decimal, octal, hex, IPv6 forms, IPv4-translated)', async () => {
    for (const url of [
      'https://2130706433/', 'https://0x7f.1/', 'https://017700000001/', 'https://127.1/', 'https://0/', 'https://%31%32%37.0.0.1/',
      'https://127\u30020\u30020\u30021/', 'https://[::ffff:127.0.0.1]/', 'https://[0:0:0:0:0:ffff:7f00:1]/', 'https://[::127.0.0.1]/',
      'https://[::1]/', 'https://[fe80::1]/', 'https://[fc00::1]/', 'https://[::ffff:0:7f00:1]/', 'https://[::ffff:0:a9fe:a9fe]/',
      'https://127.0.0.1\\@hooks.example.com/',
    ]) {
      await expect(assertWebhookUrlAllowed(parseWebhookUrl(url, strict), strict, async () => []), url).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { reason: 'WEBHOOK_ADDRESS_REFUSED' },
      });
    }
    expect(() => parseWebhookUrl('https://hooks.example.com@127.0.0.1/', strict)).toThrow(/user name or password/);
  });

  it('measures the 2,000 characters on the URL as stored, after percent-encoding', () => {
    const url = `https://hooks.example.com/${'\u00e9'.repeat(1900)}`;
    expect(url.length).toBeLessThan(2000);
    expect(() => parseWebhookUrl(url, strict)).toThrow(/at most 2,000 characters/);
  });

  it('takes only absolute http(s) URLs without credentials or fragment; https only when strict', () => {
    expect(parseWebhookUrl('https://hooks.example.com/in?x=1', strict).host).toBe('hooks.example.com');
    expect(parseWebhookUrl('http://localhost:3000/hook', open).hostname).toBe('localhost');
    for (const [url, message] of [
      ['http://hooks.example.com/in', /https/],
      ['ftp://hooks.example.com/', /https/],
      ['https://user:pw@hooks.example.com/', /user name or password/],
      ['https://hooks.example.com/#x', /fragment/],
      ['not a url', /valid URL/],
    ] as const) {
      expect(() => parseWebhookUrl(url, strict), url).toThrow(message);
    }
  });

  it('when strict, refuses a name that resolves to any blocked address, or does not resolve; allowed hosts skip the check', async () => {
    const resolve: WebhookResolver = async (host) => {
      if (host === 'public.test') return [{ address: '93.184.216.34', family: 4 }];
      if (host === 'mixed.test') return [{ address: '93.184.216.34', family: 4 }, { address: '10.1.2.3', family: 4 }];
      if (host === 'internal.test') return [{ address: '10.1.2.3', family: 4 }];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    await expect(assertWebhookUrlAllowed(new URL('https://public.test/'), strict, resolve)).resolves.toBeUndefined();
    await expect(assertWebhookUrlAllowed(new URL('https://mixed.test/'), strict, resolve)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field: 'url', reason: 'WEBHOOK_ADDRESS_REFUSED' },
    });
    await expect(assertWebhookUrlAllowed(new URL('https://nowhere.test/'), strict, resolve)).rejects.toThrow(/does not resolve/);
    await expect(assertWebhookUrlAllowed(new URL('https://[::1]/'), strict, resolve)).rejects.toThrow(/::1/);
    await expect(assertWebhookUrlAllowed(new URL('https://localhost/'), strict)).rejects.toThrow(/loopback/); // the system resolver
    await expect(assertWebhookUrlAllowed(new URL('https://internal.test/'), { strict: true, allowedHosts: ['internal.test'] }, resolve)).resolves.toBeUndefined();
    await expect(assertWebhookUrlAllowed(new URL('http://127.0.0.1/'), open, resolve)).resolves.toBeUndefined();
  });

  describe('at connection (DNS rebinding)', () => {
    let receiver: http.Server;
    let port: number;
    beforeAll(async () => {
      receiver = http.createServer((_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      port = (receiver.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

    const post = (url: URL, lookup: ReturnType<typeof pinnedLookup>) =>
      postWebhook({ url, headers: {}, body: '{}', timeoutMs: 2_000, maxBodyBytes: 100, lookup });

    it('refuses a name that now resolves to loopback, resolving it once: the socket gets the checked addresses', async () => {
      // "rebind.test" passed the check at creation (public); at connection it answers 127.0.0.1.
      let lookups = 0;
      const rebinding: WebhookResolver = async () => {
        lookups++;
        return [{ address: '127.0.0.1', family: 4 }];
      };
      const url = new URL(`http://rebind.test:${port}/hook`);
      expect(await post(url, pinnedLookup(strict, url, rebinding))).toMatchObject({ kind: 'error', error: 'REFUSED_ADDRESS' });
      expect(lookups).toBe(1);
      // The same name, unknown to the system's DNS, reaches the receiver when the hook's answer is
      // allowed: the connection went to the address the hook handed over, not to a new lookup.
      const trusted = pinnedLookup({ strict: false, allowedHosts: [] }, url, rebinding) ?? pinnedHook('127.0.0.1');
      expect(await post(url, trusted)).toMatchObject({ kind: 'response', status: 200, body: 'ok' });
    });
  });
});

/** A lookup hook that answers `address` for any name (what pinnedLookup hands a socket). */
function pinnedHook(address: string) {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
    options.all ? callback(null, [{ address, family: 4 }]) : callback(null, address, 4)) as unknown as ReturnType<typeof pinnedLookup>;
}
