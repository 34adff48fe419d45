// Run by embedded-postgres.test.ts in a child process: starts a cluster, reports READY, then
// dies the way the test asks, so the test can check that nothing is left behind.
//   tsx embedded-postgres.child-fixture.ts <throw|reject|wait> <dataDir> [persistent]
import { startEmbeddedPostgres } from './embedded-postgres.ts';

const [mode, dataDir, persistence] = process.argv.slice(2);
if (!mode || !dataDir) throw new Error('usage: <throw|reject|wait> <dataDir> [persistent]');

const cluster = await startEmbeddedPostgres({ dataDir, persistent: persistence === 'persistent' });
process.stdout.write(`READY ${process.pid} ${cluster.port}\n`);

if (mode === 'throw') {
  setTimeout(() => {
    throw new Error('uncaught exception (expected by the test)');
  }, 20);
} else if (mode === 'reject') {
  setTimeout(() => void Promise.reject(new Error('unhandled rejection (expected by the test)')), 20);
}
// 'wait': stay alive until the test sends a signal.
setInterval(() => {}, 60_000);
