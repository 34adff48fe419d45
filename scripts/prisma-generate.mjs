// Runs `prisma generate` after install. Generation needs no schema engine, so the engine
// download (unreachable on offline machines) is short-circuited with /bin/false.
import { execFileSync } from 'node:child_process';

execFileSync('pnpm', ['exec', 'prisma', 'generate'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
