import { type CodeJobProgress, onCodeJobProgress } from '../codes/code-job.events.ts';
import { getCodeJob } from '../codes/code-job.repository.ts';
import { isAdmin } from '../shared/access.ts';
import { requireCaller, type ServiceContext } from '../shared/context.ts';
import { forbidden, notFound } from '../shared/errors.ts';
import { requireUuid } from '../shared/validation.ts';
import { EventStream } from './event.stream.ts';

export interface CodeJobFeedOptions {
  /** A context without a caller, for reading `code_job` rows (the process's own database and clock). */
  system: ServiceContext;
  /** Tells other processes a job moved (NOTIFY); absent in a single-process setup. */
  announce?: (jobId: string) => void;
  /** Re-read watched jobs this often, in case a notification was lost (default 2 s). */
  pollMs?: number;
  onError?: (error: unknown) => void;
}

interface Watcher {
  stream: EventStream<CodeJobProgress>;
  last: CodeJobProgress;
}

/**
 * Progress of code generate/upload jobs for the `codeJob(jobId)` subscription. The job runs in
 * one process and emits in-process progress after each committed chunk; this feed forwards it to
 * local subscribers and announces the job id to other processes, which re-read the `code_job`
 * row (the source of truth). A periodic re-read covers a lost notification. Each stream gets the
 * stored progress first and ends after the job's COMPLETED or FAILED snapshot, or when a re-read
 * finds the row gone with its book.
 */
export class CodeJobFeed {
  private readonly watchers = new Map<string, Set<Watcher>>();
  private stopLocal: (() => void) | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: CodeJobFeedOptions) {}

  /** Starts hearing this process's jobs (and re-reading watched ones periodically). */
  start(): void {
    if (this.stopLocal || this.closed) return;
    this.stopLocal = onCodeJobProgress(null, (progress) => {
      this.deliver(progress);
      this.options.announce?.(progress.jobId);
    });
    this.pollTimer = setInterval(() => {
      for (const jobId of this.watchers.keys()) void this.refresh(jobId);
    }, this.options.pollMs ?? 2_000);
    this.pollTimer.unref();
  }

  /** Another process announced progress of `jobId`: re-read it if anyone here watches it. */
  onAnnounced(jobId: string): void {
    if (this.watchers.has(jobId)) void this.refresh(jobId);
  }

  /** A stream of one job's progress to completion. ADMIN only; NOT_FOUND for an unknown job. */
  async subscribe(ctx: ServiceContext, rawJobId: string): Promise<EventStream<CodeJobProgress>> {
    requireCaller(ctx);
    const jobId = requireUuid('jobId', rawJobId);
    // An admin, or an API key with the ADMIN scope (a key's caller always has the ADMIN role).
    if (!isAdmin(ctx)) throw forbidden('Only an admin may watch code jobs');
    const initial = await getCodeJob(this.options.system, jobId);
    if (!initial) throw notFound('Code job', jobId);
    const stream: EventStream<CodeJobProgress> = new EventStream<CodeJobProgress>({
      maxBuffered: 1_000,
      onClose: () => {
        const set = this.watchers.get(jobId);
        set?.delete(watcher);
        if (set?.size === 0) this.watchers.delete(jobId);
      },
    });
    const watcher: Watcher = { stream, last: initial };
    stream.push(initial);
    if (initial.status !== 'RUNNING' || this.closed) {
      stream.end();
      return stream;
    }
    let set = this.watchers.get(jobId);
    if (!set) {
      set = new Set();
      this.watchers.set(jobId, set);
    }
    set.add(watcher);
    // Progress committed between the read above and now is picked up by this re-read.
    void this.refresh(jobId);
    return stream;
  }

  /** Ends every stream and stops listening. */
  close(): void {
    this.closed = true;
    this.stopLocal?.();
    if (this.pollTimer) clearInterval(this.pollTimer);
    for (const set of this.watchers.values()) for (const watcher of [...set]) watcher.stream.end();
    this.watchers.clear();
  }

  private async refresh(jobId: string): Promise<void> {
    try {
      const progress = await getCodeJob(this.options.system, jobId);
      if (progress) this.deliver(progress);
      else this.endGone(jobId);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  /**
   * The job's row is gone: deleteBook took it with its book (ON DELETE CASCADE). Nothing will ever
   * move it again, so its streams end here, after their last snapshot (the run's own FAILED, when
   * it ran in this process and got there first).
   */
  private endGone(jobId: string): void {
    const set = this.watchers.get(jobId);
    if (!set) return;
    for (const watcher of [...set]) watcher.stream.end();
  }

  private deliver(progress: CodeJobProgress): void {
    const set = this.watchers.get(progress.jobId);
    if (!set) return;
    for (const watcher of [...set]) {
      if (!isNewer(progress, watcher.last)) continue;
      watcher.last = progress;
      watcher.stream.push(progress);
      if (progress.status !== 'RUNNING') watcher.stream.end();
    }
  }
}

/**
 * Whether `next` moves a subscriber forward from `last`: sources race (in-process emit, row
 * re-reads), so an older or identical snapshot is dropped rather than sent out of order.
 */
function isNewer(next: CodeJobProgress, last: CodeJobProgress): boolean {
  if (last.status !== 'RUNNING') return false;
  if (next.status !== 'RUNNING') return true;
  return (
    next.processed > last.processed ||
    (next.processed === last.processed &&
      next.inserted + next.duplicates + next.invalid > last.inserted + last.duplicates + last.invalid)
  );
}
