import type fc from 'fast-check';

/**
 * fast-check parameters for a property of this folder. Every run is seeded: the seed is printed
 * before the property starts (so even a run that hangs can be replayed) and fast-check prints
 * seed and path again with a counterexample. Replay with
 * `FC_SEED=<seed> [FC_PATH=<path>] pnpm exec vitest run <file>`; `FC_NUM_RUNS` overrides the
 * number of runs (tests only: the service itself reads no environment outside packages/config).
 */
export function propertyParameters<T>(name: string, numRuns: number): fc.Parameters<T> {
  const env = process.env;
  // CI gates landing, so there a property replays the same seed every run (derived from its
  // name); elsewhere every run explores a fresh seed.
  const seed = env.FC_SEED
    ? Number(env.FC_SEED)
    : env.CI
      ? stableSeed(name)
      : (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  const runs = env.FC_NUM_RUNS ? Number(env.FC_NUM_RUNS) : numRuns;
  console.info(`[fast-check] ${name}: seed=${seed} runs=${runs}${env.FC_PATH ? ` path=${env.FC_PATH}` : ''}`);
  return { seed, numRuns: runs, ...(env.FC_PATH ? { path: env.FC_PATH } : {}) };
}

/** A 32-bit seed from a property's name (FNV-1a), the same on every machine. */
function stableSeed(name: string): number {
  let hash = 0x811c9dc5;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return hash | 0;
}
