// docs/operations.md promises a complete configuration reference and a metrics list: hold the
// documents to the code, so a new variable or metric cannot ship undocumented.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '@coupons/api';
import { loadConfig } from '@coupons/config';

const root = path.resolve(import.meta.dirname, '..');
const doc = fs.readFileSync(path.join(root, 'docs/operations.md'), 'utf8');

/** Rows of the table between `<!-- name:begin -->` and `<!-- name:end -->`, cells unquoted. */
function docTable(name: string): string[][] {
  const match = new RegExp(`<!-- ${name}:begin -->([\\s\\S]*?)<!-- ${name}:end -->`).exec(doc);
  if (!match) throw new Error(`docs/operations.md has no ${name} table`);
  return match[1]
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .trim()
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

const unquote = (cell: string) => cell.replace(/^`|`$/g, '');

describe('docs/operations.md configuration reference', () => {
  const rows = docTable('config-variables');
  const documented = rows.map(([name]) => unquote(name));

  it('lists every variable loadConfig() reads, and no other', () => {
    const source = fs.readFileSync(path.join(root, 'packages/config/src/config.ts'), 'utf8');
    const schema = /const envSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(source);
    expect(schema, 'envSchema in packages/config/src/config.ts').not.toBeNull();
    const read = [...schema![1].matchAll(/^\s{2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(read.sort());
  });

  it('states the defaults loadConfig() applies', () => {
    const config = loadConfig({ JWT_SECRET: 'x'.repeat(32) }) as unknown as Record<string, unknown>;
    for (const [name, defaultCell] of rows) {
      const key = unquote(name);
      const literal = /^`([^`]+)`$/.exec(defaultCell)?.[1];
      // Only plain literal defaults are comparable; `unset`, derived and per-mode defaults are prose.
      if (!literal || config[key] === undefined || key === 'DATA_DIR') continue;
      expect(String(config[key]), key).toBe(literal);
    }
  });
});

describe('docs/operations.md metrics list', () => {
  it('names every metric the registry exposes', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    const table = doc.slice(doc.indexOf('| metric | type | labels | meaning |'));
    for (const name of names) {
      const base = name.replace(/_(idle)$/, '');
      expect(table.includes(`\`${name}\``) || table.includes(`\`${base}_total\` / \`_idle\``), name).toBe(true);
    }
  });
});
