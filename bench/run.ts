// `pnpm bench [--quick] [--only id,id [--merge]] [--pool-size N] [--profile]`
//
// The benchmarks of ../shared/BENCH.md, every scenario beside its ceiling in the same run:
// boots a throw-away embedded PostgreSQL, migrates it, starts the API in a child process, runs
// each scenario on a freshly emptied database (warm-up, path, ceiling, invariant check), prints
// a table and writes bench/results/<latest|quick|partial>.{json,md}. Everything it started is
// stopped on success, failure and Ctrl-C.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApiProcess, freshDir, killApiProcessesNow, startApiProcess } from './lib/api-process.ts';
import { type BenchDatabase, startBenchDatabase } from './lib/database.ts';
import { verifyInvariants } from './lib/invariants.ts';
import { gitInfo, machineInfo, packageVersion, renderTable, type RunReport, type ScenarioRecord, writeReport } from './lib/report.ts';
import type { BenchContext, Scenario } from './lib/scenario.ts';
import { scenarios } from './scenarios/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = path.join(root, 'bench/results');

interface Options {
  quick: boolean;
  only: string[] | null;
  poolSize: number;
  profile: boolean;
  /** With --only: also put the selected scenarios' records into latest.{json,md}, every other record left as it was. */
  merge: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { quick: false, only: null, poolSize: 20, profile: false, merge: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--') continue;
    else if (flag === '--quick') options.quick = true;
    else if (flag === '--profile') options.profile = true;
    else if (flag === '--merge') options.merge = true;
    else if (flag === '--only') options.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (flag === '--pool-size') options.poolSize = Number(value());
    else throw new Error(`Unknown option ${argv[i]}. Usage: pnpm bench [--quick] [--only id,id [--merge]] [--pool-size N] [--profile]`);
  }
  const unknown = options.only?.filter((id) => !scenarios.some((s) => s.id === id)) ?? [];
  if (unknown.length) throw new Error(`Unknown scenario(s) ${unknown.join(', ')}; known: ${scenarios.map((s) => s.id).join(', ')}`);
  if (options.merge && (!options.only || options.quick)) throw new Error('--merge needs --only and a full-size run: it updates latest.{json,md}');
  if (!Number.isInteger(options.poolSize) || options.poolSize < 1) throw new Error('--pool-size must be a positive integer');
  return options;
}

const log = (message: string) => process.stdout.write(`bench ▸ ${message}\n`);

// Teardown state, filled as things start.
let database: BenchDatabase | null = null;
const apis = new Set<ApiProcess>();
/** Log lines of API processes stopped during the current scenario. */
let stoppedApiLog: string[] = [];
let cleaning: Promise<void> | null = null;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.allSettled([...apis].map((api) => api.stop()));
    await database?.stop().catch(() => {});
  })();
  return cleaning;
}

process.on('exit', killApiProcessesNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping everything…`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const loadAtStart = os.loadavg()[0];
  const selected = options.only ? scenarios.filter((s) => options.only?.includes(s.id)) : scenarios;
  const profileDir = options.profile ? freshDir(path.join(resultsDir, 'profiles')) : undefined;

  log(`${options.quick ? 'quick' : 'full'} run: ${selected.map((s) => s.id).join(', ')}`);
  log('starting embedded PostgreSQL and migrating');
  database = await startBenchDatabase();
  log(`   PostgreSQL ${database.serverVersion} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const db = database;

  const startApi = async (name: string) => {
    const started = Date.now();
    const api = await startApiProcess({ name, databaseUrl: db.url, poolSize: options.poolSize, cpuProfileDir: profileDir });
    apis.add(api);
    log(`   ${name} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return api;
  };
  const stopApi = async (api: ApiProcess) => {
    await api.stop();
    stoppedApiLog.push(...api.takeLog());
    apis.delete(api);
  };
  log('starting the API');
  let mainApi = await startApi('api');

  const records: ScenarioRecord[] = [];
  for (const scenario of selected) {
    log(`── ${scenario.id}: ${scenario.title}`);
    const extras: ApiProcess[] = [];
    const ctx: BenchContext = {
      quick: options.quick,
      database: db,
      pool: db.db.pool,
      poolSize: options.poolSize,
      api: () => mainApi,
      async restartApi() {
        await stopApi(mainApi);
        mainApi = await startApi('api');
        return mainApi;
      },
      async startExtraApi(name) {
        const api = await startApi(name);
        extras.push(api);
        return api;
      },
      log: (message) => log(`   ${scenario.id}: ${message}`),
    };
    const record = await runScenario(scenario, ctx, db);
    for (const api of extras) await stopApi(api);
    // What the API processes complained about (warn and above) during the scenario.
    record.apiLog = summarizeLog([...stoppedApiLog, ...[...apis].flatMap((api) => api.takeLog())]);
    stoppedApiLog = [];
    if (Object.keys(record.apiLog).length > 0) ctx.log(`API log: ${JSON.stringify(record.apiLog)}`);
    records.push(record);
  }

  const report: RunReport = {
    date: new Date(started).toISOString(),
    mode: options.quick ? 'quick' : 'full',
    ...(options.only ? { only: options.only } : {}),
    durationMs: Date.now() - started,
    machine: { ...machineInfo(), loadAverage: { start: round1(loadAtStart), end: round1(os.loadavg()[0]) } },
    versions: {
      node: process.versions.node,
      postgres: db.serverVersion,
      autocannon: packageVersion(root, 'autocannon'),
      graphqlWs: packageVersion(root, 'graphql-ws'),
    },
    git: gitInfo(root),
    settings: { poolSize: options.poolSize, apiProcesses: 'node --import tsx packages/api/src/main.ts, NODE_ENV=production' },
    scenarios: records,
  };
  const name = options.only ? 'partial' : options.quick ? 'quick' : 'latest';
  const files = writeReport(resultsDir, name, report);
  process.stdout.write(`\n${renderTable(report)}\n\n`);
  log(`wrote ${path.relative(root, files.json)} and ${path.relative(root, files.md)} (${Math.round(report.durationMs / 1000)} s)`);
  if (options.merge) {
    const merged = mergeIntoLatest(records, report);
    log(`merged ${records.map((r) => r.id).join(', ')} into ${path.relative(root, merged.json)} and ${path.relative(root, merged.md)}; every other scenario's record left as it was`);
  }
  if (profileDir) log(`CPU profiles of the API processes: ${path.relative(root, profileDir)} (written as they stop)`);
  return records.some((r) => r.status === 'failed') ? 1 : 0;
}

/**
 * Replaces (or appends) these scenarios' records in latest.json, each marked with when, where and
 * at what load it was measured (`mergedFrom`, from this run's `report`), and renders latest.md
 * again from it; the other scenarios' records, and the header (date, commit, machine of the full
 * run), stay.
 */
function mergeIntoLatest(records: ScenarioRecord[], report: RunReport): { json: string; md: string } {
  const file = path.join(resultsDir, 'latest.json');
  const latest = JSON.parse(fs.readFileSync(file, 'utf8')) as RunReport;
  const mergedFrom = { date: report.date, commit: report.git.commit, dirty: report.git.dirty, loadAverage: report.machine.loadAverage };
  for (const record of records.map((r) => ({ ...r, mergedFrom }))) {
    const at = latest.scenarios.findIndex((s) => s.id === record.id);
    if (at === -1) latest.scenarios.push(record);
    else latest.scenarios[at] = record;
  }
  return writeReport(resultsDir, 'latest', latest);
}

/** Empties the database, runs the scenario, then the invariant checker; never throws. */
async function runScenario(scenario: Scenario, ctx: BenchContext, db: BenchDatabase): Promise<ScenarioRecord> {
  const started = Date.now();
  const record: ScenarioRecord = { id: scenario.id, title: scenario.title, status: 'ok', durationMs: 0, invariantViolations: [] };
  try {
    await db.reset();
    const result = await scenario.run(ctx);
    record.result = result;
    if (result.notRun) {
      record.status = 'not run';
      record.reason = result.notRun;
    }
  } catch (error) {
    record.status = 'failed';
    record.reason = error instanceof Error ? error.message : String(error);
    ctx.log(`failed: ${record.reason}`);
  }
  try {
    record.invariantViolations = await verifyInvariants(db.db);
  } catch (error) {
    record.invariantViolations = [`the invariant checker itself failed: ${(error as Error).message}`];
  }
  if (record.invariantViolations.length > 0) {
    record.status = 'failed';
    record.reason = `invariants violated: ${record.invariantViolations.join('; ')}`;
    ctx.log(record.reason);
  }
  record.durationMs = Date.now() - started;
  ctx.log(`${record.status} in ${Math.round(record.durationMs / 100) / 10} s`);
  return record;
}

/** Counts log lines by level, message and error message (pino JSON lines; other lines as they are). */
function summarizeLog(lines: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of lines) {
    let key = line.slice(0, 200);
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      key = [entry.level, entry.msg, entry.err?.message].filter((part) => part !== undefined).join(' ').slice(0, 200);
    } catch {
      // not JSON: keep the raw line
    }
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await cleanup();
    process.exit(1);
  });
