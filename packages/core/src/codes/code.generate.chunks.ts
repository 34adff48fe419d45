import { announceCommitted } from '../shared/announce.ts';
import type { ServiceContext } from '../shared/context.ts';
import { DomainError } from '../shared/errors.ts';
import { computeCheckCharacter } from './check-character.ts';
import { type CodeJobProgress, emitCodeJobProgress } from './code-job.events.ts';
import { CodeJobLeaseLost } from './code-job.heartbeat.ts';
import type { CodePattern } from './code.generate.input.ts';
import { holdBookForInserts, insertJobChunk, type JobLease, withPgTransaction } from './code.insert.ts';
import { RandomCodeSource } from './code.random.ts';

/** Codes per chunk: each chunk is one INSERT statement and one committed transaction. */
export const GENERATE_CHUNK_SIZE = 50_000;
/**
 * Chunks inserted at once, each on its own connection. The insert is CPU-bound in PostgreSQL
 * (six indexes, a foreign key), so a second backend roughly doubles throughput on a multi-core
 * server while JavaScript generates the next chunk.
 */
export const GENERATE_CONCURRENCY = 2;
/**
 * The pattern space counts as used up after at least 3 chunks in a row and 1,000 codes in a row
 * where fewer than 5% of each chunk was new. Small top-up chunks on a nearly full space take
 * many tries, so one unlucky chunk must not end the job.
 */
const MIN_CHUNK_YIELD = 0.05;
const FRUITLESS_CHUNKS = 3;
const FRUITLESS_CODES = 1_000;

/** One run of a generation job: the job as stored when the run began, and its claim on it. */
export interface GenerationRun {
  /** Stored progress at the start of the run (a resumed run starts from what is in the book). */
  progress: CodeJobProgress;
  lease: JobLease;
  /** Who the CREATED_BULK events name: the admin who started the job. */
  actorId: string | null;
  /** True once the heartbeat found the lease gone: stop before the next chunk. */
  isLost(): boolean;
}

interface LoopState {
  progress: CodeJobProgress;
  /** Codes in chunks being inserted right now. */
  inFlight: number;
  fruitless: { chunks: number; codes: number };
}

/**
 * Inserts new codes until `pattern.count` exist, {@link GENERATE_CONCURRENCY} chunks at a time;
 * collisions are topped up by later chunks. Memory holds at most CONCURRENCY + 1 chunks. Each
 * chunk commits together with the job's counters (see `insertJobChunk`), so a run resumed after
 * a crash starts from exactly what is in the book. Rejects with the first failure (or
 * {@link CodeJobLeaseLost}), after every chunk in flight has settled.
 */
export async function insertUntilComplete(ctx: ServiceContext, run: GenerationRun, pattern: CodePattern): Promise<CodeJobProgress> {
  const source = new RandomCodeSource(pattern.charset);
  const state: LoopState = { progress: run.progress, inFlight: 0, fruitless: { chunks: 0, codes: 0 } };
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  while (!failure && (state.progress.inserted < pattern.count || running.size > 0)) {
    if (run.isLost()) failure = { error: new CodeJobLeaseLost(run.lease.jobId) };
    const room = pattern.count - state.progress.inserted - state.inFlight;
    if (!failure && room > 0 && running.size < GENERATE_CONCURRENCY) {
      // Generated while the other chunk is being inserted: the CPU work overlaps the database's.
      const chunk = makeChunk(source, pattern, Math.min(GENERATE_CHUNK_SIZE, room));
      state.inFlight += chunk.length;
      const task: Promise<void> = insertChunk(ctx, run, state, pattern, chunk)
        .catch((error) => {
          failure ??= { error };
        })
        .finally(() => running.delete(task));
      running.add(task);
      continue;
    }
    if (running.size > 0) await Promise.race(running);
  }
  await Promise.allSettled(running);
  if (failure) throw failure.error;
  return state.progress;
}

async function insertChunk(ctx: ServiceContext, run: GenerationRun, state: LoopState, pattern: CodePattern, chunk: string[]): Promise<void> {
  let result: Awaited<ReturnType<typeof insertJobChunk>>;
  try {
    // Rolled back when the lease is gone: the codes of a run that lost its job must not count.
    result = await withPgTransaction(ctx.db.pool, async (client) => {
      // The book first, then the job row (the chunk's update of it).
      await holdBookForInserts(client, state.progress.bookId);
      const chunkResult = await insertJobChunk(client, run.lease, state.progress.bookId, chunk, run.actorId);
      if (!chunkResult.job) throw new CodeJobLeaseLost(run.lease.jobId);
      return chunkResult;
    });
  } finally {
    state.inFlight -= chunk.length;
  }
  // Each chunk is committed: its CREATED_BULK summary event can go out now.
  announceCommitted(ctx, [result.eventId]);
  const job = result.job as NonNullable<typeof result.job>;
  // Concurrent chunks may report out of order: the stored numbers only grow, so keep the largest.
  if (job.processed > state.progress.processed) {
    state.progress = { ...state.progress, ...job };
    emitCodeJobProgress(state.progress);
  }
  const fruitless = result.inserted < chunk.length * MIN_CHUNK_YIELD;
  state.fruitless = fruitless ? { chunks: state.fruitless.chunks + 1, codes: state.fruitless.codes + chunk.length } : { chunks: 0, codes: 0 };
  if (state.fruitless.chunks >= FRUITLESS_CHUNKS && state.fruitless.codes >= FRUITLESS_CODES) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `length: the pattern space is used up (${state.progress.inserted} of ${pattern.count} codes made); use a longer length or another prefix`,
      { field: 'length' },
    );
  }
}

/** `size` distinct codes (distinct within the chunk), sorted so concurrent inserts take index locks in one order. */
export function makeChunk(source: RandomCodeSource, pattern: CodePattern, size: number): string[] {
  const codes = new Set<string>();
  while (codes.size < size) codes.add(makeCode(source, pattern));
  return [...codes].sort();
}

/** One code: prefix + random part + suffix (+ check character over all of it). */
export function makeCode(source: RandomCodeSource, pattern: CodePattern): string {
  const payload = pattern.prefix + source.next(pattern.length) + pattern.suffix;
  if (!pattern.checkCharacter) return payload;
  return payload + (computeCheckCharacter(payload, pattern.charset) as string);
}
