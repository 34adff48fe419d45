// `pnpm exec tsx bench/tools/cpu-profile-summary.ts <file.cpuprofile> [top] [fromSecond-toSecond]`
// Where a V8 CPU profile (from `pnpm bench --profile`) spends its time: self time per function
// and per package, and inclusive time of the project's own functions, so a finding can be
// quoted without opening DevTools.
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg, windowArg] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile> [top] [fromSecond-toSecond]');
const top = Number(topArg ?? 25);
// Optional time window (seconds since the profile started), e.g. the measured phase only.
const [fromS, toS] = (windowArg ?? '0-1e9').split('-').map(Number);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// Self time per node from the sample deltas (microseconds), and how busy each second was.
const self = new Map<number, number>();
const busyPerSecond: number[] = [];
let clock = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  clock += delta;
  const second = Math.floor(clock / 1e6);
  if (second < fromS || second >= toS) return;
  self.set(id, (self.get(id) ?? 0) + delta);
  const name = byId.get(id)?.callFrame.functionName;
  if (name !== '(idle)') busyPerSecond[second] = (busyPerSecond[second] ?? 0) + delta;
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (url: string) => {
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const own = /\/(packages\/[^/]+|bench)\//.exec(url)?.[1];
  return own ?? (url.startsWith('node:') ? 'node' : url === '' ? '(native/gc/idle)' : url);
};
const label = (n: ProfileNode) => {
  const short = n.callFrame.url.replace(/^.*\/(node_modules|packages)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${short}:${n.callFrame.lineNumber + 1}`;
};

const add = (map: Map<string, number>, key: string, v: number) => map.set(key, (map.get(key) ?? 0) + v);
const selfByFunction = new Map<string, number>();
const selfByPackage = new Map<string, number>();
const inclusiveOwn = new Map<string, number>();
const inclusiveAll = new Map<string, number>();
for (const [id, micros] of self) {
  const node = byId.get(id) as ProfileNode;
  add(selfByFunction, label(node), micros);
  add(selfByPackage, where(node.callFrame.url), micros);
  // Charge the sample to every distinct project function on its stack (inclusive time).
  const seen = new Set<string>();
  const seenAll = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur) as ProfileNode;
    const any = label(n);
    if (!seenAll.has(any) && n.callFrame.url !== '') add(inclusiveAll, any, micros);
    seenAll.add(any);
    if (/\/packages\/[^/]+\/src\//.test(n.callFrame.url) && !n.callFrame.url.includes('node_modules')) {
      const key = label(n);
      if (!seen.has(key)) add(inclusiveOwn, key, micros);
      seen.add(key);
    }
  }
}

const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((micros / total) * 100).toFixed(1).padStart(6)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  }
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
console.log(`busy % per second: ${Array.from(busyPerSecond, (v) => Math.round((v ?? 0) / 1e4)).join(' ')}`);
print('self time by package', selfByPackage);
print('self time by function', selfByFunction);
print('inclusive time of project functions', inclusiveOwn);
print('inclusive time of any function', inclusiveAll);
