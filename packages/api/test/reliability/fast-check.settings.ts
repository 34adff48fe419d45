import type fc from 'fast-check';

/**
 * fast-check parameters for a property of this folder. Every run, CI included, explores a fresh
 * random seed: a property that fails on some seed has found a bug, and pinning a seed would only
 * hide it. The seed is printed before the property starts (so even a run that hangs can be
 * replayed) and fast-check prints seed and path again with a counterexample. Replay with
 * `FC_SEED=<seed> [FC_PATH=<path>] pnpm exec vitest run <file>`; `FC_NUM_RUNS` overrides the
 * number of runs (tests only: the service itself reads no environment outside packages/config).
 */
export function propertyParameters<T>(name: string, numRuns: number): fc.Parameters<T> {
  const env = process.env;
  const seed = env.FC_SEED ? Number(env.FC_SEED) : (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  const runs = env.FC_NUM_RUNS ? Number(env.FC_NUM_RUNS) : numRuns;
  console.info(`[fast-check] ${name}: seed=${seed} runs=${runs}${env.FC_PATH ? ` path=${env.FC_PATH}` : ''}`);
  return { seed, numRuns: runs, ...(env.FC_PATH ? { path: env.FC_PATH } : {}) };
}
