import { measureFanout } from '../lib/fanout.ts';
import { type BenchContext, compareGoal, ratio, type Scenario } from '../lib/scenario.ts';
import { deliveryGoals, fanoutSetup } from './fanout.ts';

/**
 * two-instances: the fanout load with the claims on one API process and the subscribers on
 * another, so every event crosses processes through PostgreSQL LISTEN/NOTIFY; beside it, the
 * same load with both on one process (the fanout scenario), measured in the same scenario.
 */
export const twoInstances: Scenario = {
  id: 'two-instances',
  title: 'fanout with the claims on one API process and the subscribers on another, vs both on one',
  async run(ctx: BenchContext) {
    const setup = await fanoutSetup(ctx);
    const second = await ctx.startExtraApi('api-2');
    const { plan } = setup;
    // The second process is fresh while the first has served every scenario so far: one untimed
    // round on it first, so both are measured warm (compiled fan-out path, grown heap).
    ctx.log('warming the second process with an untimed round');
    await measureFanout({ ...plan, events: setup.size.warmupEvents, subscribeUrl: second.wsUrl, mutateUrl: ctx.api().url });
    ctx.log(`one process: ${setup.size.subscribers} subscribers, ${setup.size.events} events`);
    const cpu = { apiPids: [ctx.api().pid, second.pid], postgresPid: ctx.database.postgresPid };
    const single = await measureFanout({ ...plan, subscribeUrl: ctx.api().wsUrl, mutateUrl: ctx.api().url, cpu });
    ctx.log('two processes: claims on the first, subscribers on the second');
    const cross = await measureFanout({ ...plan, subscribeUrl: second.wsUrl, mutateUrl: ctx.api().url, cpu });
    const p99Ratio = ratio(cross.afterAt.p99Ms, single.afterAt.p99Ms);
    return {
      summary: `p99 ${cross.afterAt.p99Ms} ms across processes vs ${single.afterAt.p99Ms} ms on one; API CPU per delivered event ${cross.cpu.apiMsPerDelivery} vs ${single.cpu.apiMsPerDelivery} ms; load ${single.cpu.loadAverage.start}–${cross.cpu.loadAverage.end}`,
      figures: { ...setup.size, single, cross, p99Ratio },
      goals: [
        ...deliveryGoals('one process: ', single),
        ...deliveryGoals('two processes: ', cross),
        compareGoal('p99 two processes / one', p99Ratio, '≤', 1.5),
      ],
    };
  },
};
