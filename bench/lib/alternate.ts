import { measureCpu } from './cpu.ts';
import { combine, type LoadSummary } from './stats.ts';

/** CPU ms per call of each process, as `measureCpu` reports it. */
export type CpuPerCall = Awaited<ReturnType<typeof measureCpu>>['cpuMsPerCall'];

/**
 * Measures a path and its ceiling in A B B A order, each turn with half the calls, and combines
 * each path's two turns. A shared machine's load drifts during a scenario; in this order a
 * steady drift weighs on both paths alike instead of favouring whichever ran second.
 * `calls(half)` must suit both paths (e.g. a multiple of the connections).
 */
export async function measureAbba(
  calls: [number, number],
  paths: { a: (calls: number) => Promise<LoadSummary>; b: (calls: number) => Promise<LoadSummary> },
  pids: { api?: number; postgres: number },
  log: (message: string) => void,
): Promise<{ a: LoadSummary & { cpuMsPerCall: CpuPerCall }; b: LoadSummary & { cpuMsPerCall: CpuPerCall } }> {
  const turns: Array<{ path: 'a' | 'b'; calls: number }> = [
    { path: 'a', calls: calls[0] },
    { path: 'b', calls: calls[0] },
    { path: 'b', calls: calls[1] },
    { path: 'a', calls: calls[1] },
  ];
  const runs = { a: [] as LoadSummary[], b: [] as LoadSummary[] };
  const cpu = { a: [] as Array<{ calls: number; perCall: CpuPerCall }>, b: [] as Array<{ calls: number; perCall: CpuPerCall }> };
  for (const [i, turn] of turns.entries()) {
    log(`turn ${i + 1}/4: ${turn.path === 'a' ? 'path' : 'ceiling'}, ${turn.calls} calls`);
    const { result, cpuMsPerCall } = await measureCpu(pids, turn.calls, () => paths[turn.path](turn.calls));
    runs[turn.path].push(result);
    cpu[turn.path].push({ calls: turn.calls, perCall: cpuMsPerCall });
  }
  const average = (parts: Array<{ calls: number; perCall: CpuPerCall }>): CpuPerCall => {
    const total = parts.reduce((sum, p) => sum + p.calls, 0);
    const mean = (key: keyof CpuPerCall) => Math.round((parts.reduce((sum, p) => sum + p.perCall[key] * p.calls, 0) / total) * 1000) / 1000;
    return { api: mean('api'), postgres: mean('postgres'), loadGenerator: mean('loadGenerator') };
  };
  return {
    a: { ...combine(runs.a), cpuMsPerCall: average(cpu.a) },
    b: { ...combine(runs.b), cpuMsPerCall: average(cpu.b) },
  };
}

/** `total` split in two turns, each a multiple of `unit` (connections that must end evenly). */
export function halves(total: number, unit = 1): [number, number] {
  const first = Math.floor(total / 2 / unit) * unit;
  return [first, total - first];
}
