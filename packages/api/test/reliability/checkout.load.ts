import { Prisma, type Database } from '@coupons/db';
import { expect } from 'vitest';
import { type ApiUser, call, OPS, type Outcome } from '../../testing/index.ts';

/** One finished checkout of a virtual user: the coupon it got and the redemption that used it. */
export interface Checkout {
  userId: string;
  code: string;
  redemptionId: string;
}

/** What the load saw of the faults. */
export interface LoadStats {
  /** Operations answered with success. */
  succeeded: number;
  /** Requests whose connection failed after they were sent: the client cannot know whether they took effect. */
  inDoubt: number;
  /** Requests that could not be sent (nobody listening). */
  refused: number;
  /** Error answers the load treated as transient (see `transient`), by code. */
  transientErrors: Record<string, number>;
}

export interface CheckoutLoadOptions {
  /** `{ url }` of the API: read on every request, so a test may point it at a restarted process. */
  target: { url: string };
  users: ApiUser[];
  bookId: string;
  /** Error codes to retry like a lost connection (SERVICE_UNAVAILABLE while the database restarts). */
  transient?: readonly string[];
  /** Sends one operation (default: `call`); a fault test passes one that also inspects each HTTP answer. */
  send?: typeof call;
}

/**
 * Virtual users, one per user, each checking out coupon after coupon: assignRandomCoupon → lock →
 * redeem, every step with its own idempotency key. A step whose request fails (connection reset
 * or refused, or a transient error answer) is resent with the SAME key until it is answered, as
 * a careful client does after a timeout: the service promises the retry returns the first
 * result instead of acting twice, which {@link verifyCheckouts} then checks in the database.
 */
export class CheckoutLoad {
  readonly checkouts: Checkout[] = [];
  readonly stats: LoadStats = { succeeded: 0, inDoubt: 0, refused: 0, transientErrors: {} };
  private stopping = false;
  private readonly workers: Promise<void>[];
  private readonly waiters: Array<{ at: number; resolve: () => void; reject: (error: Error) => void }> = [];
  private failure: Error | null = null;

  constructor(private readonly options: CheckoutLoadOptions) {
    this.workers = options.users.map((user, i) => this.run(user, i).catch((error: Error) => this.fail(error)));
  }

  /** Resolves once `count` more operations have succeeded (progress, not time). */
  progress(count: number): Promise<void> {
    const at = this.stats.succeeded + count;
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ at, resolve, reject }));
  }

  /** Resolves once every virtual user has been told SOLD_OUT (the book ran out); throws what failed. */
  async untilSoldOut(): Promise<void> {
    await Promise.all(this.workers);
    if (this.failure) throw this.failure;
  }

  /** Lets every virtual user finish the checkout it is in, then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.workers);
    if (this.failure) throw this.failure;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.stopping = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  private async run(user: ApiUser, index: number): Promise<void> {
    for (let i = 0; !this.stopping; i++) {
      const key = `vu${index}-${i}`;
      const assigned = await this.step<{ code: string }>(OPS.assignRandom, { bookId: this.options.bookId, key: `${key}-assign` }, user);
      if (!assigned.ok && assigned.code === 'SOLD_OUT') return;
      const code = this.expectOk(assigned, 'assign').code;
      this.expectOk(await this.step(OPS.lock, { code, key: `${key}-lock` }, user), 'lock');
      const redeemed = this.expectOk(await this.step<{ id: string }>(OPS.redeem, { code, key: `${key}-redeem` }, user), 'redeem');
      this.checkouts.push({ userId: user.id, code, redemptionId: redeemed.id });
    }
  }

  private expectOk<T>(outcome: Outcome<T>, step: string): T {
    if (!outcome.ok) throw new Error(`${step} answered ${outcome.code}: ${outcome.message}`);
    return outcome.data;
  }

  /** Sends one step until it is answered with anything but a transient error. */
  private async step<T>(query: string, variables: Record<string, unknown>, user: ApiUser): Promise<Outcome<T>> {
    for (let attempt = 0; ; attempt++) {
      let outcome: Outcome<T>;
      try {
        outcome = await (this.options.send ?? call)<T>(this.options.target, query, variables, user.token);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ECONNREFUSED') this.stats.refused++;
        else this.stats.inDoubt++;
        await backOff(attempt);
        continue;
      }
      if (!outcome.ok && this.options.transient?.includes(outcome.code)) {
        this.stats.transientErrors[outcome.code] = (this.stats.transientErrors[outcome.code] ?? 0) + 1;
        await backOff(attempt);
        continue;
      }
      if (outcome.ok) this.succeeded();
      return outcome;
    }
  }

  private succeeded(): void {
    this.stats.succeeded++;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.stats.succeeded >= this.waiters[i].at) this.waiters.splice(i, 1)[0].resolve();
    }
  }
}

/** A client's retry pause: 20, 40, 80 … ms, at most 250 ms (real infrastructure, real time). */
function backOff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(250, 20 * 2 ** attempt)));
}

/**
 * The database must hold exactly what the clients were told: each user holds exactly the coupons
 * of their finished checkouts (a retried assign that acted twice would leave an extra one), and
 * has exactly their redemptions (nothing lost, nothing doubled).
 */
export async function verifyCheckouts(db: Database, users: ApiUser[], checkouts: Checkout[]): Promise<void> {
  const ids = users.map((u) => u.id);
  const held = await db.prisma.$queryRaw<Array<{ user_id: string; code: string; state: string }>>(Prisma.sql`
    SELECT assigned_user_id::text AS user_id, code, state::text FROM coupon WHERE assigned_user_id = ANY(${ids}::uuid[])`);
  const redemptions = await db.prisma.$queryRaw<Array<{ id: string; user_id: string }>>(Prisma.sql`
    SELECT id::text, user_id::text FROM redemption WHERE user_id = ANY(${ids}::uuid[])`);
  const sorted = (rows: string[]) => [...rows].sort();
  expect(sorted(held.map((r) => `${r.user_id} ${r.code}`)), 'coupons held = coupons checked out').toEqual(
    sorted(checkouts.map((c) => `${c.userId} ${c.code}`)),
  );
  expect(held.every((r) => r.state === 'REDEEMED'), 'every checked-out coupon is REDEEMED').toBe(true);
  expect(sorted(redemptions.map((r) => `${r.user_id} ${r.id}`)), 'redemptions = the ones answered').toEqual(
    sorted(checkouts.map((c) => `${c.userId} ${c.redemptionId}`)),
  );
}

/** Waits (at most 10 s) until no session of the database is left idle inside a transaction. */
export async function expectNoOpenTransactions(db: Database): Promise<void> {
  let rows: Array<{ pid: number; application_name: string; state: string; query: string }> = [];
  for (let waited = 0; waited <= 10_000; waited += 100) {
    rows = await db.prisma.$queryRaw(Prisma.sql`
      SELECT pid, application_name, state, left(query, 200) AS query FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'`);
    if (rows.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(rows, 'sessions left idle in a transaction').toEqual([]);
}
