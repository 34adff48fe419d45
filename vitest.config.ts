import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/** A vite plugin, typed through vitest's own config (vite itself is not a direct dependency). */
type PluginOption = NonNullable<ViteUserConfig['plugins']>[number];

// graphql 16 ships CJS (index.js, what Node loads) and ESM (index.mjs, what vite would pick for
// project source). Two copies break `instanceof` (GraphQLError, scalars from graphql-scalars, the
// schema handed to Apollo/graphql-ws): resolve every `import 'graphql'` to the one Node loads.
const graphqlEntry = createRequire(new URL('./packages/api/package.json', import.meta.url)).resolve('graphql');

// The console's unit tests (components and hooks in happy-dom) use the console's own React plugin,
// resolved from apps/console, where it is a dependency. They start no database.
const consoleRequire = createRequire(new URL('./apps/console/package.json', import.meta.url));
const { default: react } = (await import(pathToFileURL(consoleRequire.resolve('@vitejs/plugin-react')).href)) as {
  default: () => PluginOption;
};
const consoleSrc = fileURLToPath(new URL('./apps/console/src/', import.meta.url));

// One embedded PostgreSQL per run (packages/db/testing/global-setup.ts): every test file
// copies a migrated template with createTestDatabase() from '@coupons/db/testing'.
const globalSetup = ['packages/db/testing/global-setup.ts'];

// The soak project exists only when asked for (`pnpm test:soak` sets SOAK=1), so that a plain
// `vitest run` (pnpm test:unit) never starts the long-running soak tests.
const soakRequested = process.env.SOAK === '1';

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    pool: 'forks', // native modules (argon2) and process-wide pg type parsers stay per file
    testTimeout: 30_000, // integration tests talk to a real PostgreSQL
    hookTimeout: 60_000, // beforeAll may create databases and start servers
    teardownTimeout: 30_000,
    server: { deps: { inline: ['type-graphql'] } }, // or graphql is loaded twice ("another realm")
    projects: [
      {
        extends: true as const,
        test: {
          name: 'unit',
          // Declared per project, not at the root: a root globalSetup runs in addition to the
          // projects' own, which would start a second cluster.
          globalSetup,
          // Tests beside the code (src/), whole-system suites (test/), tests of the harnesses (testing/).
          include: ['packages/*/{src,test,testing}/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/lib/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.soak.test.ts'],
        },
      },
      {
        extends: true as const,
        plugins: [react()],
        resolve: { alias: [{ find: /^@\//, replacement: consoleSrc }] },
        test: {
          name: 'console',
          environment: 'happy-dom',
          include: ['apps/console/src/**/*.test.{ts,tsx}'],
          setupFiles: ['apps/console/test/setup.ts'],
          pool: 'threads' as const, // no native modules here; threads start faster than forks
          testTimeout: 10_000,
        },
      },
      ...(soakRequested
        ? [
            {
              extends: true as const,
              test: {
                name: 'soak',
                globalSetup,
                include: ['**/*.soak.test.ts'],
                exclude: ['**/node_modules/**'],
                testTimeout: 600_000,
                hookTimeout: 120_000,
              },
            },
          ]
        : []),
    ],
  },
});
