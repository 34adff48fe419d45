// Preloaded into every API process the benchmark starts (`node --import ./orphan-guard.ts`).
// The benchmark keeps the child's stdin open as a pipe; when the benchmark dies in any way
// (Ctrl-C, a crash, SIGKILL) the pipe closes and the API shuts down like on SIGTERM, instead of
// living on with a database that is gone.
process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.resume();
// stdin must not keep an otherwise finished process alive.
(process.stdin as unknown as { unref?: () => void }).unref?.();
