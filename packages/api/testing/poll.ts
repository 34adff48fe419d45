/**
 * Reads `read()` until `done(value)` holds and returns that value: for state behind the API or in
 * the database that nothing announces (a code job's progress, webhook deliveries). Throws after
 * `timeoutMs` with `what` and the last value read.
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 10_000, what = 'the condition', everyMs = 50 }: { timeoutMs?: number; what?: string; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(value)?.slice(0, 800)})`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
