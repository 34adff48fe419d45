// Checks docker-compose.yml, the Dockerfiles and docker/nginx.conf against each other, against the
// code they run, and against what docs/operations.md promises. No Docker engine runs here, so the
// compose file is read through the real Compose parser when one is installed:
//
//   1. `docker compose config --format json` (Compose v2), else
//   2. `docker-compose config` (v1.29, which has no JSON output) read by the Python that runs
//      docker-compose itself (its shebang; PyYAML is one of its dependencies), else
//   3. the raw file through `python3` + PyYAML, with `${VAR:-default}` interpolation done here.
//
// A hand-written YAML reader would accept what Compose rejects; the project has no YAML parser
// among its direct dependencies, so it borrows the one Compose uses. Without any of the three,
// the structural checks are skipped with a message (.ci/run installs docker-compose).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const composeFile = path.join(root, 'docker-compose.yml');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

// Interpolation input for every parse: a JWT secret (required) and nothing else, so defaults
// apply whatever the developer's shell or .env holds.
const TEST_SECRET = 'compose-test-secret-0123456789abcdef';
const COMPOSE_TIMEOUT_MS = 60_000;

interface Port {
  published?: number;
  target: number;
}
interface Mount {
  source: string;
  target: string;
}
interface Service {
  name: string;
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment: Record<string, string>;
  ports: Port[];
  volumes: Mount[];
  healthcheck?: string[];
  dependsOn: Record<string, string>;
  profiles: string[];
}
interface ComposeModel {
  parser: string;
  services: Map<string, Service>;
  volumes: string[];
}

// ---- Finding a parser -------------------------------------------------------------------------

function run(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string) {
  const result = spawnSync(command, args, { cwd: root, env, input, encoding: 'utf8', timeout: 60_000 });
  return { ok: result.status === 0, stdout: result.stdout ?? '', stderr: `${result.stderr ?? ''}${result.error?.message ?? ''}` };
}

/** A clean environment: PATH and HOME, no COMPOSE_* or service variables from the caller. */
function composeEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME ?? os.tmpdir(), ...extra };
}

// An empty env file, so a developer's .env does not change what the test sees.
const emptyEnvFile = path.join(os.tmpdir(), `compose-test-${process.pid}.env`);
fs.writeFileSync(emptyEnvFile, '');
afterAll(() => fs.rmSync(emptyEnvFile, { force: true }));

const YAML_TO_JSON = 'import sys, json, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)';

interface Parser {
  name: string;
  /** Full, interpolated config including the `scale` profile, as plain JSON. */
  load(): unknown;
  /** `config -q` for a profile; undefined when this parser cannot validate. */
  validate?(env: NodeJS.ProcessEnv, profile?: string): { ok: boolean; stderr: string };
}

function findParser(): Parser | undefined {
  const env = composeEnv({ JWT_SECRET: TEST_SECRET });
  const base = ['-f', composeFile, '--env-file', emptyEnvFile];
  const profileArgs = (profile?: string) => (profile ? ['--profile', profile] : []);

  if (run('docker', ['compose', 'version'], env).ok) {
    return {
      name: 'docker compose (v2)',
      load: () => JSON.parse(mustRun('docker', ['compose', ...base, '--profile', 'scale', 'config', '--format', 'json'], env)),
      validate: (e, profile) => run('docker', ['compose', ...base, ...profileArgs(profile), 'config', '-q'], e),
    };
  }
  const v1 = run('docker-compose', ['version'], env);
  if (v1.ok) {
    const python = composePython();
    if (python && run(python, ['-c', 'import yaml'], env).ok) {
      return {
        name: `docker-compose (v1) + ${python}`,
        load: () => {
          const yaml = mustRun('docker-compose', [...base, '--profile', 'scale', 'config'], env);
          return JSON.parse(mustRun(python, ['-c', YAML_TO_JSON], env, yaml));
        },
        validate: (e, profile) => run('docker-compose', [...base, ...profileArgs(profile), 'config', '-q'], e),
      };
    }
  }
  if (run('python3', ['-c', 'import yaml'], env).ok) {
    return {
      name: 'python3 + PyYAML (raw file, interpolated by the test)',
      load: () => interpolate(JSON.parse(mustRun('python3', ['-c', YAML_TO_JSON], env, read('docker-compose.yml'))), { JWT_SECRET: TEST_SECRET }),
    };
  }
  return undefined;
}

/** The interpreter of the docker-compose script (`#!/usr/bin/python3`), which has PyYAML. */
function composePython(): string | undefined {
  const which = run('sh', ['-c', 'command -v docker-compose'], composeEnv());
  const file = which.stdout.trim();
  if (!which.ok || !file) return undefined;
  const first = fs.readFileSync(file, 'utf8').split('\n', 1)[0];
  const match = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
  if (!match) return undefined;
  return match[1].endsWith('/env') && match[2] ? match[2] : match[1];
}

function mustRun(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string): string {
  const result = run(command, args, env, input);
  if (!result.ok) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

/** Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}` and `$$`, for the raw fallback only. */
function interpolate(value: unknown, env: Record<string, string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\$|\$\{([A-Z0-9_]+)(?:(:?)([-?])([^}]*))?\}/g, (whole, name, colon, kind, arg) => {
      if (whole === '$$') return '$';
      const set = env[name] !== undefined && (colon !== ':' || env[name] !== '');
      if (set) return env[name];
      if (kind === '?') throw new Error(`${name}: ${arg}`);
      return kind === '-' ? arg : '';
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  }
  return value;
}

// ---- Normalising the three parsers' shapes ----------------------------------------------------

function normalise(config: unknown, parser: string): ComposeModel {
  const raw = config as { services: Record<string, Record<string, unknown>>; volumes?: Record<string, unknown> };
  const services = new Map<string, Service>();
  for (const [name, s] of Object.entries(raw.services)) {
    const build = s.build as { context?: string; dockerfile?: string } | string | undefined;
    const healthcheck = s.healthcheck as { test?: string[] | string; disable?: boolean } | undefined;
    services.set(name, {
      name,
      image: s.image as string | undefined,
      build: build
        ? {
            context: path.resolve(root, typeof build === 'string' ? build : (build.context ?? '.')),
            dockerfile: (typeof build === 'string' ? undefined : build.dockerfile) ?? 'Dockerfile',
          }
        : undefined,
      command: typeof s.command === 'string' ? s.command.split(/\s+/) : (s.command as string[] | undefined),
      environment: normaliseEnvironment(s.environment),
      ports: ((s.ports as unknown[]) ?? []).map(normalisePort),
      volumes: ((s.volumes as unknown[]) ?? []).map(normaliseMount),
      healthcheck: healthcheck && !healthcheck.disable ? [healthcheck.test ?? []].flat() : undefined,
      dependsOn: normaliseDependsOn(s.depends_on),
      profiles: (s.profiles as string[]) ?? [],
    });
  }
  return { parser, services, volumes: Object.keys(raw.volumes ?? {}) };
}

function normaliseEnvironment(env: unknown): Record<string, string> {
  if (!env) return {};
  const entries = Array.isArray(env)
    ? env.map((line: string) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)])
    : Object.entries(env as Record<string, unknown>);
  return Object.fromEntries(entries.map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

function normalisePort(port: unknown): Port {
  if (typeof port === 'object' && port) {
    const p = port as { published?: string | number; target: string | number };
    return { published: p.published === undefined ? undefined : Number(p.published), target: Number(p.target) };
  }
  const parts = String(port).split(':');
  const target = Number(parts.at(-1)?.split('/')[0]);
  return parts.length > 1 ? { published: Number(parts.at(-2)), target } : { target };
}

function normaliseMount(mount: unknown): Mount {
  if (typeof mount === 'object' && mount) {
    const m = mount as { source: string; target: string };
    return { source: m.source, target: m.target };
  }
  const [source, target] = String(mount).split(':');
  return { source, target };
}

function normaliseDependsOn(dependsOn: unknown): Record<string, string> {
  if (!dependsOn) return {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name: string) => [name, 'service_started']));
  return Object.fromEntries(
    Object.entries(dependsOn as Record<string, { condition?: string }>).map(([name, d]) => [name, d.condition ?? 'service_started']),
  );
}

// ---- What the operations guide promises -------------------------------------------------------

/** Rows of the table between `<!-- name:begin -->` and `<!-- name:end -->` in docs/operations.md. */
function docTable(name: string): string[][] {
  const doc = read('docs/operations.md');
  const match = new RegExp(`<!-- ${name}:begin -->([\\s\\S]*?)<!-- ${name}:end -->`).exec(doc);
  if (!match) throw new Error(`docs/operations.md has no ${name} table`);
  return match[1]
    .split('\n')
    .filter((line) => line.trim().startsWith('|'))
    .slice(2) // header and separator
    .map((line) =>
      line
        .trim()
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim().replace(/^`|`$/g, '')),
    );
}

/** The variables `loadConfig()` reads, from the zod schema in packages/config/src/config.ts. */
function configVariables(): string[] {
  const source = read('packages/config/src/config.ts');
  const schema = /const envSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(source);
  if (!schema) throw new Error('envSchema not found in packages/config/src/config.ts');
  return [...schema[1].matchAll(/^\s{2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
}

/** Workspace projects: every folder with a package.json under packages/, apps/, or at the top. */
function workspaceManifests(): string[] {
  const found: string[] = [];
  for (const parent of ['packages', 'apps']) {
    for (const dir of fs.readdirSync(path.join(root, parent))) {
      if (fs.existsSync(path.join(root, parent, dir, 'package.json'))) found.push(`${parent}/${dir}/package.json`);
    }
  }
  for (const dir of fs.readdirSync(root)) {
    if (dir.startsWith('.') || dir === 'node_modules') continue;
    if (fs.statSync(path.join(root, dir)).isDirectory() && fs.existsSync(path.join(root, dir, 'package.json'))) {
      found.push(`${dir}/package.json`);
    }
  }
  return found;
}

// ---- The tests --------------------------------------------------------------------------------

const parser = findParser();
if (!parser) {
  console.warn(
    'docker-compose.test: no Compose parser (docker compose v2, docker-compose v1, or python3 with PyYAML); ' +
      'the compose structure checks are skipped. `apt-get install docker-compose` enables them.',
  );
}

describe.runIf(parser)(`docker-compose.yml (read by ${parser?.name})`, () => {
  let compose: ComposeModel;
  const service = (name: string) => {
    const s = compose.services.get(name);
    if (!s) throw new Error(`service ${name} is missing`);
    return s;
  };

  // Compose v1 takes a second or more per call, several on a busy machine.
  beforeAll(() => {
    compose = normalise(parser!.load(), parser!.name);
  }, COMPOSE_TIMEOUT_MS);

  it.runIf(parser?.validate)('is valid for Compose, with and without the scale profile', () => {
    const env = composeEnv({ JWT_SECRET: TEST_SECRET });
    for (const profile of [undefined, 'scale']) {
      const result = parser!.validate!(env, profile);
      expect(result.ok, result.stderr).toBe(true);
    }
  }, COMPOSE_TIMEOUT_MS);

  it.runIf(parser?.validate)('refuses to start without JWT_SECRET, and says so', () => {
    const result = parser!.validate!(composeEnv(), undefined);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('JWT_SECRET');
  }, COMPOSE_TIMEOUT_MS);

  it('has exactly the services, profiles, ports and healthchecks the operations guide lists', () => {
    const promised = docTable('compose-services');
    expect([...compose.services.keys()].sort()).toEqual(promised.map(([name]) => name).sort());
    for (const [name, profile, port, health] of promised) {
      const s = service(name);
      expect(s.profiles, `${name} profiles`).toEqual(profile === 'default' ? [] : [profile]);
      const published = s.ports.map((p) => `${p.published}:${p.target}`);
      expect(published, `${name} ports`).toEqual(port === '—' ? [] : [port]);
      if (health === '—') {
        expect(s.healthcheck, `${name} healthcheck`).toBeUndefined();
      } else {
        expect(s.healthcheck?.join(' '), `${name} healthcheck`).toContain(health);
      }
    }
  });

  it('keeps PostgreSQL 16 data in a named volume and checks it with pg_isready', () => {
    const postgres = service('postgres');
    expect(postgres.image).toMatch(/^postgres:16([.-]|$)/);
    expect(compose.volumes).toContain('pgdata');
    expect(postgres.volumes).toContainEqual({ source: 'pgdata', target: '/var/lib/postgresql/data' });
    expect(postgres.healthcheck?.join(' ')).toContain('pg_isready');
    expect(postgres.ports).toEqual([]); // reachable by the services only
  });

  it('runs migrations once, with the command of `pnpm db:migrate`, before any API starts', () => {
    const migrate = service('migrate');
    const script = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['db:migrate'];
    expect(migrate.command?.join(' ')).toBe(script);
    expect(migrate.dependsOn).toEqual({ postgres: 'service_healthy' });
    for (const name of ['api', 'api-2']) {
      expect(service(name).dependsOn).toEqual({ postgres: 'service_healthy', migrate: 'service_completed_successfully' });
    }
    expect(service('console').dependsOn).toEqual({ api: 'service_healthy' });
    expect(service('lb').dependsOn).toEqual({ api: 'service_healthy', 'api-2': 'service_healthy' });
  });

  it('gives the API and the migration runner a production configuration that loadConfig() knows', () => {
    const known = new Set(configVariables());
    for (const name of ['migrate', 'api', 'api-2']) {
      const env = service(name).environment;
      expect(env.NODE_ENV, name).toBe('production');
      expect(env.JWT_SECRET, name).toBe(TEST_SECRET);
      expect(env.DATABASE_URL, name).toMatch(/^postgresql:\/\/coupons:[^@]+@postgres:5432\/coupons$/);
      expect(env.DATABASE_LISTEN_URL, name).toMatch(/@postgres:5432\/coupons$/);
      for (const key of Object.keys(env)) expect(known.has(key), `${name}: ${key} is not a config variable`).toBe(true);
    }
    // The three share one definition: a drift between them would be a bug.
    expect(service('api-2').environment).toEqual(service('api').environment);
    expect(service('migrate').environment).toEqual(service('api').environment);
  });

  it('documents every variable the compose file reads from the host', () => {
    const documented = new Set(docTable('compose-variables').map(([name]) => name));
    const used = new Set([...read('docker-compose.yml').matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...documented].sort());
  });

  it('builds from existing contexts and Dockerfiles, and runs what exists', () => {
    for (const s of compose.services.values()) {
      if (!s.build) continue;
      expect(fs.existsSync(s.build.context), `${s.name} context`).toBe(true);
      expect(fs.existsSync(path.resolve(s.build.context, s.build.dockerfile)), `${s.name} dockerfile`).toBe(true);
    }
    expect(service('api').build?.dockerfile).toBe('docker/api.Dockerfile');
    expect(service('console').build?.dockerfile).toBe('docker/console.Dockerfile');
    // One image for the API, the second instance and the migration runner.
    expect(new Set(['migrate', 'api', 'api-2'].map((n) => service(n).image)).size).toBe(1);
    // The migration script, the API entry point, and the console's health route.
    expect(fs.existsSync(path.join(root, service('migrate').command!.at(-1)!))).toBe(true);
    expect(/CMD \["tsx", "([^"]+)"\]/.exec(read('docker/api.Dockerfile'))?.[1]).toBe('packages/api/src/main.ts');
    expect(fs.existsSync(path.join(root, 'packages/api/src/main.ts'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'apps/console/src/app/config.json/route.ts'))).toBe(true);
  });

  it('puts both API instances of the scale profile behind nginx', () => {
    const lb = service('lb');
    expect(lb.image).toMatch(/^nginx:1\.(2[89]|[3-9]\d)/); // `resolve` in upstreams needs >= 1.27.3
    const mount = lb.volumes.find((v) => v.target === '/etc/nginx/nginx.conf');
    expect(mount && path.relative(root, path.resolve(root, mount.source))).toBe('docker/nginx.conf');
    const apiServices = [...compose.services.values()].filter((s) => s.image === service('api').image && s.name !== 'migrate');
    const upstream = /upstream api \{([\s\S]*?)\}/.exec(read('docker/nginx.conf'))?.[1] ?? '';
    const servers = [...upstream.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(servers.sort()).toEqual(apiServices.map((s) => `${s.name}:4000`).sort());
  });
});

describe('Dockerfiles', () => {
  const dockerfiles = ['docker/api.Dockerfile', 'docker/console.Dockerfile'];

  it.each(dockerfiles)('%s copies every workspace manifest before installing', (file) => {
    const text = read(file);
    for (const manifest of workspaceManifests()) {
      expect(text, `${file} misses ${manifest}`).toMatch(new RegExp(`^COPY ${manifest} ${path.dirname(manifest)}/$`, 'm'));
    }
  });

  it.each(dockerfiles)('%s uses pnpm 12.21.0, the frozen lockfile, and a slim non-root final stage', (file) => {
    const text = read(file);
    expect(text).toContain('npm install --global pnpm@12.21.0');
    expect(text).not.toMatch(/^RUN .*corepack/im);
    expect(text).toMatch(/pnpm install --frozen-lockfile/);
    expect(text).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    const finalStage = text.slice(text.lastIndexOf('\nFROM '));
    expect(finalStage).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/m);
    expect(finalStage).toMatch(/^USER node$/m);
    expect(finalStage).toMatch(/^HEALTHCHECK /m);
    expect(finalStage).not.toMatch(/pnpm install/); // dependencies come from an earlier stage
  });

  it('generates the Prisma client without the schema engine and installs only production dependencies', () => {
    const text = read('docker/api.Dockerfile');
    expect(text).toContain('PRISMA_SCHEMA_ENGINE_BINARY=/bin/false');
    expect(text).toMatch(/pnpm install --frozen-lockfile --prod .*--filter "@coupons\/api\.\.\."/);
    // tsx is pinned to the lockfile's version (a root devDependency, absent from --prod installs).
    const lockTsx = /^ {6}tsx:\n {8}specifier: ([\d.]+)/m.exec(read('pnpm-lock.yaml'))?.[1];
    expect(lockTsx).toBeDefined();
    expect(text).toContain(`npm install --global tsx@${lockTsx}`);
  });

  it('keeps secrets, dependencies and build output out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    for (const entry of ['.git', '**/node_modules', '**/.next', '.env', '.env.*', '.data', 'packages/db/src/generated']) {
      expect(ignored, entry).toContain(entry);
    }
  });
});

describe('docker/nginx.conf', () => {
  const conf = read('docker/nginx.conf');

  it('upgrades WebSockets on /graphql with long timeouts, with every header at server level', () => {
    const server = /server \{([\s\S]*)\n {2}\}/.exec(conf)?.[1] ?? '';
    const graphql = /location \/graphql \{([\s\S]*?)\}/.exec(server)?.[1] ?? '';
    expect(server).toMatch(/proxy_http_version 1\.1;/);
    expect(server).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(server).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    // nginx drops inherited proxy_set_header in a location that sets its own.
    for (const location of server.matchAll(/location [^{]+\{([\s\S]*?)\}/g)) {
      expect(location[1]).not.toMatch(/proxy_set_header/);
    }
    expect(graphql).toMatch(/proxy_pass http:\/\/api;/);
    const timeout = /proxy_read_timeout (\d+)([smh]);/.exec(graphql);
    expect(timeout).not.toBeNull();
    const seconds = Number(timeout![1]) * { s: 1, m: 60, h: 3600 }[timeout![2] as 's' | 'm' | 'h'];
    expect(seconds).toBeGreaterThanOrEqual(3600);
  });

  it('does not expose /metrics through the balancer', () => {
    expect(conf).toMatch(/location = \/metrics \{\s*return 404;\s*\}/);
  });
});
