// The boundaries docs/ARCHITECTURE.md promises, held by a test:
//
// 1. No import cycle between modules, type-only imports included (madge over every package, the
//    bench, the e2e harness and these scripts), and none between the folders of a package's
//    `src/` (`coupons/`, `events/`, `server/` …): a folder may use another, or be used by it.
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
const PENDING_DEEP_IMPORTS: Record<string, string> = {};

// Workspace packages imported without being declared (resolved only through the root's
// node_modules): each needs the dependency in its package.json (an install).
const PENDING_UNDECLARED: Record<string, string> = {};

// Folder imports that close a cycle inside one package's src/ and cannot be removed yet, each
// with why; the cycle check leaves them out. The test fails when one no longer closes a cycle and
// is still listed, so the list only shrinks.
const ALLOWED_FOLDER_CYCLES: Record<string, string> = {};

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

type ModuleGraph = Awaited<ReturnType<typeof madge>>;
let moduleGraph: Promise<ModuleGraph> | undefined;
/** Every module's imports, type-only ones included (built once, for both cycle checks). */
function modulesGraph(): Promise<ModuleGraph> {
  moduleGraph ??= madge(['packages', 'bench', 'e2e', 'scripts'], {
    baseDir: root,
    fileExtensions: ['ts', 'tsx'],
    tsConfig: path.join(root, 'tsconfig.json'),
    excludeRegExp: [/node_modules/, /[\\/]generated[\\/]/],
    detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
  });
  return moduleGraph;
}

interface FolderCycle {
  /** The package's src folder, e.g. `packages/core/src`. */
  src: string;
  /** The folders (right under src/) that reach each other, sorted. */
  folders: string[];
  /** The imports between them, `from -> to`, sorted. */
  imports: string[];
}

/**
 * The folder cycles of each package's `src/`: the strongly connected components (Tarjan) of the
 * graph whose nodes are the folders right under `src/` and whose edges are the imports between
 * their files, leaving out the folder edges named in `skip` (`packages/core/src: auth -> users`).
 */
function folderCycles(modules: Record<string, string[]>, skip: ReadonlySet<string> = new Set()): FolderCycle[] {
  const folderOf = (file: string) => /^(packages\/[^/]+\/src)\/([^/]+)\//.exec(file);
  const edges = new Map<string, Map<string, string[]>>();
  for (const [from, targets] of Object.entries(modules)) {
    const a = folderOf(from);
    for (const to of targets) {
      const b = folderOf(to);
      if (!a || !b || a[1] !== b[1] || a[2] === b[2] || skip.has(`${a[1]}: ${a[2]} -> ${b[2]}`)) continue;
      const [source, target] = [`${a[1]}:${a[2]}`, `${b[1]}:${b[2]}`];
      const out = edges.get(source) ?? new Map<string, string[]>();
      out.set(target, [...(out.get(target) ?? []), `${from} -> ${to}`]);
      edges.set(source, out);
    }
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const connect = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      component.push(member);
    } while (member !== node);
    if (component.length > 1) components.push(component);
  };
  for (const node of edges.keys()) if (!index.has(node)) connect(node);

  return components.map((component) => ({
    src: component[0].split(':')[0],
    folders: component.map((node) => node.split(':')[1]).sort(),
    imports: component.flatMap((node) => component.flatMap((other) => edges.get(node)?.get(other) ?? [])).sort(),
  }));
}

describe('module boundaries', () => {
  it('has no import cycle, type-only imports included', async () => {
    const graph = await modulesGraph();
    const modules = graph.obj();
    // The graph does see type-only imports (request-context.ts has nothing else from loaders.ts).
    expect(modules['packages/api/src/shared/request-context.ts']).toContain('packages/api/src/shared/loaders.ts');
    expect(Object.keys(modules).length).toBeGreaterThan(200);
    expect(graph.circular()).toEqual([]);
  }, 120_000);

  it('has no import cycle between the folders of a package, type-only imports included', async () => {
    // The check itself: two folders that import each other are one cycle, named with its imports.
    const sample = { 'packages/x/src/a/one.ts': ['packages/x/src/b/two.ts'], 'packages/x/src/b/two.ts': ['packages/x/src/a/three.ts'] };
    expect(folderCycles(sample)).toEqual([
      { src: 'packages/x/src', folders: ['a', 'b'], imports: ['packages/x/src/a/one.ts -> packages/x/src/b/two.ts', 'packages/x/src/b/two.ts -> packages/x/src/a/three.ts'] },
    ]);
    expect(folderCycles(sample, new Set(['packages/x/src: b -> a']))).toEqual([]);

    const modules = (await modulesGraph()).obj();
    const allowed = new Set(Object.keys(ALLOWED_FOLDER_CYCLES));
    expect(folderCycles(modules, allowed), 'a folder imports one that imports it back: move the shared piece, or pass it in').toEqual([]);
    const cycles = folderCycles(modules);
    const closesCycle = (edge: string) => {
      const [, src, from, to] = /^(.+): (.+) -> (.+)$/.exec(edge) as RegExpExecArray;
      return cycles.some((cycle) => cycle.src === src && cycle.folders.includes(from) && cycle.folders.includes(to));
    };
    expect([...allowed].filter((edge) => !closesCycle(edge)), 'fixed: remove these from ALLOWED_FOLDER_CYCLES').toEqual([]);
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
