import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// An endless animation repaints the page 60 times a second for as long as it runs: an open tab of
// the console with the live badge pulsing forever took 1.3 CPU cores in a Chromium that renders in
// software (a VM, a remote desktop, CI), 0.07 with the dot still. Only what shows while something
// is loading may spin without end (states.module.css: the spinner goes when the data comes).
const src = path.resolve(import.meta.dirname, '../..');
const ALLOWED = new Set(['components/feedback/states.module.css']);

function cssFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return cssFiles(full);
    return entry.name.endsWith('.css') ? [full] : [];
  });
}

describe('console animations', () => {
  it('none runs without end, but the loading spinner', () => {
    const files = cssFiles(src);
    expect(files.length).toBeGreaterThan(5);
    const endless = files
      .map((file) => path.relative(src, file).split(path.sep).join('/'))
      .filter((file) => !ALLOWED.has(file) && /\binfinite\b/.test(fs.readFileSync(path.join(src, file), 'utf8')));
    expect(endless).toEqual([]);
  });
});
