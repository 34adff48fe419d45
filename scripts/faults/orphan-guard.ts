// Preloaded into every API process a fault-injection test starts (`node --import …/orphan-guard.ts`).
// The test keeps the child's stdin open as a pipe; when the test process dies in any way (a
// failure, Ctrl-C, SIGKILL) the pipe closes and the API shuts down as on SIGTERM, instead of
// living on against a test database that is about to be dropped.
process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.resume();
// stdin must not keep an otherwise finished process alive.
(process.stdin as unknown as { unref?: () => void }).unref?.();
