// `pnpm test`: the whole suite, in order, stopping at the first failure —
// typecheck → lint → unit + integration tests (vitest, real PostgreSQL) → console build + e2e
// (Playwright in Chromium). Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { projectRoot } from '@coupons/config';

const steps: Array<[name: string, command: string, args: string[]]> = [
  ['typecheck', 'pnpm', ['run', '--silent', 'typecheck']],
  ['lint', 'pnpm', ['run', '--silent', 'lint']],
  ['unit + integration', 'pnpm', ['exec', 'vitest', 'run']],
  ['console build + e2e', 'pnpm', ['run', '--silent', 'test:e2e']],
];

const only = process.argv.slice(2);
const summary: string[] = [];
for (const [name, command, args] of steps) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
  const started = Date.now();
  console.log(`\n━━ ${name} ━━`);
  const result = spawnSync(command, args, { cwd: projectRoot, stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  summary.push(`${ok ? '✔' : '✘'} ${name} (${seconds}s)`);
  if (!ok) {
    console.log(`\n${summary.join('\n')}\n\npnpm test failed at: ${name}`);
    process.exit(result.status ?? 1);
  }
}
console.log(`\n${summary.join('\n')}\n\npnpm test passed`);
