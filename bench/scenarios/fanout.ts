import { type FanoutPlan, type FanoutResult, measureFanout } from '../lib/fanout.ts';
import { type BenchContext, compareGoal, type Goal, type Scenario } from '../lib/scenario.ts';
import { addCoupons, createBook, createUsers, settle } from '../lib/seed.ts';
import { bearerTokens } from '../lib/tokens.ts';

/**
 * Sizes of fanout (two-instances reuses them). BENCH.md fixes subscribers and events but not the
 * rate: claims are spaced 100 ms apart (10 events/s, 10,000 deliveries/s at 1,000 subscribers),
 * a pace one API process on this 2-core machine can sustain, so the figure is delivery latency
 * rather than the length of a queue (see `trend` in the results).
 */
export function fanoutSizes(quick: boolean) {
  return { subscribers: quick ? 200 : 1_000, events: quick ? 30 : 200, gapMs: 100, warmupEvents: quick ? 5 : 20 };
}

/**
 * Admin subscribers (they see every event of the book), one claimer, one book; `plan` is the
 * load on them, to be given the API addresses.
 */
export async function fanoutSetup(ctx: BenchContext, size: ReturnType<typeof fanoutSizes> = fanoutSizes(ctx.quick)) {
  const admins = await createUsers(ctx.pool, size.subscribers, 'ADMIN');
  const [claimer] = await createUsers(ctx.pool, 1);
  const book = await createBook(ctx.pool);
  await addCoupons(ctx.pool, book, 10_000);
  await settle(ctx.pool);
  const plan: Omit<FanoutPlan, 'subscribeUrl' | 'mutateUrl'> = {
    subscriberTokens: bearerTokens(admins),
    claimerToken: bearerTokens([claimer])[0],
    bookId: book,
    events: size.events,
    gapMs: size.gapMs,
    warmupEvents: size.warmupEvents,
  };
  return { size, plan };
}

/** The goals every fanout run has: all delivered once, and p99 after commit. */
export function deliveryGoals(label: string, result: FanoutResult): Goal[] {
  return [
    {
      name: `${label}every subscriber got every event once`,
      actual: `${result.delivered} of ${result.expected}, ${result.duplicates} duplicates`,
      target: 'all, 0',
      met: result.delivered === result.expected && result.duplicates === 0,
    },
  ];
}

/** CPU per delivered event and the machine's load during the measured stretch. */
export function cpuSummary(result: FanoutResult): string {
  const { cpu } = result;
  return `API CPU ${cpu.apiMsPerDelivery} ms per delivered event, load ${cpu.loadAverage.start}–${cpu.loadAverage.end}`;
}

/**
 * fanout: 1,000 graphql-ws subscribers on `couponEvents` of one book; 200 claims on the same API
 * process, each one ASSIGNED event. Delivery time is measured from the event's `at` (the server
 * clock when the claim began, so before its commit: the figure over-states, never flatters).
 */
export const fanout: Scenario = {
  id: 'fanout',
  title: '1,000 graphql-ws subscribers on couponEvents, 200 events: delivery after commit',
  async run(ctx: BenchContext) {
    const setup = await fanoutSetup(ctx);
    ctx.log(`${setup.size.subscribers} subscribers, ${setup.size.events} events ${setup.size.gapMs} ms apart`);
    const api = ctx.api();
    const result = await measureFanout({
      ...setup.plan,
      subscribeUrl: api.wsUrl,
      mutateUrl: api.url,
      cpu: { apiPids: [api.pid], postgresPid: ctx.database.postgresPid },
    });
    return {
      summary: `p50 ${result.afterAt.p50Ms} ms, p99 ${result.afterAt.p99Ms} ms after the event's time (after the claim's answer: p99 ${result.afterResponse.p99Ms} ms); ${cpuSummary(result)}`,
      figures: { ...setup.size, result },
      goals: [...deliveryGoals('', result), compareGoal('p99 delivery after commit', result.afterAt.p99Ms, '<', 100, ' ms')],
      notes: ctx.quick ? [`quick run: ${setup.size.subscribers} subscribers and ${setup.size.events} events`] : [],
    };
  },
};
