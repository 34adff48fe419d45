import { announceCommitted } from '../events/announcer.ts';
import type { ServiceContext } from '../shared/context.ts';
import { DomainError } from '../shared/errors.ts';
import { computeCheckCharacter } from './check-character.ts';
import type { CodeJobProgress } from './code-job.events.ts';
import { saveCodeJobProgress } from './code-job.repository.ts';
import type { CodePattern } from './code.generate.input.ts';
import { insertCodes } from './code.insert.ts';
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

interface LoopState {
  progress: CodeJobProgress;
  /** Codes in chunks being inserted right now. */
  inFlight: number;
  fruitless: { chunks: number; codes: number };
  /** Progress rows are written one after another, in completion order. */
  saving: Promise<void>;
}

/**
 * Inserts new codes until `pattern.count` exist, {@link GENERATE_CONCURRENCY} chunks at a time;
 * collisions are topped up by later chunks. Memory holds at most CONCURRENCY + 1 chunks. Each
 * committed chunk updates `code_job` and announces progress. Rejects with the first failure,
 * after every chunk in flight has settled (so nothing is left writing behind the caller).
 */
export async function insertUntilComplete(ctx: ServiceContext, job: CodeJobProgress, pattern: CodePattern): Promise<CodeJobProgress> {
  const source = new RandomCodeSource(pattern.charset);
  const state: LoopState = { progress: job, inFlight: 0, fruitless: { chunks: 0, codes: 0 }, saving: Promise.resolve() };
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  while (!failure && (state.progress.inserted < pattern.count || running.size > 0)) {
    const room = pattern.count - state.progress.inserted - state.inFlight;
    if (room > 0 && running.size < GENERATE_CONCURRENCY) {
      // Generated while the other chunk is being inserted: the CPU work overlaps the database's.
      const chunk = makeChunk(source, pattern, Math.min(GENERATE_CHUNK_SIZE, room));
      state.inFlight += chunk.length;
      const task: Promise<void> = insertChunk(ctx, state, pattern, chunk)
        .catch((error) => {
          failure ??= { error };
        })
        .finally(() => running.delete(task));
      running.add(task);
      continue;
    }
    await Promise.race(running);
  }
  await Promise.allSettled(running);
  await state.saving;
  if (failure) throw failure.error;
  return state.progress;
}

async function insertChunk(ctx: ServiceContext, state: LoopState, pattern: CodePattern, chunk: string[]): Promise<void> {
  const { inserted, eventId } = await insertCodes(ctx.db.pool, state.progress.bookId, chunk, ctx.caller?.userId ?? null);
  // Each chunk is committed: its CREATED_BULK summary event can go out now.
  announceCommitted(ctx, [eventId]);
  state.inFlight -= chunk.length;
  const progress = {
    ...state.progress,
    processed: state.progress.processed + chunk.length,
    inserted: state.progress.inserted + inserted,
    duplicates: state.progress.duplicates + chunk.length - inserted,
  };
  state.progress = progress;
  state.saving = state.saving.then(() => saveCodeJobProgress(ctx, progress));
  await state.saving;
  const fruitless = inserted < chunk.length * MIN_CHUNK_YIELD;
  state.fruitless = fruitless ? { chunks: state.fruitless.chunks + 1, codes: state.fruitless.codes + chunk.length } : { chunks: 0, codes: 0 };
  if (state.fruitless.chunks >= FRUITLESS_CHUNKS && state.fruitless.codes >= FRUITLESS_CODES) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `length: the pattern space is used up (${progress.inserted} of ${pattern.count} codes made); use a longer length or another prefix`,
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
