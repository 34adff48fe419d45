// Run by embedded-postgres.test.ts in a child process: starts a cluster, reports READY, then
// dies the way the test asks, so the test can check that nothing is left behind.
//   tsx embedded-postgres.child-fixture.ts <throw|reject|wait|own-shutdown> <dataDir> [persistent]
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

const [mode, dataDir, persistence] = process.argv.slice(2);
if (!mode || !dataDir) throw new Error('usage: <throw|reject|wait|own-shutdown> <dataDir> [persistent]');

const cluster = await startEmbeddedPostgres({ dataDir, persistent: persistence === 'persistent' });
process.stdout.write(`READY ${process.pid} ${cluster.port}\n`);

if (mode === 'throw') {
  setTimeout(() => {
    throw new Error('uncaught exception (expected by the test)');
  }, 20);
} else if (mode === 'reject') {
  setTimeout(() => void Promise.reject(new Error('unhandled rejection (expected by the test)')), 20);
} else if (mode === 'own-shutdown') {
  // Like pnpm dev: the application drains its own work on SIGINT, then stops the database.
  process.on('SIGINT', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const client = new pg.Client(cluster.adminUrl);
    await client.connect();
    await client.query('SELECT 1');
    await client.end();
    await cluster.stop();
    process.stdout.write('APP SHUTDOWN OK\n');
    process.exit(0);
  });
}
// 'wait': stay alive until the test sends a signal.
setInterval(() => {}, 60_000);
