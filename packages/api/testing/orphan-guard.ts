// Preloaded into every API process that `startApiProcess` starts (`node --import …/orphan-guard.ts`):
// fault-injection tests and the benchmark. The parent keeps the child's stdin open as a pipe; when
// the parent dies in any way (a failure, Ctrl-C, SIGKILL) the pipe closes and the API shuts down as on SIGTERM, instead of
// living on against a test database that is about to be dropped.
process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.resume();
// stdin must not keep an otherwise finished process alive.
(process.stdin as unknown as { unref?: () => void }).unref?.();
