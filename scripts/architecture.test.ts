// The boundaries docs/ARCHITECTURE.md promises, held by a test:
//
// 1. No import cycle between modules, type-only imports included (madge over every package, the
//    bench, the e2e harness and these scripts).
// 2. Packages depend on each other one way: the workspace dependency graph has no cycle, and a
//    file imports `@coupons/x` only when its package declares that dependency.
// 3. A file reaches another workspace package only through that package's `exports`
//    (`@coupons/core`, `@coupons/core/sql` …): never `../../packages/x/src/…` or
//    `@coupons/x/src/…`, which would tie it to the other package's insides.
import fs from 'node:fs';
import path from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');

// Known deep imports that wait on a change outside this test: each names what would fix it. The
// test fails when one is fixed and still listed, so the list only shrinks.
const PENDING_DEEP_IMPORTS: Record<string, string> = {
  // The e2e runner starts the e2e package's harness, exported as "@coupons/e2e/harness": the
  // import switches over once the root declares the package (an install).
  'scripts/e2e.ts -> e2e/harness/factory-server.ts': 'root devDependency "@coupons/e2e": "workspace:*"',
};

// Workspace packages imported without being declared (resolved only through the root's
// node_modules): each needs the dependency in its package.json (an install).
const PENDING_UNDECLARED: Record<string, string> = {};

interface WorkspacePackage {
  /** Folder, relative to the root ('' for the root package). */
  dir: string;
  name: string;
  exports: Set<string>;
  dependencies: Set<string>;
}

function readPackage(dir: string): WorkspacePackage {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
  const exportsField = manifest.exports ?? {};
  const exports = new Set<string>(typeof exportsField === 'string' ? ['.'] : Object.keys(exportsField));
  const dependencies = new Set<string>(
    [manifest.dependencies, manifest.devDependencies, manifest.peerDependencies].flatMap((deps) => Object.keys(deps ?? {})),
  );
  return { dir, name: manifest.name, exports, dependencies };
}

const workspace: WorkspacePackage[] = [
  readPackage(''),
  ...['packages', 'apps'].flatMap((parent) =>
    fs
      .readdirSync(path.join(root, parent))
      .filter((dir) => fs.existsSync(path.join(root, parent, dir, 'package.json')))
      .map((dir) => readPackage(`${parent}/${dir}`)),
  ),
  ...['bench', 'e2e'].filter((dir) => fs.existsSync(path.join(root, dir, 'package.json'))).map(readPackage),
];
const byName = new Map(workspace.map((pkg) => [pkg.name, pkg]));

/** The workspace package a file belongs to: the deepest package folder that holds it. */
function packageOf(file: string): WorkspacePackage {
  const relative = rel(file);
  const owners = workspace.filter((pkg) => pkg.dir === '' || relative.startsWith(`${pkg.dir}/`));
  return owners.sort((a, b) => b.dir.length - a.dir.length)[0];
}

const SKIPPED_DIRS = new Set(['node_modules', 'generated', '.next', 'dist', 'test-results', 'playwright-report', 'results']);

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(full));
    else if (/\.(ts|tsx|mts|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(full);
  }
  return found;
}

// `import … from 'x'`, `import type …`, `export … from 'x'`, `import 'x'`, `import('x')`.
const SPECIFIER = /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2]);
}

const scanned = ['packages', 'apps', 'bench', 'e2e', 'scripts'].flatMap((dir) => sourceFiles(path.join(root, dir)));

describe('module boundaries', () => {
  it('has no import cycle, type-only imports included', async () => {
    const graph = await madge(['packages', 'bench', 'e2e', 'scripts'], {
      baseDir: root,
      fileExtensions: ['ts', 'tsx'],
      tsConfig: path.join(root, 'tsconfig.json'),
      excludeRegExp: [/node_modules/, /[\\/]generated[\\/]/],
      detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
    });
    const modules = graph.obj();
    // The graph does see type-only imports (request-context.ts has nothing else from loaders.ts).
    expect(modules['packages/api/src/shared/request-context.ts']).toContain('packages/api/src/shared/loaders.ts');
    expect(Object.keys(modules).length).toBeGreaterThan(200);
    expect(graph.circular()).toEqual([]);
  }, 120_000);

  it('depends one way between packages, and only on declared workspace packages', () => {
    const internal = (pkg: WorkspacePackage) => [...pkg.dependencies].filter((name) => byName.has(name));
    // Depth-first search for a cycle in the declared workspace dependencies.
    const state = new Map<string, 'open' | 'done'>();
    const visit = (name: string, trail: string[]): string[] | undefined => {
      if (state.get(name) === 'done') return undefined;
      if (state.get(name) === 'open') return [...trail, name];
      state.set(name, 'open');
      for (const next of internal(byName.get(name) as WorkspacePackage)) {
        const cycle = visit(next, [...trail, name]);
        if (cycle) return cycle;
      }
      state.set(name, 'done');
      return undefined;
    };
    for (const pkg of workspace) expect(visit(pkg.name, []), `a dependency cycle through ${pkg.name}`).toBeUndefined();

    const undeclared: string[] = [];
    for (const file of scanned) {
      const owner = packageOf(file);
      for (const specifier of importsOf(file)) {
        const name = /^(@coupons\/[^/]+)/.exec(specifier)?.[1];
        if (name && name !== owner.name && !owner.dependencies.has(name)) undeclared.push(`${rel(file)}: ${specifier}`);
      }
    }
    expect(undeclared.filter((use) => !(use in PENDING_UNDECLARED))).toEqual([]);
    expect(Object.keys(PENDING_UNDECLARED).filter((use) => !undeclared.includes(use)), 'fixed: remove from PENDING_UNDECLARED').toEqual([]);
  });

  it('reaches another workspace package only through its exports', () => {
    const found = new Set<string>();
    for (const file of scanned) {
      const owner = packageOf(file);
      for (const specifier of importsOf(file)) {
        const bare = /^(@coupons\/[^/]+)(?:\/(.+))?$/.exec(specifier);
        if (bare) {
          const target = byName.get(bare[1]);
          const subpath = bare[2] ? `./${bare[2]}` : '.';
          if (target && !target.exports.has(subpath)) found.add(`${rel(file)}: ${specifier} is not in ${target.name}'s exports`);
          continue;
        }
        if (!specifier.startsWith('.')) continue;
        const resolved = path.resolve(path.dirname(file), specifier);
        const target = packageOf(resolved);
        if (target.dir !== owner.dir) found.add(`${rel(file)} -> ${rel(resolved)}`);
      }
    }
    const unexpected = [...found].filter((edge) => !(edge in PENDING_DEEP_IMPORTS));
    expect(unexpected, 'import another workspace package by its name and an entry of its package.json "exports"').toEqual([]);
    const fixed = Object.keys(PENDING_DEEP_IMPORTS).filter((edge) => !found.has(edge));
    expect(fixed, 'fixed: remove these from PENDING_DEEP_IMPORTS').toEqual([]);
  });
});
