import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The production image holds no test code, and no test support hides in `src/`: harnesses,
// fixtures and clients live in packages/*/testing (`@coupons/<pkg>/testing`), whole-system suites
// in packages/*/test, tests of one module beside it as *.test.ts (excluded by .dockerignore).

const root = fileURLToPath(new URL('..', import.meta.url));

/** Test code: test files, the packages' test/ and testing/ folders, e2e, the benchmark. */
function isTestOnly(file: string): boolean {
  return (
    /\.(test|spec)\.tsx?$/.test(file) ||
    /^packages\/[^/]+\/(test|testing)\//.test(file) ||
    /^apps\/[^/]+\/test\//.test(file) ||
    /(^|\/)__tests__\//.test(file) ||
    (/^(e2e|bench)\//.test(file) && !file.endsWith('/package.json'))
  );
}

const ignore = parseDockerignore(fs.readFileSync(path.join(root, '.dockerignore'), 'utf8'));
const copiedBy = (dockerfile: string) => filesCopiedFromContext(fs.readFileSync(path.join(root, dockerfile), 'utf8'), ignore);

describe('the API image (docker/api.Dockerfile)', () => {
  const copied = copiedBy('docker/api.Dockerfile');

  it('copies the API sources (the reading of COPY and .dockerignore works)', () => {
    expect(copied).toContain('packages/api/src/main.ts');
    expect(copied).toContain('packages/db/src/migrations/migrations.runner.ts');
    expect(copied).toContain('prisma/schema.prisma');
    expect(copied).not.toContain('packages/db/src/generated/prisma/client.ts'); // generated inside the image
  });

  it('holds no test code', () => {
    expect(copied.filter(isTestOnly)).toEqual([]);
  });
});

describe('the console image (docker/console.Dockerfile)', () => {
  const copied = copiedBy('docker/console.Dockerfile');

  it('copies the console sources into its build stage', () => {
    expect(copied).toContain('apps/console/package.json');
    expect(copied).toContain('apps/console/next.config.ts');
    expect(copied).toContain('apps/console/src/app/layout.tsx');
  });

  it('holds no test code: the console tests (*.test.tsx, test/) stay out of the build stage', () => {
    expect(copied.filter(isTestOnly)).toEqual([]);
  });
});

describe('.dockerignore', () => {
  it('keeps test code out of any build context, whatever a COPY takes', () => {
    for (const file of [
      'packages/api/src/server/health.api.test.ts',
      'packages/core/src/coupons/coupons.race.test.ts',
      'packages/api/test/reliability/races.api.test.ts',
      'packages/api/test/reliability/coupon.model.ts',
      'packages/api/testing/test-server.ts',
      'packages/db/testing/global-setup.ts',
      'packages/core/testing/fixtures.ts',
      'apps/console/src/components/data-table/data-table.test.tsx',
      'apps/console/src/lib/errors/describe-error.test.ts',
      'apps/console/test/setup.ts',
    ]) {
      expect(ignore(file), file).toBe(true);
    }
    expect(ignore('packages/api/src/server/api-server.ts')).toBe(false);
    expect(ignore('apps/console/src/components/data-table/data-table.tsx')).toBe(false);
  });
});

describe('packages/*/src', () => {
  it('packages export their test support from testing/, outside src', () => {
    for (const pkg of fs.readdirSync(path.join(root, 'packages'))) {
      const manifest = path.join(root, 'packages', pkg, 'package.json');
      if (!fs.existsSync(manifest)) continue;
      const { exports } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { exports: Record<string, string> };
      if (exports['./testing']) expect(exports['./testing'], pkg).toBe('./testing/index.ts');
    }
  });

  it('holds no test support: no file there but a *.test.ts is imported only by tests', () => {
    const { graph, entryPoints } = importGraph();
    // A package's `exports` are its declared API (e.g. `@coupons/core/sql` for the benchmark),
    // whoever uses them; every other src file is test support when something imports it and every
    // importer is test code or test support itself (a helper used only by a helper counts too).
    const inSrc = (file: string) =>
      /^packages\/[^/]+\/src\//.test(file) && !/\.test\.ts$/.test(file) && !entryPoints.has(file);
    const testSupport = new Set<string>();
    for (let changed = true; changed; ) {
      changed = false;
      for (const [file, importers] of graph) {
        if (!inSrc(file) || testSupport.has(file) || importers.size === 0) continue;
        if ([...importers].every((importer) => isTestOnly(importer) || testSupport.has(importer))) {
          testSupport.add(file);
          changed = true;
        }
      }
    }
    const report = [...testSupport].sort().map((file) => `${file} ← ${[...(graph.get(file) ?? [])].sort().join(', ')}`);
    expect(report).toEqual([]);
  });
});

// ---- .dockerignore, narrowly: Docker's pattern matcher (moby/patternmatcher) for what this
// repository uses: `*`, `?`, `**`, leading `/`, `!` exceptions, last match wins, and a pattern
// that matches a folder excludes everything under it.

function parseDockerignore(text: string): (file: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exception = line.startsWith('!');
      const pattern = path.posix.normalize((exception ? line.slice(1) : line).trim().replace(/^\/+/, '')).replace(/\/+$/, '');
      return { exception, regex: patternRegex(pattern) };
    });
  return (file) => {
    const prefixes = file.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const rule of rules) {
      if (prefixes.some((prefix) => rule.regex.test(prefix))) ignored = !rule.exception;
    }
    return ignored;
  };
}

function patternRegex(pattern: string): RegExp {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') i++;
      source += i + 1 >= pattern.length ? '.*' : '(.*/)?';
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${source}$`);
}

// ---- The files the Dockerfile's COPY instructions take from the build context (every stage;
// `COPY --from=…` copies from another stage, not from the context).

function filesCopiedFromContext(dockerfile: string, ignored: (file: string) => boolean): string[] {
  const context = contextFiles(ignored);
  const copied = new Set<string>();
  for (const instruction of dockerfile.replace(/\\\n/g, ' ').split('\n')) {
    const words = instruction.trim().split(/\s+/);
    if (words[0]?.toUpperCase() !== 'COPY' && words[0]?.toUpperCase() !== 'ADD') continue;
    const args = words.slice(1);
    if (args.some((arg) => arg.startsWith('--from'))) continue;
    const sources = args.filter((arg) => !arg.startsWith('--')).slice(0, -1);
    for (const source of sources) {
      if (/[*?[]/.test(source)) throw new Error(`A COPY source with a wildcard is not read by this test: ${source}`);
      const clean = path.posix.normalize(source).replace(/^\.\/?|\/$/g, '');
      for (const file of context) {
        if (clean === '' || file === clean || file.startsWith(`${clean}/`)) copied.add(file);
      }
    }
  }
  return [...copied].sort();
}

/** Every file of the build context (the repository root) that .dockerignore lets through. */
function contextFiles(ignored: (file: string) => boolean): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const file = dir ? `${dir}/${entry.name}` : entry.name;
      // Without `!` exceptions an ignored folder's contents are all ignored: skip it whole.
      if (ignored(file)) continue;
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile()) files.push(file);
    }
  };
  walk('');
  return files;
}

// ---- Who imports whom: every TypeScript file of the packages, scripts, bench and e2e, with
// relative imports and `@coupons/<pkg>[/<subpath>]` resolved through the packages' `exports`.

function importGraph(): { graph: Map<string, Set<string>>; entryPoints: Set<string> } {
  const exportsOf = new Map<string, Record<string, string>>();
  for (const pkg of fs.readdirSync(path.join(root, 'packages'))) {
    const manifest = path.join(root, 'packages', pkg, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const { name, exports } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name: string; exports: Record<string, string> };
    exportsOf.set(name, Object.fromEntries(Object.entries(exports).map(([key, target]) => [key, path.posix.join('packages', pkg, target)])));
  }
  const sources = ['packages', 'scripts', 'bench', 'e2e'].flatMap((dir) => typeScriptFiles(dir));
  const graph = new Map<string, Set<string>>(sources.map((file) => [file, new Set<string>()]));
  const specifier = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;
  for (const file of sources) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const match of text.matchAll(specifier)) {
      const target = resolveImport(file, match[1], exportsOf);
      if (target && target !== file) graph.get(target)?.add(file);
    }
  }
  const entryPoints = new Set([...exportsOf.values()].flatMap((targets) => Object.values(targets)));
  return { graph, entryPoints };
}

function resolveImport(from: string, spec: string, exportsOf: Map<string, Record<string, string>>): string | undefined {
  if (spec.startsWith('.')) return path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  const scoped = /^(@coupons\/[^/]+)(\/.*)?$/.exec(spec);
  if (!scoped) return undefined;
  return exportsOf.get(scoped[1])?.[`.${scoped[2] ?? ''}`];
}

function typeScriptFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const entry of fs.readdirSync(path.join(root, current), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'generated' || entry.name.startsWith('.')) continue;
      const file = `${current}/${entry.name}`;
      if (entry.isDirectory()) walk(file);
      else if (/\.tsx?$/.test(entry.name)) found.push(file);
    }
  };
  walk(dir);
  return found;
}
