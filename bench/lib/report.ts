import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Goal, ScenarioResult } from './scenario.ts';

/** How one scenario ended. */
export interface ScenarioRecord {
  id: string;
  title: string;
  status: 'ok' | 'failed' | 'not run';
  /** Why it failed (an exception, or violated invariants) or why it did not run. */
  reason?: string;
  durationMs: number;
  /** Violations found by the invariant checker right after the scenario (empty: all hold). */
  invariantViolations: string[];
  /** Warnings and errors the API processes logged during the scenario, counted by message. */
  apiLog?: Record<string, number>;
  result?: ScenarioResult;
  /**
   * Set on a record put into latest.json by `--only … --merge`: when, at which commit and at what
   * load it was measured, apart from the full run the header describes.
   */
  mergedFrom?: { date: string; commit: string; dirty: boolean; loadAverage: { start: number; end: number } };
}

export interface RunReport {
  date: string;
  mode: 'full' | 'quick';
  /** Scenario ids asked for with --only (all when absent). */
  only?: string[];
  durationMs: number;
  machine: {
    cores: number;
    cpuModel: string;
    memoryGiB: number;
    os: string;
    /** 1-minute load average at start and end: a shared machine's noise, for the reader to judge. */
    loadAverage: { start: number; end: number };
  };
  versions: { node: string; postgres: string; autocannon: string; graphqlWs: string };
  git: { commit: string; branch: string; dirty: boolean };
  settings: Record<string, unknown>;
  scenarios: ScenarioRecord[];
}

export function machineInfo(): Omit<RunReport['machine'], 'loadAverage'> {
  return {
    cores: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
  };
}

export function gitInfo(root: string): RunReport['git'] {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  return {
    commit: git('rev-parse', 'HEAD') || 'unknown',
    branch: git('rev-parse', '--abbrev-ref', 'HEAD') || 'unknown',
    // Shared working trees carry others' uncommitted work: say so rather than claim a clean commit.
    dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
  };
}

export function packageVersion(root: string, name: string): string {
  try {
    const file = path.join(root, 'bench/node_modules', name, 'package.json');
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const STATUS = { ok: '', failed: 'FAILED', 'not run': 'not run' } as const;

/** The terminal table: one row per goal, scenario summary lines above them. */
export function renderTable(report: RunReport): string {
  const rows: string[][] = [['scenario', 'goal', 'measured', 'target', 'result']];
  for (const scenario of report.scenarios) {
    const goals = scenario.result?.goals ?? [];
    if (scenario.status !== 'ok' || goals.length === 0) {
      rows.push([scenario.id, STATUS[scenario.status], '', '', truncate(scenario.reason ?? '', 60)]);
      if (scenario.status === 'not run') continue;
    }
    goals.forEach((goal, i) => {
      rows.push([i === 0 ? scenario.id : '', goal.name, goal.actual, goal.target, verdict(goal)]);
    });
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ');
  const summaries = report.scenarios
    .filter((s) => s.result?.summary)
    .map((s) => `  ${s.id.padEnd(24)} ${s.result?.summary}`);
  return [
    line(rows[0]),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
    '',
    ...summaries,
  ].join('\n');
}

function verdict(goal: Goal): string {
  return goal.met ? 'met' : 'NOT MET';
}

function truncate(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/** The Markdown summary committed with the results: every goal, met or not, with its ratio. */
export function renderMarkdown(report: RunReport): string {
  const m = report.machine;
  const out: string[] = [
    `# Benchmark results (${report.mode}${report.only ? `, only ${report.only.join(', ')}` : ''})`,
    '',
    `- Date: ${report.date}; took ${Math.round(report.durationMs / 1000)} s`,
    `- Commit: \`${report.git.commit.slice(0, 12)}\` on ${report.git.branch}${report.git.dirty ? ' (working tree had uncommitted changes)' : ''}`,
    `- Machine: ${m.cores} cores, ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}; load average ${m.loadAverage.start} at start, ${m.loadAverage.end} at end`,
    `- Node ${report.versions.node}, PostgreSQL ${report.versions.postgres} (embedded, fsync off), autocannon ${report.versions.autocannon}, graphql-ws ${report.versions.graphqlWs}`,
    `- Settings: ${Object.entries(report.settings).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    '',
    report.scenarios.some((s) => s.mergedFrom)
      ? 'Every figure is from this run except those of the scenarios marked *measured apart* (merged in later with `--only … --merge`, their date, commit and load given below); each path was measured beside its ceiling on the same database, one after the other.'
      : 'Every figure is from this run; each path was measured beside its ceiling on the same database, one after the other.',
    '',
    '| scenario | goal | measured | target | result |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const scenario of report.scenarios) {
    const goals = scenario.result?.goals ?? [];
    if (scenario.status !== 'ok' || goals.length === 0) {
      out.push(`| ${scenario.id} | ${STATUS[scenario.status]} | ${escapeCell(scenario.reason ?? '')} | | |`);
      if (scenario.status === 'not run') continue;
    }
    for (const goal of goals) {
      out.push(`| ${scenario.id} | ${goal.name} | ${goal.actual} | ${goal.target} | ${goal.met ? 'met' : '**not met**'} |`);
    }
  }
  out.push('', '## What was measured', '');
  for (const scenario of report.scenarios) {
    out.push(`- **${scenario.id}** — ${scenario.title}.${scenario.result?.summary ? ` ${scenario.result.summary}.` : ''}`);
    const apart = scenario.mergedFrom;
    if (apart) {
      out.push(`  - *measured apart:* ${apart.date}, commit \`${apart.commit.slice(0, 12)}\`${apart.dirty ? ' (uncommitted changes)' : ''}, load average ${apart.loadAverage.start} at start, ${apart.loadAverage.end} at end`);
    }
    for (const note of scenario.result?.notes ?? []) out.push(`  - ${note}`);
    if (scenario.invariantViolations.length > 0) out.push(`  - invariant violations: ${escapeCell(scenario.invariantViolations.join('; '))}`);
    for (const [message, count] of Object.entries(scenario.apiLog ?? {})) out.push(`  - the API logged ${count}× \`${escapeCell(message)}\``);
  }
  out.push('');
  return out.join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

export function writeReport(dir: string, name: string, report: RunReport): { json: string; md: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, `${name}.json`);
  const md = path.join(dir, `${name}.md`);
  fs.writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(md, renderMarkdown(report));
  return { json, md };
}
