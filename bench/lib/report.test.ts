import { describe, expect, it } from 'vitest';
import { type RunReport, renderMarkdown, type ScenarioRecord } from './report.ts';

const record = (id: string, extra: Partial<ScenarioRecord> = {}): ScenarioRecord => ({
  id,
  title: `the ${id} scenario`,
  status: 'ok',
  durationMs: 1_000,
  invariantViolations: [],
  result: { summary: `${id} figures`, figures: {}, goals: [{ name: 'ratio', actual: '0.5', target: '≥ 0.6', met: false }] },
  ...extra,
});

const report = (scenarios: ScenarioRecord[]): RunReport => ({
  date: '2026-12-06T02:33:55.368Z',
  mode: 'full',
  durationMs: 2_837_000,
  machine: { cores: 2, cpuModel: 'cpu', memoryGiB: 23.5, os: 'Linux', loadAverage: { start: 8.9, end: 7.4 } },
  versions: { node: '20', postgres: '18.4', autocannon: '8.0.0', graphqlWs: '6.4.2' },
  git: { commit: '7b4ccd15c3c9aaaa', branch: 'HEAD', dirty: false },
  settings: { poolSize: 20 },
  scenarios,
});

describe('renderMarkdown', () => {
  it('says every figure is from the run when no record was merged in', () => {
    const md = renderMarkdown(report([record('assign-hot')]));
    expect(md).toContain('Every figure is from this run;');
    expect(md).not.toContain('measured apart');
  });

  it('marks a record merged in with --merge, with its own date, commit and load, and says so in the header', () => {
    const mergedFrom = { date: '2026-12-06T05:33:43.460Z', commit: 'eb8310bb79e99d18', dirty: false, loadAverage: { start: 3, end: 2.5 } };
    const md = renderMarkdown(report([record('pgbench'), record('assign-hot', { mergedFrom })]));
    expect(md).toContain('Every figure is from this run except those of the scenarios marked *measured apart*');
    const lines = md.split('\n');
    const at = lines.findIndex((line) => line.startsWith('- **assign-hot**'));
    expect(lines[at + 1]).toBe('  - *measured apart:* 2026-12-06T05:33:43.460Z, commit `eb8310bb79e9`, load average 3 at start, 2.5 at end');
    const pgbench = lines.findIndex((line) => line.startsWith('- **pgbench**'));
    expect(lines[pgbench + 1]).not.toContain('measured apart');
  });
});
