import { isDomainError, pgCode } from '../src/shared/errors.ts';

/** What a call under test answered: its value, or the error's contract code (with its details and message). */
export type Answer<T = unknown> = { ok: true; value: T } | { ok: false; code: string; message?: string; details?: Record<string, unknown> };

/**
 * The answer of a service call as the service gives it: a `DomainError`'s code, and anything else
 * (a raw pg error has a `code` too, a SQLSTATE) as a non-contract error that fails every
 * expectation of a contract code.
 */
export function serviceAnswer<T>(call: Promise<T>): Promise<Answer<T>> {
  return call.then(
    (value): Answer<T> => ({ ok: true, value }),
    (error: unknown): Answer<T> =>
      isDomainError(error)
        ? { ok: false, code: error.code, message: error.message, details: error.details }
        : { ok: false, code: `non-contract error: ${pgCode(error) ?? (error as Error)?.message ?? String(error)}` },
  );
}

/** A call's answer on the way, and whether it has come (for `lockWaiters`' `settled`). */
export function track<T>(answer: Promise<Answer<T>>): { answer: Promise<Answer<T>>; settled: () => boolean } {
  let done = false;
  const settledAnswer = answer.finally(() => {
    done = true;
  });
  return { answer: settledAnswer, settled: () => done };
}

/** `ok`, or the error's code. */
export const label = (answer: Answer): string => (answer.ok ? 'ok' : answer.code);
