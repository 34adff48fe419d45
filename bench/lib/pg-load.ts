import { elapsedMs, type LoadSummary, summarize, tally } from './stats.ts';

/**
 * Runs `total` calls of `task` with `concurrency` of them in flight at all times. There is no
 * maintained load tool for a database driver, so this is the one hand-written loop: it mirrors
 * autocannon's model (N workers, each starting its next call when the previous one answers).
 * `task` resolves to null when the call did what it should, else to an error label.
 */
export async function runConcurrently(
  concurrency: number,
  total: number,
  task: (index: number) => Promise<string | null>,
): Promise<LoadSummary> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let ok = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < total) {
      const index = next++;
      const callStarted = process.hrtime.bigint();
      let outcome: string | null;
      try {
        outcome = await task(index);
      } catch (error) {
        outcome = (error as { code?: string }).code ?? (error as Error).name;
      }
      latencies.push(elapsedMs(callStarted));
      if (outcome === null) ok++;
      else tally(errors, outcome);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return summarize(latencies, elapsedMs(started), ok, errors);
}
