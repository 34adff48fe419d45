import { startPgBouncer } from '@coupons/db/testing';
import { type ApiProcess, startApiProcess } from '../lib/api-process.ts';
import { type AssignSizes, assignViaApi, stockAssignLoad } from '../lib/assign-load.ts';
import { apiCheckouts, checkoutQueue } from '../lib/checkout-load.ts';
import { treeCpuMs } from '../lib/cpu.ts';
import type { GraphqlLoadResult } from '../lib/http-load.ts';
import { type BenchContext, formatNumber, type Goal, type Scenario } from '../lib/scenario.ts';
import { codesByUser, createUsers, seedBooks } from '../lib/seed.ts';
import { bearerTokens } from '../lib/tokens.ts';

const PROCESSES = 4;
/** Checkout users: a path of N processes gives each process its own 64 / N of them. */
const CHECKOUT_USERS = 64;

/** One way of reaching the database: its API processes, and the PgBouncer in between, if any. */
interface Path {
  name: string;
  apis: ApiProcess[];
  bouncerPid?: number;
}

/** What one load cost on a path: per call (per checkout), and how it went. */
interface Measured {
  perSecond: number;
  p99MsPerCall: number;
  ok: number;
  errors: Record<string, number>;
  cpuMs: { api: number; postgres: number; pgbouncer?: number };
}

const perUnit = (ms: number, units: number) => Math.round((ms / units) * 1000) / 1000;

/**
 * Runs `load` (which sends `units` calls or checkouts over the path's processes) and reads the
 * CPU it cost every process involved: the path's API processes, PostgreSQL and its PgBouncer.
 */
async function measure(ctx: BenchContext, path: Path, units: number, load: () => Promise<GraphqlLoadResult[]>): Promise<Measured> {
  const cpu = () => ({
    api: path.apis.reduce((sum, a) => sum + treeCpuMs(a.pid), 0),
    postgres: treeCpuMs(ctx.database.postgresPid),
    bouncer: path.bouncerPid ? treeCpuMs(path.bouncerPid) : 0,
  });
  const before = cpu();
  const started = performance.now();
  const parts = await load();
  const wallMs = performance.now() - started;
  const after = cpu();
  const errors: Record<string, number> = {};
  for (const p of parts) for (const [code, n] of Object.entries(p.errors)) errors[code] = (errors[code] ?? 0) + n;
  return {
    perSecond: Math.round((units / wallMs) * 1000),
    p99MsPerCall: Math.max(...parts.map((p) => p.p99Ms)),
    ok: parts.reduce((sum, p) => sum + p.ok, 0),
    errors,
    cpuMs: {
      api: perUnit(after.api - before.api, units),
      postgres: perUnit(after.postgres - before.postgres, units),
      ...(path.bouncerPid ? { pgbouncer: perUnit(after.bouncer - before.bouncer, units) } : {}),
    },
  };
}

/** The books and users each path runs on (its own, so no path thins another's). */
interface Stock {
  size: AssignSizes;
  tokens: string[];
  assignBook: string;
  checkout: { users: string[]; tokens: string[]; perUser: number; codes: Map<string, string[]> };
}

/** assign-hot's load, then lock-redeem's checkouts, on one path (its processes share each load). */
async function measurePath(ctx: BenchContext, path: Path, stock: Stock, checkouts: { warmup: number; measured: number }) {
  const { size, tokens, assignBook, checkout } = stock;
  const n = path.apis.length;
  const assign = (calls: number) =>
    Promise.all(
      path.apis.map((api) => assignViaApi(api.url, { bookIds: [assignBook], calls: calls / n, concurrency: size.concurrency / n, tokens })),
    );
  const share = CHECKOUT_USERS / n;
  const runs = path.apis.map((api, i) => {
    const mine = checkout.users.slice(i * share, (i + 1) * share);
    return apiCheckouts(api.url, checkoutQueue(mine, checkout.codes, checkout.perUser), checkout.tokens.slice(i * share, (i + 1) * share), share);
  });
  const runCheckouts = (count: number) => Promise.all(runs.map((run) => run(count / n)));

  ctx.log(`${path.name}: warm-up (${size.warmupCalls} claims, ${checkouts.warmup} checkouts)`);
  await assign(size.warmupCalls);
  await runCheckouts(checkouts.warmup);
  ctx.log(`${path.name}: ${size.calls} claims`);
  const claims = await measure(ctx, path, size.calls, () => assign(size.calls));
  ctx.log(`${path.name}: ${checkouts.measured} checkouts`);
  const checkoutsMeasured = await measure(ctx, path, checkouts.measured, () => runCheckouts(checkouts.measured));
  return { claims, checkouts: checkoutsMeasured };
}

/**
 * pgbouncer: what running past one process costs, three ways, one after the other on the same
 * database: the run's one API process connected directly; 4 API processes connected directly
 * (named statements, as one process); 4 API processes through PgBouncer in transaction pooling
 * (Debian's package, started here, `default_pool_size` = the pool size), each with a direct
 * LISTEN connection (DATABASE_LISTEN_URL) and unnamed statements (DATABASE_NAMED_STATEMENTS=false:
 * PgBouncer 1.18 keeps no prepared statement across transactions). Each path runs assign-hot's
 * load (64 clients shared by its processes, its own 100k-code book) and lock-redeem's checkouts
 * (64 users locking then redeeming their own coupons, split between its processes). Only one
 * path's extra processes are up at a time. Reported: calls (checkouts) per second and CPU per
 * call (per checkout) of the API processes, PostgreSQL and PgBouncer; every call must claim and
 * every checkout redeem.
 */
export const pgbouncer: Scenario = {
  id: 'pgbouncer',
  title: 'assign-hot and lock-redeem checkouts: 1 API process direct, 4 direct, 4 through PgBouncer (transaction pooling)',
  async run(ctx: BenchContext) {
    const { size, tokens, bookIds } = await stockAssignLoad(ctx, 3);
    const checkouts = { measured: ctx.quick ? 640 : 6_400, warmup: ctx.quick ? 128 : 640 };
    const perUser = (checkouts.measured + checkouts.warmup) / CHECKOUT_USERS;
    const users = await createUsers(ctx.pool, CHECKOUT_USERS);
    const userIds = users.map((u) => u.id);
    const total = perUser * CHECKOUT_USERS;
    const assigned = { codes: total, assignTo: { userIds, assigned: total } };
    const checkoutBooks = await seedBooks(ctx.pool, { one: assigned, four: assigned, bounced: assigned });
    const stock = async (assignBook: string, checkoutBook: string): Promise<Stock> => ({
      size,
      tokens,
      assignBook,
      checkout: { users: userIds, tokens: bearerTokens(users), perUser, codes: await codesByUser(ctx.pool, checkoutBook) },
    });
    const startFour = (name: string, databaseUrl: string, env: Record<string, string> = {}) =>
      Promise.all(
        Array.from({ length: PROCESSES }, (_, i) => startApiProcess({ name: `${name}-${i + 1}`, databaseUrl, poolSize: ctx.poolSize, env })),
      );

    const one = await measurePath(ctx, { name: '1 API direct', apis: [ctx.api()] }, await stock(bookIds[0], checkoutBooks.one), checkouts);

    let apis = await startFour('api-direct', ctx.database.url);
    let four: Awaited<ReturnType<typeof measurePath>>;
    try {
      four = await measurePath(ctx, { name: `${PROCESSES} APIs direct`, apis }, await stock(bookIds[1], checkoutBooks.four), checkouts);
    } finally {
      await Promise.all(apis.map((a) => a.stop().catch(() => {})));
    }

    const bouncer = await startPgBouncer(ctx.database.url, ctx.poolSize, ctx.log);
    ctx.log(`${bouncer.version} on ${new URL(bouncer.url).port}`);
    let bounced: Awaited<ReturnType<typeof measurePath>>;
    apis = [];
    try {
      apis = await startFour('api-pgbouncer', bouncer.url, { DATABASE_LISTEN_URL: ctx.database.url, DATABASE_NAMED_STATEMENTS: 'false' });
      const path = { name: `${PROCESSES} APIs via PgBouncer`, apis, bouncerPid: bouncer.pid };
      bounced = await measurePath(ctx, path, await stock(bookIds[2], checkoutBooks.bounced), checkouts);
      // A failed call is an error the API logged: show the processes' last lines.
      if (bounced.claims.ok !== size.calls || bounced.checkouts.ok !== checkouts.measured * 2) {
        for (const api of apis) ctx.log(`${api.name}: ${api.output().slice(-1500)}`);
      }
    } finally {
      await Promise.all(apis.map((a) => a.stop().catch(() => {})));
      await bouncer.stop();
    }

    const redeemed = await ctx.pool.query<{ book: string; n: number }>(
      `SELECT book_id::text AS book, count(*)::int AS n FROM coupon WHERE book_id = ANY($1::uuid[]) AND state = 'REDEEMED' GROUP BY book_id`,
      [Object.values(checkoutBooks)],
    );
    const redeemedIn = (book: string) => redeemed.rows.find((r) => r.book === book)?.n ?? 0;
    const expected = checkouts.measured + checkouts.warmup;
    const errorsText = (m: Measured) => (Object.keys(m.errors).length ? ` (${JSON.stringify(m.errors)})` : '');
    const line = (name: string, m: { claims: Measured; checkouts: Measured }) =>
      `${name}: ${formatNumber(m.claims.perSecond)} claims/s, API ${m.claims.cpuMs.api} + PG ${m.claims.cpuMs.postgres}${m.claims.cpuMs.pgbouncer === undefined ? '' : ` + PgBouncer ${m.claims.cpuMs.pgbouncer}`} ms; ${formatNumber(m.checkouts.perSecond)} checkouts/s, API ${m.checkouts.cpuMs.api} + PG ${m.checkouts.cpuMs.postgres}${m.checkouts.cpuMs.pgbouncer === undefined ? '' : ` + PgBouncer ${m.checkouts.cpuMs.pgbouncer}`} ms`;
    const goals: Goal[] = [
      {
        name: 'every call through PgBouncer claimed a coupon',
        actual: `${bounced.claims.ok} of ${size.calls}${errorsText(bounced.claims)}`,
        target: 'all',
        met: bounced.claims.ok === size.calls && one.claims.ok === size.calls && four.claims.ok === size.calls,
      },
      {
        name: 'every checkout through PgBouncer redeemed (DB)',
        actual: `${redeemedIn(checkoutBooks.bounced)} of ${expected}${errorsText(bounced.checkouts)}`,
        target: 'all',
        met:
          Object.values(checkoutBooks).every((book) => redeemedIn(book) === expected) &&
          [one, four, bounced].every((m) => m.checkouts.ok === checkouts.measured * 2),
      },
    ];
    return {
      summary: [line('1 API direct', one), line(`${PROCESSES} APIs direct`, four), line(`${PROCESSES} APIs via PgBouncer`, bounced)].join(' · '),
      figures: {
        sizes: size,
        checkouts,
        checkoutUsers: CHECKOUT_USERS,
        poolSize: ctx.poolSize,
        processes: PROCESSES,
        pgbouncerVersion: bouncer.version,
        cpuPer: 'claim (one call); checkout (lock + redeem, two calls)',
        oneDirect: one,
        fourDirect: four,
        fourViaPgBouncer: bounced,
      },
      goals,
    };
  },
};
