import { raceRounds, definePairTests } from './transition-pairs.suite.ts';

// The long run of the race harness (`pnpm test:soak`): 200 concurrent rounds per pair unless
// RACE_ROUNDS says otherwise.

definePairTests(raceRounds(200), 600_000);
