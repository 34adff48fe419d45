import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, signUp, startTestServer, TEST_PASSWORD, type TestServer } from '../../testing/index.ts';

// Sign-in limits over HTTP (docs/SECURITY.md, "Sign-in"). The test plays a trusted proxy from
// loopback (TRUSTED_PROXIES=loopback), so X-Forwarded-For names the client address of each attempt.

const LOGIN = 'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }';
const PAIR_LIMIT = 3;
const PER_ADDRESS = 8;
const EMAIL_FAILURES = 6;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    env: {
      TRUSTED_PROXIES: 'loopback',
      LOGIN_RATE_LIMIT: String(PAIR_LIMIT),
      LOGIN_IP_RATE_LIMIT: String(PER_ADDRESS),
      LOGIN_EMAIL_RATE_LIMIT: String(EMAIL_FAILURES),
      LOGIN_RATE_WINDOW_SECONDS: '60',
    },
  });
});
afterAll(() => server?.close());

/** Starts a fresh window one second in, so a test never straddles two. */
const newWindow = () => server.clock.set(Math.ceil((server.clock.now().getTime() + 1) / 60_000) * 60_000 + 1_000);

async function login(email: string, password: string, address: string) {
  const response = await postJson(server.url, JSON.stringify({ query: LOGIN, variables: { email, password } }), { 'x-forwarded-for': address });
  const extensions = JSON.parse(response.text).errors?.[0]?.extensions;
  return { code: (extensions?.code as string | undefined) ?? 'ok', retryAfterSeconds: extensions?.retryAfterSeconds as number | undefined };
}

describe('login limits', () => {
  it('LOGIN_RATE_LIMIT attempts per (email, address), then RATE_LIMITED with retryAfterSeconds, even for the right password', async () => {
    const { email } = await signUp(server);
    newWindow();
    for (let i = 0; i < PAIR_LIMIT; i++) expect((await login(email, 'wrong password', '203.0.113.10')).code).toBe('UNAUTHENTICATED');
    // Guessing costs attempts whether or not it succeeds: the right password waits here too.
    expect(await login(email.toUpperCase(), TEST_PASSWORD, '203.0.113.10')).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 59 });
    server.clock.advance({ seconds: 60 });
    expect((await login(email, TEST_PASSWORD, '203.0.113.10')).code).toBe('ok');
  });

  it('cannot lock the owner out: an attacker elsewhere does not stop the right password from another address', async () => {
    const { email } = await signUp(server);
    newWindow();
    const attack = [];
    for (let i = 0; i < 15; i++) attack.push((await login(email, `guess ${i}`, '198.51.100.66')).code);
    expect(attack.slice(0, PAIR_LIMIT)).toEqual(Array(PAIR_LIMIT).fill('UNAUTHENTICATED'));
    expect(attack.slice(PAIR_LIMIT).every((code) => code === 'RATE_LIMITED')).toBe(true);
    // The owner, from their own address, in the same window: signed in.
    expect((await login(email, TEST_PASSWORD, '192.0.2.44')).code).toBe('ok');
  });

  it('a distributed guesser fills the per-email cap: its addresses are refused, a fresh address still gets in', async () => {
    const { email } = await signUp(server);
    newWindow();
    // EMAIL_FAILURES addresses, one wrong password each, fill the email's cap for the window.
    for (let i = 0; i < EMAIL_FAILURES; i++) expect((await login(email, 'wrong', `203.0.113.${100 + i}`)).code).toBe('UNAUTHENTICATED');
    // An address that already failed on this email is refused now (its pair budget is not spent) …
    expect((await login(email, 'wrong again', '203.0.113.100')).code).toBe('RATE_LIMITED');
    expect((await login(email, TEST_PASSWORD, '203.0.113.101')).code).toBe('RATE_LIMITED');
    // … while the owner at an address that has not failed gets in: the cap never locks them out.
    expect((await login(email, TEST_PASSWORD, '192.0.2.45')).code).toBe('ok');
    // The next window lifts the cap.
    server.clock.advance({ seconds: 60 });
    expect((await login(email, TEST_PASSWORD, '203.0.113.101')).code).toBe('ok');
  });

  it('guesses sent together meet the per-email cap as they would one after another', async () => {
    const { email } = await signUp(server);
    newWindow();
    const codesOf = async (attempts: Array<Promise<{ code: string }>>) => {
      const codes = (await Promise.all(attempts)).map((answer) => answer.code);
      return { heard: codes.filter((code) => code === 'UNAUTHENTICATED').length, refused: codes.filter((code) => code === 'RATE_LIMITED').length };
    };
    // One short of the cap: EMAIL_FAILURES - 1 addresses, one wrong password each.
    const failed = Array.from({ length: EMAIL_FAILURES - 1 }, (_, i) => `203.0.113.${150 + i}`);
    for (const address of failed) expect((await login(email, 'wrong', address)).code).toBe('UNAUTHENTICATED');
    // Each of them guesses again, all at once: one after another, the first fills the cap and the rest are refused.
    expect(await codesOf(failed.map((address) => login(email, 'wrong again', address)))).toEqual({ heard: 1, refused: EMAIL_FAILURES - 2 });
    // A fresh address's burst: its first guess is heard (it has not failed on the email), the rest are not.
    expect(await codesOf(Array.from({ length: PAIR_LIMIT }, () => login(email, 'fresh guess', '198.51.100.150')))).toEqual({ heard: 1, refused: PAIR_LIMIT - 1 });
    // The owner at another address still gets in, and a success gives back no place it did not take.
    expect((await login(email, TEST_PASSWORD, '192.0.2.150')).code).toBe('ok');
  });

  it('counts every attempt per client address across emails (password spraying)', async () => {
    newWindow();
    const results = [];
    for (let i = 0; i < PER_ADDRESS + 2; i++) results.push((await login(`nobody-${i}@example.test`, 'x', '198.51.100.9')).code);
    expect(results).toEqual([...Array(PER_ADDRESS).fill('UNAUTHENTICATED'), 'RATE_LIMITED', 'RATE_LIMITED']);
    expect((await login('nobody-0@example.test', 'x', '198.51.100.10')).code).toBe('UNAUTHENTICATED');
  });

  it('is held in PostgreSQL (shared by every instance)', async () => {
    const keys = (await server.db.prisma.rateLimitBucket.findMany()).map((b) => b.key);
    for (const prefix of ['login:ip:', 'login:pair:', 'login:streak:', 'login:email-failures:']) {
      expect(keys.some((key) => key.startsWith(prefix)), prefix).toBe(true);
    }
  });
});

describe('login back-off', () => {
  let roomy: TestServer;
  beforeAll(async () => {
    // A pair budget that does not run out first, so only the back-off refuses.
    roomy = await startTestServer({ env: { TRUSTED_PROXIES: 'loopback', LOGIN_RATE_LIMIT: '50' } });
  });
  afterAll(() => roomy?.close());

  it('backs off exponentially per (email, address) after 5 consecutive failures; a success clears it', async () => {
    const { email } = await signUp(roomy);
    const address = '203.0.113.200';
    const attempt = async (password: string) => {
      const response = await postJson(roomy.url, JSON.stringify({ query: LOGIN, variables: { email, password } }), { 'x-forwarded-for': address });
      const extensions = JSON.parse(response.text).errors?.[0]?.extensions;
      return { code: (extensions?.code as string | undefined) ?? 'ok', retryAfterSeconds: extensions?.retryAfterSeconds as number | undefined };
    };
    const fail = async () => (await attempt('wrong')).code;
    for (let i = 0; i < 5; i++) expect(await fail()).toBe('UNAUTHENTICATED');
    // After the 5th consecutive failure: wait 1 s, then 2 s, 4 s … (even with the right password).
    expect(await attempt(TEST_PASSWORD)).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    roomy.clock.advance({ seconds: 1 });
    expect(await fail()).toBe('UNAUTHENTICATED');
    expect(await attempt('wrong')).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 2 });
    roomy.clock.advance({ seconds: 2 });
    expect(await fail()).toBe('UNAUTHENTICATED');
    expect(await attempt('wrong')).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 4 });
    // Another address is not slowed by this one's streak.
    const elsewhere = await postJson(roomy.url, JSON.stringify({ query: LOGIN, variables: { email, password: TEST_PASSWORD } }), { 'x-forwarded-for': '192.0.2.80' });
    expect(JSON.parse(elsewhere.text).errors).toBeUndefined();
    roomy.clock.advance({ seconds: 4 });
    expect((await attempt(TEST_PASSWORD)).code).toBe('ok');
    // A success starts the streak over: failures cost nothing extra again.
    for (let i = 0; i < 5; i++) expect(await fail()).toBe('UNAUTHENTICATED');
  });

  it('guesses sent together get what they would one after another: 5 heard, then 1 per back-off', async () => {
    const { email } = await signUp(roomy);
    const address = '203.0.113.201';
    const burst = async () => {
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          postJson(roomy.url, JSON.stringify({ query: LOGIN, variables: { email, password: `guess ${i}` } }), { 'x-forwarded-for': address }),
        ),
      );
      const codes = answers.map((response) => JSON.parse(response.text).errors?.[0]?.extensions?.code as string);
      return { heard: codes.filter((code) => code === 'UNAUTHENTICATED').length, refused: codes.filter((code) => code === 'RATE_LIMITED').length };
    };
    // One after another, on a clock that stands still: 5 failures, then the 6th waits 1 s.
    expect(await burst()).toEqual({ heard: 5, refused: 3 });
    // The wait is over for all 8 at once: one is heard, and the rest wait the next one (2 s).
    roomy.clock.advance({ seconds: 1 });
    expect(await burst()).toEqual({ heard: 1, refused: 7 });
    roomy.clock.advance({ seconds: 2 });
    expect(await burst()).toEqual({ heard: 1, refused: 7 });
  });
});

describe('registration limits and REGISTRATION=closed', () => {
  const REGISTER = 'mutation ($e: String!) { register(email: $e, password: "correct horse battery") { token } }';
  const registerFrom = async (target: TestServer, address: string) => {
    const e = `r-${Math.random().toString(36).slice(2)}@example.test`;
    const response = await postJson(target.url, JSON.stringify({ query: REGISTER, variables: { e } }), { 'x-forwarded-for': address });
    const error = JSON.parse(response.text).errors?.[0];
    return error ? { code: error.extensions?.code as string, message: error.message as string } : { code: 'ok' };
  };

  it('a global limit bounds registrations from however many addresses', async () => {
    const target = await startTestServer({ env: { TRUSTED_PROXIES: 'loopback', REGISTER_GLOBAL_RATE_LIMIT: '3' } });
    try {
      target.clock.set(Math.ceil(Date.now() / 60_000) * 60_000 + 1_000);
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await registerFrom(target, `203.0.113.${i + 1}`)).code);
      expect(codes).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED', 'RATE_LIMITED']);
    } finally {
      await target.close();
    }
  });

  it('closed: register answers FORBIDDEN with a clear message', async () => {
    const target = await startTestServer({ env: { REGISTRATION: 'closed' } });
    try {
      expect(await registerFrom(target, '203.0.113.1')).toEqual({ code: 'FORBIDDEN', message: 'Registration is closed: accounts are created by the shop' });
    } finally {
      await target.close();
    }
  });
});
