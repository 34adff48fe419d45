import fs from 'node:fs';

/**
 * Resident memory of processes, read from /proc (Linux), as cpu.ts reads their CPU: what the
 * bulk scenarios bound (an import or export must not hold the file in the API). Elsewhere: NaN.
 */

/** VmRSS of process `pid`, KB (NaN when it cannot be read: a sampler's timer must not throw). */
export function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  } catch {
    return Number.NaN;
  }
}

/** A process's VmRSS sampled on a timer from its start: the value then, and the highest seen. */
export interface RssSampler {
  readonly beforeKb: number;
  /** The highest value so far, a reading now included (sampling goes on). */
  peakKb(): number;
  /** Stops sampling: the value before, and the peak (a last reading included). */
  stop(): { beforeKb: number; peakKb: number };
}

/** Samples process `pid`'s VmRSS every `everyMs` until stopped. */
export function sampleRss(pid: number, everyMs = 100): RssSampler {
  const beforeKb = rssKb(pid);
  let peakKb = beforeKb;
  const read = () => {
    peakKb = Math.max(peakKb, rssKb(pid));
    return peakKb;
  };
  const timer = setInterval(read, everyMs);
  return {
    beforeKb,
    peakKb: read,
    stop() {
      clearInterval(timer);
      return { beforeKb, peakKb: read() };
    },
  };
}
