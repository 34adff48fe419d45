import { type ServiceContext, sweepExpiredLocks } from '@coupons/core';
import { Prisma } from '@coupons/db';
import {
  type ApiUser,
  type BookOptions,
  call,
  CONTRACT_CODES,
  createCampaign,
  createUsers,
  OPS,
  type Outcome,
  startTestServer,
  type TestServer,
} from '../../testing/index.ts';
import { type AdminOp, BOOK_QUERY, bookAnswer, callAdmin, describeAdminOp, isBookControl } from './transition-pairs.admin.ts';

/**
 * The race harness of issue 12: two transitions of ONE coupon, run one after the other in both
 * orders (each on a fresh 1-code book) to learn the two answers a serial execution allows, then
 * fired at once over HTTP many times (each round on a fresh book). A round whose outcome — both
 * answers and the coupon's final row — equals neither serial outcome is a linearizability bug.
 *
 * A 1-code book makes every serial outcome deterministic (no random pick to differ), and time only
 * moves when the harness moves the server's clock, so the serial runs are reproducible.
 */

/** The callers: two shoppers and an admin (`u1` owns the coupon in every setup that assigns it). */
export type Actor = 'u1' | 'u2' | 'admin';

/** One transition of the coupon under test, by whom. `for` is the `userId` an admin assigns to. */
export type PairOp =
  | { kind: 'assignRandom'; by: Actor; for?: Actor }
  | { kind: 'assignCode'; by: Actor; for?: Actor }
  | { kind: 'lock'; by: Actor }
  | { kind: 'unlock'; by: Actor }
  | { kind: 'redeem'; by: Actor }
  /** The admin reverses the n-th redemption the setup made (0 = the first). */
  | { kind: 'reverse'; redemption: number }
  /** `sweepExpiredLocks` from core, as a second API process's sweeper would run it. */
  | { kind: 'sweep' }
  /** The admin controls on the coupon or its book (transition-pairs.admin.ts). */
  | AdminOp;

/** Where a scenario starts: transitions run one at a time on the fresh coupon, then maybe expiry. */
export interface PairSetup {
  name: string;
  steps: PairOp[];
  /**
   * Leaves the last lock exactly at its expiry (`lock_expires_at = now`, expired for every
   * operation, not yet swept). Each slot's book gets its own `lockTtlSeconds` (1 s, 2 s, …), all
   * slots lock at one instant, and the clock moves to slot i's expiry just before slot i runs: the
   * locks of later slots are still live, so a sweep in slot i touches no other slot.
   */
  expireLock?: boolean;
}

export interface PairScenario {
  name: string;
  book: BookOptions;
  setup: PairSetup;
  ops: readonly [PairOp, PairOp];
  /**
   * Optional: the answers each serial order must give ([a, b] for "a then b", then "b then a"),
   * when the contract pins them down. The row is still compared as measured.
   */
  serialAnswers?: { ab: readonly [string, string]; ba: readonly [string, string] };
  /**
   * Rounds as a multiple of the run's (default 1): for the pairs whose known race hides in a
   * window of well under a millisecond (claim ‖ lock hit ~5% of rounds before the fix).
   */
  weight?: number;
}

/** What one run of a pair did: both answers (in the scenario's op order) and the coupon's final row. */
export interface PairOutcome {
  answers: [string, string];
  row: FinalRow;
}

/** The coupon after a run, with users named by role (`u1`, `u2`, `admin`) instead of ids. */
export interface FinalRow {
  state: string;
  owner: string | null;
  lockedBy: string | null;
  lockLive: boolean;
  redemptionCount: number;
  redemptions: number;
  reversed: number;
  /** Non-zero per-user counters of the book: `assigned/redeemed` (an all-zero row equals none for every limit). */
  counters: Record<string, string>;
  /** CouponEvent rows of the coupon by type: a transition recorded twice or never shows here. */
  events: Record<string, number>;
  /** `voided_at` is set (voidCoupon). */
  voided: boolean;
  /** The code's own expiry (updateCoupon): none, or whether it has passed at the clock's now. */
  codeExpiry: 'none' | 'passed' | 'ahead';
  /** The code's own use limit (updateCoupon), null when the book decides. */
  codeMaxRedemptions: number | null;
  /** Whether a lock's expiry is exactly now + the book's lockTtlSeconds (null without a lock time): which TTL the lock was taken with. */
  lockTtlMatch: boolean | null;
  /** The book's status and limits as the admin ops change them (`gone` once deleteBook took it with its codes). */
  book: string;
  /** Audit-log entries about the code or its book, by action (an admin change recorded twice or never shows here). */
  audits: Record<string, number>;
}

export interface PairReport {
  scenario: PairScenario;
  serial: { ab: PairOutcome; ba: PairOutcome };
  /**
   * A book control's answer reads `counts` after its commit, before it answers: a transition
   * ordered after it may already show there. For each serial order whose first op is a book
   * control, that order's outcome with the control answering the book as it stood after both.
   */
  lateReads: PairOutcome[];
  rounds: number;
  /** Concurrent outcomes by their key, with how often each was seen. */
  seen: Map<string, { outcome: PairOutcome; count: number }>;
  /** Outcomes that no serial order gives, and defects (a non-contract answer) of the serial runs. */
  problems: string[];
  /** Preparing the slots, then everything (serial runs and rounds included). */
  setupMs: number;
  wallMs: number;
}

/** One API server and the three callers every scenario uses. */
export interface PairWorld {
  server: TestServer;
  users: Record<Actor, ApiUser>;
  /** The context `sweepExpiredLocks` runs with: the server's database, clock and announcer. */
  sweeper: ServiceContext;
  names: Map<string, Actor>;
}

/**
 * Starts the server for the harness: tokens outlive the clock moves of expiry scenarios, and the
 * server's own sweeper is parked (the harness runs `sweepExpiredLocks` itself, as one side of a
 * pair), so that no background timer decides a serial outcome.
 */
export async function startPairWorld(): Promise<PairWorld> {
  const server = await startTestServer({
    env: { JWT_TTL_SECONDS: String(10 * 365 * 86_400), LOCK_SWEEP_INTERVAL_MS: String(2_000_000_000) },
  });
  const [[admin], [u1, u2]] = await Promise.all([createUsers(server, 1, 'ADMIN'), createUsers(server, 2)]);
  const users = { u1, u2, admin };
  const sweeper: ServiceContext = { db: server.db, caller: null, clock: server.clock, events: server.server.live?.announcer };
  const names = new Map<string, Actor>([[u1.id, 'u1'], [u2.id, 'u2'], [admin.id, 'admin']]);
  return { server, users, sweeper, names };
}

/** A fresh coupon in its setup state. */
interface Slot {
  bookId: string;
  code: string;
  redemptionIds: string[];
  /** When its lock expires (expiry setups only), in server-clock milliseconds. */
  expiresAt: number | null;
}

/** A readable name of an op, for scenario names and reports. */
export function describeOp(op: PairOp): string {
  switch (op.kind) {
    case 'assignRandom':
      return op.for ? `assignRandomCoupon(userId: ${op.for}) by ${op.by}` : `assignRandomCoupon by ${op.by}`;
    case 'assignCode':
      return op.for ? `assignCoupon(code, userId: ${op.for}) by ${op.by}` : `assignCoupon(code) by ${op.by}`;
    case 'reverse':
      return `reverseRedemption(#${op.redemption}) by admin`;
    case 'sweep':
      return 'sweepExpiredLocks';
    case 'void':
    case 'unassign':
    case 'forceUnlock':
    case 'updateCoupon':
    case 'bookStatus':
    case 'updateBook':
    case 'deleteBook':
      return describeAdminOp(op);
    default:
      return `${op.kind}Coupon by ${op.by}`;
  }
}

/** Sends one op for `slot` and reduces the answer to a comparable string (ids and times left out). */
async function execute(world: PairWorld, slot: Slot, op: PairOp): Promise<{ answer: string; outcome: Outcome | null }> {
  const { server, users } = world;
  const name = (id: unknown) => (id === null || id === undefined ? null : (world.names.get(String(id)) ?? `?${String(id)}`));
  let outcome: Outcome;
  switch (op.kind) {
    case 'sweep':
      await sweepExpiredLocks(world.sweeper);
      return { answer: 'ok', outcome: null };
    case 'assignRandom':
      outcome = await call(server, OPS.assignRandom, { bookId: slot.bookId, userId: op.for ? users[op.for].id : null }, users[op.by].token);
      break;
    case 'assignCode':
      outcome = await call(server, OPS.assignCode, { code: slot.code, userId: op.for ? users[op.for].id : null }, users[op.by].token);
      break;
    case 'lock':
    case 'unlock':
    case 'redeem':
      outcome = await call(server, OPS[op.kind], { code: slot.code }, users[op.by].token);
      break;
    case 'reverse': {
      const id = slot.redemptionIds[op.redemption];
      if (!id) throw new Error(`the setup made no redemption #${op.redemption}`);
      outcome = await call(server, OPS.reverse, { id, reason: 'race harness' }, users.admin.token);
      break;
    }
    default:
      outcome = await callAdmin(server, users.admin.token, slot, op);
  }
  if (!outcome.ok) return { answer: outcome.code, outcome };
  const d = outcome.data;
  let answer: string;
  if (op.kind === 'redeem' || op.kind === 'reverse') answer = `ok redemption of ${name(d.userId)}${d.reversedAt ? ', reversed' : ''}`;
  else if (op.kind === 'deleteBook') answer = `ok ${String(d)}`;
  else if (isBookControl(op)) answer = bookAnswer(d);
  else answer = `ok ${d.state} owner=${name(d.assignedUserId)} locked=${d.lockExpiresAt !== null} redemptions=${d.redemptionCount}`;
  return { answer, outcome };
}

/** The coupon's final row, its redemptions, the book's counters, the coupon's events, its book and their audit entries. */
async function readFinalRow(world: PairWorld, slot: Slot): Promise<FinalRow> {
  const now = world.server.clock.now();
  const db = world.server.db.prisma;
  const [row] = await db.$queryRaw<
    Array<{
      state: string;
      owner: string | null;
      locked_by: string | null;
      lock_live: boolean;
      redemption_count: number;
      redemptions: number;
      reversed: number;
      counters: Array<{ user_id: string; assigned: number; redeemed: number }> | null;
      events: Record<string, number> | null;
      voided: boolean;
      code_expiry: 'none' | 'passed' | 'ahead';
      code_max_redemptions: number | null;
      lock_ttl_match: boolean | null;
      book: string;
    }>
  >(Prisma.sql`
    SELECT c.state::text AS state, c.assigned_user_id::text AS owner, c.locked_by_id::text AS locked_by,
           coalesce(c.lock_expires_at > ${now}, false) AS lock_live, c.redemption_count,
           (SELECT count(*)::int FROM redemption r WHERE r.coupon_id = c.id) AS redemptions,
           (SELECT count(*)::int FROM redemption r WHERE r.coupon_id = c.id AND r.reversed_at IS NOT NULL) AS reversed,
           (SELECT json_agg(json_build_object('user_id', u.user_id, 'assigned', u.assigned_count, 'redeemed', u.redeemed_count))
              FROM user_book_counter u WHERE u.book_id = c.book_id AND (u.assigned_count, u.redeemed_count) <> (0, 0)) AS counters,
           (SELECT json_object_agg(t.type, t.n) FROM (SELECT e.type::text AS type, count(*)::int AS n FROM coupon_event e
              WHERE e.coupon_id = c.id GROUP BY e.type ORDER BY e.type) t) AS events,
           c.voided_at IS NOT NULL AS voided,
           CASE WHEN c.expires_at IS NULL THEN 'none' WHEN c.expires_at <= ${now} THEN 'passed' ELSE 'ahead' END AS code_expiry,
           c.max_redemptions AS code_max_redemptions,
           CASE WHEN c.lock_expires_at IS NOT NULL THEN c.lock_expires_at = ${now}::timestamptz + make_interval(secs => b.lock_ttl_seconds) END AS lock_ttl_match,
           concat_ws(' ', b.status::text, 'multi=' || b.allow_multiple_redemptions, 'maxRedemptionsPerUser=' || coalesce(b.max_redemptions_per_user::text, '-'),
                     'maxAssignmentsPerUser=' || coalesce(b.max_assignments_per_user::text, '-'), 'maxTotalRedemptions=' || coalesce(b.max_total_redemptions::text, '-'),
                     'redeemedTotal=' || b.redeemed_total, 'windowEnded=' || coalesce(b.valid_until <= ${now}, false)) AS book
    FROM coupon c JOIN book b ON b.id = c.book_id WHERE c.code = ${slot.code}`);
  const [audit] = await db.$queryRaw<Array<{ audits: Record<string, number> | null }>>(Prisma.sql`
    SELECT json_object_agg(t.action, t.n) AS audits FROM (SELECT a.action, count(*)::int AS n FROM audit_log a
      WHERE a.target_id IN (${slot.code}, ${slot.bookId}) GROUP BY a.action ORDER BY a.action) t`);
  const audits = Object.fromEntries(Object.entries(audit?.audits ?? {}).sort(([a], [b]) => a.localeCompare(b)));
  if (!row) {
    // deleteBook takes the book with its codes, their events and counters: only the audit log stays.
    const [book] = await db.$queryRaw<Array<{ n: number }>>(Prisma.sql`SELECT count(*)::int AS n FROM book WHERE id = ${slot.bookId}::uuid`);
    if (book?.n !== 0) throw new Error(`coupon ${slot.code} vanished from a book that stays`);
    return {
      state: 'GONE', owner: null, lockedBy: null, lockLive: false, redemptionCount: 0, redemptions: 0, reversed: 0, counters: {}, events: {},
      voided: false, codeExpiry: 'none', codeMaxRedemptions: null, lockTtlMatch: null, book: 'gone', audits,
    };
  }
  const name = (id: string | null) => (id === null ? null : (world.names.get(id) ?? `?${id}`));
  const counters = Object.fromEntries(
    (row.counters ?? []).map((c) => [name(c.user_id) as string, `${c.assigned}/${c.redeemed}`]).sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    state: row.state,
    owner: name(row.owner),
    lockedBy: name(row.locked_by),
    lockLive: row.lock_live,
    redemptionCount: Number(row.redemption_count),
    redemptions: row.redemptions,
    reversed: row.reversed,
    counters,
    events: Object.fromEntries(Object.entries(row.events ?? {}).sort(([a], [b]) => a.localeCompare(b))),
    voided: row.voided,
    codeExpiry: row.code_expiry,
    codeMaxRedemptions: row.code_max_redemptions,
    lockTtlMatch: row.lock_ttl_match,
    book: row.book,
    audits,
  };
}

/** A fresh 1-code book brought to the scenario's setup state (slot `index` picks its lock TTL). */
async function prepareSlot(world: PairWorld, scenario: PairScenario, index: number, lockedAt: number): Promise<Slot> {
  const { setup } = scenario;
  const ttl = setup.expireLock ? index + 1 : (scenario.book.lockTtlSeconds ?? 300);
  const campaign = await createCampaign(world.server, world.users.admin, 1, { ...scenario.book, lockTtlSeconds: ttl });
  const slot: Slot = { bookId: campaign.bookId, code: campaign.codes[0], redemptionIds: [], expiresAt: null };
  for (const step of setup.steps) {
    const { answer, outcome } = await execute(world, slot, step);
    if (!answer.startsWith('ok')) throw new Error(`setup ${setup.name}: ${describeOp(step)} answered ${answer}`);
    if (step.kind === 'redeem' && outcome?.ok) slot.redemptionIds.push(String(outcome.data.id));
  }
  if (setup.expireLock) slot.expiresAt = lockedAt + ttl * 1000;
  return slot;
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of the results. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Brings the clock to the slot's lock expiry (expiry setups only; the clock only moves forward). */
function arriveAtExpiry(world: PairWorld, slot: Slot): void {
  if (slot.expiresAt === null) return;
  const now = world.server.clock.now().getTime();
  if (now > slot.expiresAt) throw new Error('the clock passed a slot’s expiry before its turn');
  world.server.clock.set(slot.expiresAt);
}

const outcomeKey = (o: PairOutcome) => JSON.stringify(o);

/**
 * The concurrent outcomes that equal neither serial outcome — answers and final row alike — with
 * how many of `rounds` showed each.
 */
export function oddOutcomes(
  serial: { ab: PairOutcome; ba: PairOutcome },
  seen: ReadonlyMap<string, { outcome: PairOutcome; count: number }>,
  rounds: number,
  lateReads: readonly PairOutcome[] = [],
): string[] {
  const allowed = new Set([outcomeKey(serial.ab), outcomeKey(serial.ba), ...lateReads.map(outcomeKey)]);
  return [...seen.values()]
    .filter(({ outcome }) => !allowed.has(outcomeKey(outcome)))
    .map(({ outcome, count }) => `${count} of ${rounds} rounds: ${formatOutcome(outcome)}`);
}

/** How many slots are prepared at once. */
const SETUP_AT_ONCE = 16;
/**
 * How long the second op of round `r` waits: one event-loop turn; a sweep, which reaches the
 * database without an HTTP request to parse, waits 0 to 3 ms instead, to land inside the other
 * op's transaction rather than always before it.
 */
function headStart(second: PairOp, r: number): Promise<unknown> {
  if (second.kind !== 'sweep') return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, Math.floor(r / 2) % 4));
}

/** Answers outside the contract (INTERNAL_SERVER_ERROR, NO_CODE…) are defects whatever the order. */
function defects(outcome: PairOutcome): string[] {
  return outcome.answers.filter((a) => !a.startsWith('ok') && !(CONTRACT_CODES as readonly string[]).includes(a));
}

/** Runs the pair on `slot` one op after the other, `first` leading. */
async function runSerially(
  world: PairWorld,
  scenario: PairScenario,
  slot: Slot,
  first: 'a' | 'b',
): Promise<{ outcome: PairOutcome; lateRead: PairOutcome | null }> {
  arriveAtExpiry(world, slot);
  const [a, b] = scenario.ops;
  const answerA = first === 'a' ? await execute(world, slot, a) : null;
  const answerB = await execute(world, slot, b);
  const answers: [string, string] = [(answerA ?? (await execute(world, slot, a))).answer, answerB.answer];
  const outcome = { answers, row: await readFinalRow(world, slot) };
  // The first op, if a book control that succeeded, may have read its counts after the second op.
  const at = first === 'a' ? 0 : 1;
  if (!isBookControl(scenario.ops[at]) || !answers[at].startsWith('ok')) return { outcome, lateRead: null };
  const book = await call(world.server, BOOK_QUERY, { id: slot.bookId }, world.users.admin.token);
  if (!book.ok || !book.data) throw new Error(`reading book ${slot.bookId} after the serial run: ${JSON.stringify(book)}`);
  const late: [string, string] = [...answers];
  late[at] = bookAnswer(book.data);
  return { outcome, lateRead: { answers: late, row: outcome.row } };
}

/**
 * Fires the pair at once on `slot` (round `r`). Which request leaves first alternates; the other
 * leaves one event-loop turn later, which lands it inside the first one's statement far more
 * often than a simultaneous start or a 1 ms delay (measured on claim ‖ lock, claim first: ~15%
 * of rounds against ~3%).
 */
async function runConcurrently(world: PairWorld, scenario: PairScenario, slot: Slot, r: number): Promise<PairOutcome> {
  arriveAtExpiry(world, slot);
  const [a, b] = scenario.ops;
  const [first, second] = r % 2 === 0 ? [a, b] : [b, a];
  const firstAnswer = execute(world, slot, first);
  const secondAnswer = headStart(second, r).then(() => execute(world, slot, second));
  const [x, y] = await Promise.all([firstAnswer, secondAnswer]);
  const [answerA, answerB] = r % 2 === 0 ? [x, y] : [y, x];
  return { answers: [answerA.answer, answerB.answer], row: await readFinalRow(world, slot) };
}

/** Defects of the serial runs: a non-contract answer, or answers other than the scenario pins down. */
function serialProblems(scenario: PairScenario, serial: { ab: PairOutcome; ba: PairOutcome }): string[] {
  const problems: string[] = [];
  for (const [order, outcome] of Object.entries(serial)) {
    for (const d of defects(outcome)) problems.push(`serial ${order} answered ${d}, not a contract code`);
  }
  for (const order of scenario.serialAnswers ? (['ab', 'ba'] as const) : []) {
    const want = JSON.stringify(scenario.serialAnswers?.[order]);
    const got = JSON.stringify(serial[order].answers.map((x) => (x.startsWith('ok') ? 'ok' : x)));
    if (want !== got) problems.push(`serial ${order} answered ${got}, the contract says ${want}`);
  }
  return problems;
}

/**
 * Runs one scenario: both serial orders, then `baseRounds` (times the scenario's weight)
 * concurrent rounds, each on a fresh coupon. The slots are prepared in parallel first (the clock
 * stands still meanwhile), then used one by one: overlapping rounds (tried) only load the server
 * and hit the races of issue 12 less often.
 */
export async function runPair(world: PairWorld, scenario: PairScenario, baseRounds: number): Promise<PairReport> {
  const started = performance.now();
  const rounds = baseRounds * (scenario.weight ?? 1);
  const lockedAt = world.server.clock.now().getTime();
  const slots = await mapLimit(Array.from({ length: rounds + 2 }, (_, i) => i), SETUP_AT_ONCE, (i) => prepareSlot(world, scenario, i, lockedAt));
  if (world.server.clock.now().getTime() !== lockedAt) throw new Error('the clock moved while slots were prepared');
  const setupMs = performance.now() - started;

  const ab = await runSerially(world, scenario, slots[0], 'a');
  const ba = await runSerially(world, scenario, slots[1], 'b');
  const serial = { ab: ab.outcome, ba: ba.outcome };
  const lateReads = [ab.lateRead, ba.lateRead].filter((o): o is PairOutcome => o !== null);
  const seen = new Map<string, { outcome: PairOutcome; count: number }>();
  for (let r = 0; r < rounds; r++) {
    const outcome = await runConcurrently(world, scenario, slots[r + 2], r);
    const entry = seen.get(outcomeKey(outcome)) ?? { outcome, count: 0 };
    entry.count += 1;
    seen.set(outcomeKey(outcome), entry);
  }
  const problems = [...serialProblems(scenario, serial), ...oddOutcomes(serial, seen, rounds, lateReads)];
  return { scenario, serial, lateReads, rounds, seen, problems, setupMs, wallMs: performance.now() - started };
}

export function formatOutcome(o: PairOutcome): string {
  const r = o.row;
  const counters = Object.entries(r.counters).map(([u, c]) => `${u} ${c}`).join(', ') || 'none';
  const events = Object.entries(r.events).map(([t, n]) => `${t}×${n}`).join(' ');
  return (
    `answers [${o.answers.join(' | ')}]; row ${r.state} owner=${r.owner} lockedBy=${r.lockedBy} lockLive=${r.lockLive} ` +
    `redemption_count=${r.redemptionCount} redemptions=${r.redemptions} (reversed ${r.reversed}) counters(assigned/redeemed)=${counters} events=${events}` +
    `; voided=${r.voided} codeExpiry=${r.codeExpiry} codeMaxRedemptions=${r.codeMaxRedemptions} lockTtlMatch=${r.lockTtlMatch}` +
    `; book ${r.book}; audits=${Object.entries(r.audits).map(([a, n]) => `${a}×${n}`).join(' ')}`
  );
}

/** The scenario, both serial outcomes, what the concurrent rounds saw, and the odd ones. */
export function formatReport(report: PairReport): string {
  const { scenario, serial } = report;
  const lines = [
    `${scenario.name}  [setup ${scenario.setup.name}; book ${JSON.stringify(scenario.book)}]`,
    `  A = ${describeOp(scenario.ops[0])}, B = ${describeOp(scenario.ops[1])}`,
    `  serial A then B: ${formatOutcome(serial.ab)}`,
    `  serial B then A: ${formatOutcome(serial.ba)}`,
    ...report.lateReads.map((o) => `  also allowed (the book control's counts read after both): ${formatOutcome(o)}`),
    `  concurrent (${report.rounds} rounds, ${report.wallMs.toFixed(0)} ms):`,
    ...[...report.seen.values()].map(({ outcome, count }) => `    ${count}× ${formatOutcome(outcome)}`),
  ];
  if (report.problems.length > 0) lines.push('  NOT SERIALIZABLE:', ...report.problems.map((p) => `    ${p}`));
  return lines.join('\n');
}

/** One line: how many concurrent rounds matched each serial order, and how many neither. */
export function summarizeReport(report: PairReport): string {
  const ab = outcomeKey(report.serial.ab);
  const ba = outcomeKey(report.serial.ba);
  const late = new Set(report.lateReads.map(outcomeKey));
  let matchedAb = 0;
  let matchedBa = 0;
  let matchedLate = 0;
  let odd = 0;
  for (const [key, { count }] of report.seen) {
    if (key === ab) matchedAb += count;
    else if (key === ba) matchedBa += count;
    else if (late.has(key)) matchedLate += count;
    else odd += count;
  }
  const same = ab === ba ? ' (both orders agree)' : '';
  const lateReads = report.lateReads.length > 0 ? `, a serial order with the counts read after both ${matchedLate}` : '';
  return `  ${odd > 0 ? 'ODD ' : 'ok  '} ${report.rounds} rounds: A-then-B ${matchedAb}, B-then-A ${matchedBa}${same}${lateReads}, neither ${odd}, ${report.wallMs.toFixed(0)} ms (setup ${report.setupMs.toFixed(0)}): ${report.scenario.name}`;
}
