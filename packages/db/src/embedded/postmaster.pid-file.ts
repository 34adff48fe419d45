import fs from 'node:fs';
import path from 'node:path';

/** What a data folder's `postmaster.pid` says about the server that holds it. */
export interface PostmasterInfo {
  pid: number;
  port: number;
}

/** Reads `<dataDir>/postmaster.pid` (line 1 the pid, line 4 the port); undefined when absent. */
export function readPostmasterPid(dataDir: string): PostmasterInfo | undefined {
  try {
    const lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number.parseInt(lines[0] ?? '', 10);
    const port = Number.parseInt(lines[3] ?? '', 10);
    return pid > 0 ? { pid, port } : undefined;
  } catch {
    return undefined;
  }
}

/** The parent of a process (Linux /proc); undefined where that cannot be read. */
export function parentPid(pid: number): number | undefined {
  try {
    // "pid (comm) state ppid …": comm may contain spaces, so split after the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
  } catch {
    return undefined;
  }
}
