import type { Scenario } from '../lib/scenario.ts';
import { assignHot } from './assign-hot.ts';
import { assignOpenLoop } from './assign-open-loop.ts';
import { assignOriginalDesign } from './assign-original-design.ts';
import { assignSpread } from './assign-spread.ts';
import { book10m } from './book-10m.ts';
import { export1m } from './export-1m.ts';
import { bookSize } from './book-size.ts';
import { consolePages } from './console-pages.ts';
import { fanout } from './fanout.ts';
import { fanout10k } from './fanout-10k.ts';
import { generate1m } from './generate-1m.ts';
import { import10m } from './import-10m.ts';
import { lastCodesRace } from './last-codes-race.ts';
import { lockRedeem } from './lock-redeem.ts';
import { pgbenchCeiling } from './pgbench.ts';
import { pgbouncer } from './pgbouncer.ts';
import { replica } from './replica.ts';
import { twoInstances } from './two-instances.ts';

/** Every scenario of BENCH.md, in its order. */
export const scenarios: Scenario[] = [
  pgbenchCeiling,
  assignHot,
  assignOpenLoop,
  assignOriginalDesign,
  assignSpread,
  lastCodesRace,
  bookSize,
  book10m,
  lockRedeem,
  generate1m,
  export1m,
  import10m,
  fanout,
  fanout10k,
  twoInstances,
  pgbouncer,
  replica,
  consolePages,
];
