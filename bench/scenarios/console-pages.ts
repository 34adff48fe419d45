import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@coupons/api/testing';
import { type Browser, chromium, type Page } from '@playwright/test';
import { type ApiProcess, startApiProcess } from '../lib/api-process.ts';
import { compareGoal, type Goal, type Scenario } from '../lib/scenario.ts';
import { addCoupons, type BenchUser, createBook, createUsers, settle } from '../lib/seed.ts';
import { quantile, round } from '../lib/stats.ts';
import { bearerTokens } from '../lib/tokens.ts';

// Issue 17, item 9: every console page's time to content in the production build. Builds the
// console (`next build`, into its own folder), starts it with `next start` against an API
// process of this run, seeds a realistic campaign, and opens each page in Playwright's Chromium
// as a signed-in admin (and My coupons as a shopper), full page loads, several rounds. "Time to
// content": from the navigation's start to the moment the page's <h1> is visible and nothing on
// it is loading any more (no aria-busy, no "Loading …" text). The GraphQL requests each load makes
// are recorded too, and how many of them waited for another to finish first (a waterfall).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const consoleDir = path.join(root, 'apps/console');
const nextBin = path.join(consoleDir, 'node_modules/next/dist/bin/next');
/** Its own build folder: an e2e run's `.next` in the same checkout is left alone. */
const DIST_DIR = '.next-bench';
const debianChromium = '/usr/bin/chromium';
const GOAL_MS = 1_000;

interface PageSpec {
  name: string;
  path: string;
  as: 'admin' | 'shopper';
}

interface PageResult {
  name: string;
  path: string;
  /** Time to content of each measured load, ms. */
  loadsMs: number[];
  p50Ms: number;
  maxMs: number;
  /** First contentful paint, median, ms. */
  fcpP50Ms: number;
  /** GraphQL requests of the median load (the shell's `Me` left out). */
  requests: number;
  /** Longest chain of GraphQL requests each started only after the one before it had ended (1 = all in parallel). */
  chain: number;
  chainOperations: string[];
  /** The GraphQL requests of the median load: operation, start and end in ms from the first one's start. */
  requestLog: string[];
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output = (output + chunk).slice(-20_000);
    });
    child.stderr.on('data', (chunk) => {
      output = (output + chunk).slice(-20_000);
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** `next start` of the build on `port`; resolves once /config.json answers. */
async function startConsole(apiUrl: string, port: number, log: (m: string) => void) {
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [nextBin, 'start', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: consoleDir,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', NEXT_DIST_DIR: DIST_DIR, PUBLIC_API_URL: apiUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Also gone when the benchmark is stopped mid-scenario (Ctrl-C exits without this scenario's finally).
  const killNow = () => child.kill('SIGKILL');
  process.on('exit', killNow);
  let output = '';
  child.stdout?.on('data', (c) => {
    output = (output + c).slice(-5_000);
  });
  child.stderr?.on('data', (c) => {
    output = (output + c).slice(-5_000);
  });
  const stop = async () => {
    process.off('exit', killNow);
    if (child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}): ${output}`);
    try {
      if ((await fetch(`${origin}/config.json`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not answer within 60 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  log(`console on ${origin}`);
  return { origin, stop };
}

async function graphql<T>(api: ApiProcess, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(api.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`${query.slice(0, 60)}: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data as T;
}

/** Waits, in the page, until the content is there; answers ms since the navigation started. */
async function timeToContent(page: Page): Promise<number> {
  const handle = await page.waitForFunction(
    () => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { getBoundingClientRect(): { height: number } } | null; body: { innerText: string } } }).document;
      const h1 = doc.querySelector('main h1');
      if (!h1 || h1.getBoundingClientRect().height === 0) return false;
      if (doc.querySelector('[aria-busy="true"]')) return false;
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point: a hidden "Loading …" does not count
      if (/(^|\n)\s*(Loading|Checking your session)[^\n]*…/.test(doc.body.innerText)) return false;
      return (globalThis as unknown as { performance: { now(): number } }).performance.now();
    },
    undefined,
    { polling: 'raf', timeout: 30_000 },
  );
  return Number(await handle.jsonValue());
}

async function measurePage(browser: Browser, spec: PageSpec, session: string, rounds: number): Promise<PageResult> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript((value) => {
    (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem('coupons.session', value);
  }, session);
  const page = await context.newPage();
  // Each GraphQL request of a load: its operation and when it started and ended (ms since navigation start).
  let requests: Array<{ op: string; start: number; end: number }> = [];
  page.on('requestfinished', (request) => {
    if (!request.url().endsWith('/graphql') || request.method() !== 'POST') return;
    const timing = request.timing();
    let op = '?';
    try {
      op = (JSON.parse(request.postData() ?? '{}') as { operationName?: string }).operationName ?? '?';
    } catch {
      // not JSON
    }
    requests.push({ op, start: timing.startTime, end: timing.startTime + timing.responseEnd });
  });
  const loads: Array<{ ms: number; fcp: number; requests: typeof requests }> = [];
  // One warm-up load (the server's first render of the route, the browser's cache of the chunks), then the measured ones.
  for (let i = 0; i <= rounds; i++) {
    requests = [];
    // A request of the previous load that ends after this one began is not this load's.
    const navigationStarted = Date.now();
    await page.goto(spec.path, { waitUntil: 'commit' });
    const ms = await timeToContent(page);
    const fcp = await page.evaluate(() => {
      const entries = (globalThis as unknown as { performance: { getEntriesByName(n: string): Array<{ startTime: number }> } }).performance.getEntriesByName('first-contentful-paint');
      return entries[0]?.startTime ?? Number.NaN;
    });
    // `Me` is the shell's own check of the session, sent at start-up beside the page's reads: the
    // page never waits for it, so it is no link of a page's chain.
    if (i > 0) loads.push({ ms, fcp, requests: requests.filter((r) => r.start >= navigationStarted && r.start <= r.end && r.op !== 'Me') });
  }
  await context.close();
  const sorted = loads.map((l) => l.ms).sort((a, b) => a - b);
  const median = [...loads].sort((a, b) => a.ms - b.ms)[Math.floor(loads.length / 2)] ?? loads[0];
  const { chain, operations } = longestChain(median?.requests ?? []);
  return {
    name: spec.name,
    path: spec.path,
    loadsMs: loads.map((l) => Math.round(l.ms)),
    p50Ms: Math.round(quantile(sorted, 0.5)),
    maxMs: Math.round(sorted.at(-1) ?? Number.NaN),
    fcpP50Ms: Math.round(quantile(loads.map((l) => l.fcp).sort((a, b) => a - b), 0.5)),
    requests: median?.requests.length ?? 0,
    chain,
    chainOperations: operations,
    requestLog: logOf(median?.requests ?? []),
  };
}

/** "Op start–end" per request, in ms from the first request's start (Playwright's times are wall-clock). */
function logOf(requests: Array<{ op: string; start: number; end: number }>): string[] {
  const sorted = [...requests].sort((a, b) => a.start - b.start);
  const t0 = sorted[0]?.start ?? 0;
  return sorted.map((r) => `${r.op} ${Math.round(r.start - t0)}–${Math.round(r.end - t0)}`);
}

/** The longest run of requests where each started after the previous one had ended. */
function longestChain(requests: Array<{ op: string; start: number; end: number }>): { chain: number; operations: string[] } {
  const sorted = [...requests].sort((a, b) => a.end - b.end);
  const best: Array<{ length: number; ops: string[] }> = [];
  let top = { length: 0, ops: [] as string[] };
  sorted.forEach((request, i) => {
    let entry = { length: 1, ops: [request.op] };
    for (let j = 0; j < i; j++) {
      const before = sorted[j] as (typeof sorted)[number];
      const candidate = best[j] as { length: number; ops: string[] };
      if (before.end <= request.start && candidate.length + 1 > entry.length) entry = { length: candidate.length + 1, ops: [...candidate.ops, request.op] };
    }
    best.push(entry);
    if (entry.length > top.length) top = entry;
  });
  return { chain: top.length, operations: top.ops };
}

export const consolePages: Scenario = {
  id: 'console-pages',
  title: 'time to content of every console page in the production build (next build && next start), Playwright Chromium, full page loads, signed in',
  async run(ctx) {
    if (!fs.existsSync(nextBin)) return { figures: {}, goals: [], notRun: 'the console (apps/console) is not installed' };
    const rounds = ctx.quick ? 3 : 7;

    ctx.log(`next build into apps/console/${DIST_DIR}`);
    const buildStarted = Date.now();
    const build = await run(process.execPath, [nextBin, 'build'], consoleDir, { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', NEXT_DIST_DIR: DIST_DIR });
    if (build.code !== 0) throw new Error(`next build failed: ${build.output.slice(-2_000)}`);
    const buildMs = Date.now() - buildStarted;

    // The console's origin must be known to the API (CORS) before it starts: pick the port first.
    const consolePort = await freePort();
    const api = await startApiProcess({
      name: 'console-api',
      databaseUrl: ctx.database.url,
      poolSize: ctx.poolSize,
      env: { CORS_ORIGINS: `http://127.0.0.1:${consolePort}`, WEBHOOK_ALLOWED_HOSTS: 'hooks.example.com' },
    });
    let web: Awaited<ReturnType<typeof startConsole>> | null = null;
    let browser: Browser | null = null;
    try {
      // A campaign as an admin would run it: 60 books (one with 50,000 codes, 2,000 claimed by
      // 200 shoppers, 40 of them redeemed), a pool of 200 members, a webhook endpoint.
      const [admin] = (await createUsers(ctx.pool, 1, 'ADMIN')) as [BenchUser];
      const shoppers = await createUsers(ctx.pool, 200);
      const [adminToken] = bearerTokens([admin]) as [string];
      const shopperTokens = bearerTokens(shoppers);
      const book = await createBook(ctx.pool, 'Welcome 10% off');
      await addCoupons(ctx.pool, book, 50_000, { userIds: shoppers.map((s) => s.id), assigned: 2_000 });
      for (let i = 0; i < 59; i++) await addCoupons(ctx.pool, await createBook(ctx.pool, `Campaign ${i + 1}`), 500);
      const held = await ctx.pool.query<{ code: string; user_id: string }>(
        `SELECT code, assigned_user_id::text AS user_id FROM coupon WHERE book_id = $1::uuid AND state = 'ASSIGNED' ORDER BY id LIMIT 40`,
        [book],
      );
      const tokenOf = new Map(shoppers.map((s, i) => [s.id, shopperTokens[i] as string]));
      for (const { code, user_id } of held.rows) {
        const token = tokenOf.get(user_id) as string;
        await graphql(api, token, 'mutation ($code: String!) { lockCoupon(code: $code) { code } }', { code });
        await graphql(api, token, 'mutation ($code: String!) { redeemCoupon(code: $code) { id } }', { code });
      }
      const shopper = shoppers.find((s) => s.id === held.rows[0]?.user_id) as BenchUser;
      const pool = await graphql<{ createPool: { id: string } }>(api, adminToken, 'mutation { createPool(name: "Newsletter") { id } }');
      await graphql(api, adminToken, 'mutation ($poolId: ID!, $userIds: [ID!]) { addPoolMembers(poolId: $poolId, userIds: $userIds) { id } }', {
        poolId: pool.createPool.id,
        userIds: shoppers.map((s) => s.id),
      });
      let endpointId: string | null = null;
      try {
        const created = await graphql<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
          api,
          adminToken,
          'mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }',
          { input: { url: 'https://hooks.example.com/bench', events: ['REDEEMED'] } },
        );
        endpointId = created.createWebhookEndpoint.endpoint.id;
      } catch (error) {
        ctx.log(`no webhook endpoint page: ${(error as Error).message}`);
      }
      await settle(ctx.pool);

      const pages: PageSpec[] = [
        { name: 'Books', path: '/books', as: 'admin' },
        { name: 'New book', path: '/books/new', as: 'admin' },
        { name: 'Book (50,000 codes)', path: `/books/${book}`, as: 'admin' },
        { name: 'Edit book', path: `/books/${book}/edit`, as: 'admin' },
        { name: 'Coupon', path: `/coupons/${held.rows[0]?.code}`, as: 'admin' },
        { name: 'Pools', path: '/pools', as: 'admin' },
        { name: 'Pool (200 members)', path: `/pools/${pool.createPool.id}`, as: 'admin' },
        { name: 'Users', path: '/users', as: 'admin' },
        { name: 'Live', path: '/live', as: 'admin' },
        { name: 'API keys', path: '/api-keys', as: 'admin' },
        { name: 'Webhooks', path: '/webhooks', as: 'admin' },
        ...(endpointId ? [{ name: 'Webhook endpoint', path: `/webhooks/${endpointId}`, as: 'admin' as const }] : []),
        { name: 'Audit', path: '/audit', as: 'admin' },
        { name: 'My coupons (shopper)', path: '/my-coupons', as: 'shopper' },
      ];

      web = await startConsole(api.url, consolePort, ctx.log);
      browser = await chromium.launch({
        executablePath: fs.existsSync(debianChromium) ? debianChromium : undefined,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
      const sessionOf = (user: BenchUser, token: string) => JSON.stringify({ token: token.replace(/^Bearer /, ''), user: { id: user.id, email: user.email, role: user.role }, expiresAt: null });
      const sessions = { admin: sessionOf(admin, adminToken), shopper: sessionOf(shopper, tokenOf.get(shopper.id) as string) };

      const loadBefore = os.loadavg()[0];
      const results: PageResult[] = [];
      for (const spec of pages) {
        const result = await measurePage(browser, { ...spec, path: `${web.origin}${spec.path}` }, sessions[spec.as], rounds);
        result.path = spec.path;
        ctx.log(`${spec.name.padEnd(24)} p50 ${result.p50Ms} ms, max ${result.maxMs} ms, FCP ${result.fcpP50Ms} ms, ${result.requests} GraphQL requests, longest chain ${result.chain} (${result.requestLog.join(', ')})`);
        results.push(result);
      }

      const goals: Goal[] = results.map((r) => compareGoal(`${r.name}: time to content, p50`, r.p50Ms, '≤', GOAL_MS, ' ms'));
      const chained = results.filter((r) => r.chain > 1);
      goals.push({
        name: 'data requests of a page in parallel (longest chain of GraphQL requests)',
        actual: chained.length === 0 ? 'every page 1' : chained.map((r) => `${r.name} ${r.chain} (${r.chainOperations.join(' → ')})`).join('; '),
        target: '1 on every page',
        met: chained.length === 0,
      });
      return {
        summary: `${rounds} loads per page after one warm-up; p50 ${results.map((r) => `${r.name} ${r.p50Ms} ms`).join(', ')}`,
        figures: { rounds, buildMs, viewport: '1440×900', loadAverage: { start: round(loadBefore, 1), end: round(os.loadavg()[0], 1) }, pages: results, p50AllMs: round(quantile(results.flatMap((r) => r.loadsMs).sort((a, b) => a - b), 0.5), 0) },
        goals,
        notes: [
          'time to content = navigation start → the page’s <h1> visible with no aria-busy element and no “Loading …” text, in Chromium on this machine, console and API on the same host; FCP = first contentful paint',
          `1-minute load average ${round(loadBefore, 1)} before the page loads, ${round(os.loadavg()[0], 1)} after (2 cores shared with other work)`,
          `pages measured from ${new Date().toISOString()}`,
        ],
      };
    } finally {
      await browser?.close().catch(() => {});
      await web?.stop();
      await api.stop();
    }
  },
};
