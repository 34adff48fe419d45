import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectInvariants } from './book.snapshot.ts';
import { formatReport, type PairReport, type PairWorld, runPair, startPairWorld, summarizeReport } from './transition-pairs.ts';
import { PAIR_SCENARIOS } from './transition-pairs.scenarios.ts';

/**
 * Rounds per scenario: `RACE_ROUNDS` overrides the file's default (tests only: the service itself
 * reads no environment outside packages/config).
 */
export function raceRounds(fallback: number): number {
  const rounds = Number(process.env.RACE_ROUNDS ?? fallback);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`RACE_ROUNDS must be a positive integer, not ${process.env.RACE_ROUNDS}`);
  return rounds;
}

/**
 * One test per scenario of transition-pairs.scenarios.ts (shared by the pnpm-test and the soak
 * versions, which differ in rounds): fails with both serial outcomes and every odd one.
 */
export function definePairTests(rounds: number, timeoutMs: number): void {
  let world: PairWorld;
  const reports: PairReport[] = [];
  beforeAll(async () => {
    world = await startPairWorld();
  });
  afterAll(async () => {
    if (reports.length > 0) console.info(`[race pairs] ${rounds} rounds per pair (times its weight):\n${reports.map(summarizeReport).join('\n')}`);
    await world?.server.close();
  });

  describe(`each pair of transitions on one coupon, fired at once ${rounds} times, answers as one serial order would`, () => {
    it.each(PAIR_SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
      const report = await runPair(world, scenario, rounds);
      reports.push(report);
      if (report.problems.length > 0) console.error(formatReport(report));
      expect(report.problems, formatReport(report)).toEqual([]);
    }, timeoutMs);

    it('leaves a consistent database (invariant checker)', async () => {
      await expectInvariants(world.server.db, 'after every pair');
    });
  });
}
