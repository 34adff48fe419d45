import { describe, expect, it } from 'vitest';
import { createCampaign, createUsers, postJson, useApiTest } from '../../testing/index.ts';

// Code probing over HTTP: failed by-code claims are limited per shopper and per address, and
// counted in coupons_code_guesses_total, so an admin sees someone guessing.

const PER_USER = 4;
const PER_ADDRESS = 6;
const ASSIGN = 'mutation ($code: String!) { assignCoupon(code: $code) { code state } }';

const t = useApiTest({
  env: {
    TRUSTED_PROXIES: 'loopback',
    CODE_GUESS_RATE_LIMIT: String(PER_USER),
    CODE_GUESS_IP_RATE_LIMIT: String(PER_ADDRESS),
    CODE_GUESS_WINDOW_SECONDS: '3600',
    // The tests move the clock by hours: tokens must outlive that.
    JWT_TTL_SECONDS: String(30 * 86_400),
  },
  users: [],
  accounts: 'inserted',
});

/** Starts a fresh window one second in. */
const newWindow = () => t.server.clock.set(Math.ceil((t.server.clock.now().getTime() + 1) / 3_600_000) * 3_600_000 + 1_000);

async function claim(token: string, code: string, address: string) {
  const response = await postJson(t.server.url, JSON.stringify({ query: ASSIGN, variables: { code } }), {
    authorization: `Bearer ${token}`,
    'x-forwarded-for': address,
  });
  const body = JSON.parse(response.text);
  const extensions = body.errors?.[0]?.extensions;
  return {
    code: (extensions?.code as string | undefined) ?? 'ok',
    retryAfterSeconds: extensions?.retryAfterSeconds as number | undefined,
    retryAfterHeader: response.headers['retry-after'] ?? null,
  };
}

async function guessMetric(outcome: string): Promise<number> {
  const text = await (await fetch(`${t.server.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`coupons_code_guesses_total{outcome="${outcome}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('failed claims by code', () => {
  it('are limited per shopper: then RATE_LIMITED with Retry-After, even for a real free code', async () => {
    const [shopper, other] = await createUsers(t.server, 2);
    const { codes } = await createCampaign(t.server, t.admin, 3);
    newWindow();
    const before = await guessMetric('NOT_FOUND');
    for (let i = 0; i < PER_USER; i++) expect((await claim(shopper.token, `NOPE-${i}-XYZ`, '203.0.113.1')).code).toBe('NOT_FOUND');
    const refused = await claim(shopper.token, codes[0], '203.0.113.2');
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 3599 });
    expect(refused.retryAfterHeader).toBe('3599');
    // Nothing was claimed by the refused attempt; another shopper claims the code as usual.
    expect((await claim(other.token, codes[0], '203.0.113.3')).code).toBe('ok');
    expect(await guessMetric('NOT_FOUND')).toBe(before + PER_USER);
    expect(await guessMetric('RATE_LIMITED')).toBeGreaterThanOrEqual(1);
    // The next window hears the shopper again.
    t.server.clock.advance({ minutes: 60 });
    expect((await claim(shopper.token, codes[1], '203.0.113.1')).code).toBe('ok');
  });

  it('a successful claim costs nothing: only failures count', async () => {
    const [shopper] = await createUsers(t.server, 1);
    const { codes } = await createCampaign(t.server, t.admin, PER_USER + 2);
    newWindow();
    for (const code of codes) expect((await claim(shopper.token, code, '203.0.113.20')).code).toBe('ok');
  });

  it('a code already taken (INVALID_STATE or NOT_FOUND) counts as a failure too', async () => {
    const [owner, prober] = await createUsers(t.server, 2);
    const { codes } = await createCampaign(t.server, t.admin, 1);
    newWindow();
    expect((await claim(owner.token, codes[0], '203.0.113.30')).code).toBe('ok');
    const outcomes = [];
    for (let i = 0; i < PER_USER + 1; i++) outcomes.push((await claim(prober.token, codes[0], '203.0.113.31')).code);
    expect(outcomes.slice(0, PER_USER).every((c) => c === 'INVALID_STATE' || c === 'NOT_FOUND' || c === 'FORBIDDEN')).toBe(true);
    expect(outcomes[PER_USER]).toBe('RATE_LIMITED');
  });

  it('are limited per client address across shoppers', async () => {
    const shoppers = await createUsers(t.server, 3);
    newWindow();
    const outcomes = [];
    for (const shopper of shoppers) for (let i = 0; i < 3; i++) outcomes.push((await claim(shopper.token, `GUESS-${i}-ABC`, '198.51.100.50')).code);
    expect(outcomes.filter((c) => c === 'NOT_FOUND')).toHaveLength(PER_ADDRESS);
    expect(outcomes.slice(PER_ADDRESS).every((c) => c === 'RATE_LIMITED')).toBe(true);
    // The same shoppers from another address are heard.
    expect((await claim(shoppers[2].token, 'GUESS-9-ABC', '198.51.100.51')).code).toBe('NOT_FOUND');
  });

  it('a burst of concurrent guesses cannot slip past the limit', async () => {
    const [shopper] = await createUsers(t.server, 1);
    newWindow();
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => claim(shopper.token, `BURST-${i}-QQ`, '203.0.113.60')));
    expect(outcomes.filter((o) => o.code === 'NOT_FOUND')).toHaveLength(PER_USER);
    expect(outcomes.filter((o) => o.code === 'RATE_LIMITED')).toHaveLength(20 - PER_USER);
  });

  it('admins are not limited (they see every code anyway)', async () => {
    newWindow();
    for (let i = 0; i < PER_USER + 2; i++) expect((await claim(t.admin.token, `ADMIN-${i}-ZZ`, '203.0.113.70')).code).toBe('NOT_FOUND');
  });
});
