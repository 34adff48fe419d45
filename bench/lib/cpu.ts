import fs from 'node:fs';

/**
 * CPU time of processes, read from /proc (Linux). On a shared machine wall-clock throughput
 * swings with the neighbours' load, while the CPU a call costs barely moves: reported beside the
 * throughput, it shows whether a path got cheaper or the machine got busier. Elsewhere: NaN.
 */
const TICKS_PER_SECOND = 100; // USER_HZ; 100 on every Linux build Node supports

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime of the process itself, ms. */
  ownMs: number;
  /** cutime + cstime: CPU of children it has already reaped, ms. */
  reapedMs: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; the fields after its closing parenthesis do not.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const num = (i: number) => Number(fields[i]);
    const toMs = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
    return { pid, ppid: num(1), ownMs: toMs(num(11) + num(12)), reapedMs: toMs(num(13) + num(14)) };
  } catch {
    return null;
  }
}

/**
 * CPU ms used so far by `rootPid` and all its descendants, including those that already exited
 * (PostgreSQL backends come and go; the postmaster reaps them, which adds their time to its own
 * cutime/cstime).
 */
export function treeCpuMs(rootPid: number): number {
  if (process.platform !== 'linux') return Number.NaN;
  const stats = new Map<number, Stat>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.set(stat.pid, stat);
  }
  const root = stats.get(rootPid);
  if (!root) return Number.NaN;
  const children = new Map<number, number[]>();
  for (const stat of stats.values()) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat.pid]);
  let total = root.reapedMs;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += stats.get(pid)?.ownMs ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** CPU ms per call of the API process, PostgreSQL and this load generator over `work`. */
export async function measureCpu<T>(
  pids: { api?: number; postgres: number },
  calls: number,
  work: () => Promise<T>,
): Promise<{ result: T; cpuMsPerCall: { api: number; postgres: number; loadGenerator: number } }> {
  const before = { api: pids.api ? treeCpuMs(pids.api) : 0, pg: treeCpuMs(pids.postgres), self: process.cpuUsage() };
  const result = await work();
  const self = process.cpuUsage(before.self);
  const perCall = (ms: number) => Math.round((ms / calls) * 1000) / 1000;
  return {
    result,
    cpuMsPerCall: {
      api: pids.api ? perCall(treeCpuMs(pids.api) - before.api) : 0,
      postgres: perCall(treeCpuMs(pids.postgres) - before.pg),
      loadGenerator: perCall((self.user + self.system) / 1000),
    },
  };
}
