import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { defaultDataDir } from './paths.ts';

/** Thrown at start-up when the environment is missing or malformed; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The default of `SESSION_RECHECK_INTERVAL_MS` (tests bound how long a revoked socket stays open by it). */
export const DEFAULT_SESSION_RECHECK_INTERVAL_MS = 2_000;

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Direct (non-PgBouncer) connection for LISTEN; defaults to DATABASE_URL. */
  DATABASE_LISTEN_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /**
   * A streaming replica (hot standby) of DATABASE_URL: admin lists, searches, dashboards and CSV
   * exports read there (docs/SCALING.md); unset, every query goes to DATABASE_URL.
   */
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /**
   * How far behind the primary the replica may be and still serve reads (ms): past it (replay
   * stalled or slow) those reads go to the primary until it catches up. 0: no bound.
   */
  DATABASE_READ_MAX_LAG_MS: z.coerce.number().int().min(0).default(5_000),
  /**
   * false behind a transaction-mode PgBouncer older than 1.21 (Debian 12 ships 1.18), or one
   * without `max_prepared_statements`: the few named prepared statements run unnamed. Left
   * true there, the database turns them off at the first lost statement (see createDatabase).
   */
  DATABASE_NAMED_STATEMENTS: bool.default(true),
  DB_POOL_SIZE: positiveInt.default(20),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_ISSUER: z.string().min(1).default('coupon-book-service'),
  JWT_AUDIENCE: z.string().min(1).default('coupon-book-api'),
  JWT_TTL_SECONDS: positiveInt.default(3600),
  /** How long a console session lasts without use: the refresh token's lifetime (rotated on each use). */
  REFRESH_TOKEN_TTL_DAYS: positiveInt.default(14),
  /**
   * ISO 4217 currency given to FIXED_AMOUNT books that existed before books had a currency (the
   * migration reads it); new books name their own.
   */
  DEFAULT_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD or EUR').default('USD'),
  API_HOST: z.string().min(1).default('0.0.0.0'),
  API_PORT: port.default(4000),
  CONSOLE_PORT: port.default(3000),
  /** Public URL of the API as the console's browser sees it. */
  PUBLIC_API_URL: z.url().optional(),
  /** Browser origins allowed to call the API; by default the console's address at CONSOLE_PORT. */
  CORS_ORIGINS: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `json` (one object per line, what log platforms collect) or `pretty` (readable, for development). */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  DATA_DIR: z.string().min(1).default(defaultDataDir),
  LOCK_SWEEP_INTERVAL_MS: positiveInt.default(250),
  /**
   * How often each process re-reads the users (and API keys) behind its open WebSockets: a revoked,
   * erased or demoted session's subscriptions end within this long (at once on the process that revoked).
   */
  SESSION_RECHECK_INTERVAL_MS: positiveInt.default(DEFAULT_SESSION_RECHECK_INTERVAL_MS),
  /** How long an idempotency key is remembered: a retry within it replays the first answer. */
  IDEMPOTENCY_TTL_HOURS: positiveInt.default(24),
  /** How often a running code job renews its heartbeat (besides with every chunk). */
  CODE_JOB_HEARTBEAT_INTERVAL_MS: positiveInt.default(5_000),
  /** A RUNNING code job without a heartbeat for this long is taken over by another process's reaper. */
  CODE_JOB_STALE_AFTER_MS: positiveInt.default(30_000),
  /**
   * A request body that stops arriving for this long (the client sends nothing more while the API
   * waits for it) is answered 408 and its connection closed; a streamed import the API itself
   * holds back is never cut. The whole request may take up to an hour.
   */
  REQUEST_BODY_IDLE_TIMEOUT_MS: positiveInt.default(60_000),
  /** CSV exports (codes and redemptions) one API process streams at once; past it an export is RATE_LIMITED (HTTP 429). */
  EXPORT_MAX_CONCURRENT: positiveInt.default(4),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Proxies whose `X-Forwarded-For` is believed: `loopback`, `linklocal`, `uniquelocal`, addresses
   * and CIDRs, comma-separated, or a hop count. Unset: none, the socket peer is the client.
   */
  TRUSTED_PROXIES: z.string().optional(),
  /** Sign-in attempts per (email, client address) per window; also registrations per address. */
  LOGIN_RATE_LIMIT: positiveInt.default(10),
  /** Sign-in attempts per client address across emails; unset = 3 × LOGIN_RATE_LIMIT. */
  LOGIN_IP_RATE_LIMIT: positiveInt.optional(),
  /** Failed sign-ins per email across addresses; unset = 5 × LOGIN_RATE_LIMIT. */
  LOGIN_EMAIL_RATE_LIMIT: positiveInt.optional(),
  LOGIN_RATE_WINDOW_SECONDS: positiveInt.default(60),
  /** `closed`: `register` answers FORBIDDEN (customers are created by the shop's backend). */
  REGISTRATION: z.enum(['open', 'closed']).default('open'),
  /** Registrations per window from all addresses together; unset = 30 × LOGIN_RATE_LIMIT. */
  REGISTER_GLOBAL_RATE_LIMIT: positiveInt.optional(),
  /** Failed by-code claims (`assignCoupon(code)`) per shopper per window. */
  CODE_GUESS_RATE_LIMIT: positiveInt.default(20),
  /** Failed by-code claims per client address per window; unset = 5 × CODE_GUESS_RATE_LIMIT. */
  CODE_GUESS_IP_RATE_LIMIT: positiveInt.optional(),
  CODE_GUESS_WINDOW_SECONDS: positiveInt.default(3600),
  MUTATION_RATE_LIMIT: positiveInt.default(600),
  /** Per client address; unset = MUTATION_RATE_LIMIT. Raise it for servers calling for many users. */
  MUTATION_IP_RATE_LIMIT: positiveInt.optional(),
  MUTATION_RATE_WINDOW_SECONDS: positiveInt.default(60),
  /** Mutations per API key per MUTATION_RATE_WINDOW_SECONDS (a shop backend acts for all its customers). */
  API_KEY_RATE_LIMIT: positiveInt.default(6000),
  MAX_QUERY_DEPTH: positiveInt.default(10),
  MAX_QUERY_COST: positiveInt.default(5000),
  GRAPHQL_INTROSPECTION: bool.optional(),
  /** This process sends webhooks (every API process does by default; SKIP LOCKED shares the work). */
  WEBHOOK_DELIVERY: bool.default(true),
  /**
   * Hosts (names or addresses, comma-separated) a production webhook may call although they
   * resolve to a private or loopback address: internal receivers the operator trusts.
   */
  WEBHOOK_ALLOWED_HOSTS: z.string().default(''),
  WEBHOOK_TIMEOUT_MS: positiveInt.max(60_000).default(10_000),
  /** How long a process holds a delivery it is sending; past it (the process died) another sends it again. */
  WEBHOOK_LEASE_MS: positiveInt.default(60_000),
  WEBHOOK_MAX_ATTEMPTS: positiveInt.max(100).default(15),
  WEBHOOK_RETRY_BASE_MS: positiveInt.default(10_000),
  WEBHOOK_RETRY_MAX_DELAY_MS: positiveInt.default(6 * 3_600_000),
  WEBHOOK_CONCURRENCY_PER_ENDPOINT: positiveInt.max(100).default(4),
  /** An endpoint failing (no success) for this long is disabled, with the reason shown to admins. */
  WEBHOOK_DISABLE_AFTER_HOURS: positiveInt.default(72),
  WEBHOOK_POLL_INTERVAL_MS: positiveInt.default(1_000),
  WEBHOOK_RETENTION_DAYS: positiveInt.default(30),
});

/** Which proxies' `X-Forwarded-For` is believed: a number of hops, or named ranges, addresses and CIDRs. */
export type TrustedProxies = number | string[];

type Derived = 'CORS_ORIGINS' | 'WEBHOOK_ALLOWED_HOSTS' | 'JWT_SECRET' | 'GRAPHQL_INTROSPECTION' | 'LOG_FORMAT' | 'TRUSTED_PROXIES' | 'LOGIN_IP_RATE_LIMIT' | 'LOGIN_EMAIL_RATE_LIMIT' | 'REGISTER_GLOBAL_RATE_LIMIT' | 'CODE_GUESS_IP_RATE_LIMIT';

export type Config = Omit<z.infer<typeof envSchema>, Derived> & {
  /** Comma-separated; `http://localhost:<CONSOLE_PORT>,http://127.0.0.1:<CONSOLE_PORT>` unless set. */
  CORS_ORIGINS: string;
  JWT_SECRET: string;
  /** Where the JWT secret came from: the environment, or the dev data folder. */
  jwtSecretSource: 'env' | 'generated';
  GRAPHQL_INTROSPECTION: boolean;
  /** `pretty` by default only when NODE_ENV=development; production logs are always JSON. */
  LOG_FORMAT: 'json' | 'pretty';
  /** `[]` (the default) trusts no proxy: the socket peer is the client. */
  TRUSTED_PROXIES: TrustedProxies;
  LOGIN_IP_RATE_LIMIT: number;
  LOGIN_EMAIL_RATE_LIMIT: number;
  REGISTER_GLOBAL_RATE_LIMIT: number;
  CODE_GUESS_IP_RATE_LIMIT: number;
  /** Lower-case host names and addresses; `[]` by default. */
  WEBHOOK_ALLOWED_HOSTS: string[];
  isProduction: boolean;
};

/**
 * Reads and validates the environment once, at start-up. Nothing else reads `process.env`.
 * In development and test a missing `JWT_SECRET` is generated once and kept in the data folder;
 * in production it is an error.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const values = parsed.data;
  const isProduction = values.NODE_ENV === 'production';
  if (isProduction && !values.JWT_SECRET) {
    throw new ConfigError(['JWT_SECRET: required when NODE_ENV=production (at least 32 characters)']);
  }
  // Long but not secret (32 spaces, one letter repeated) is as guessable as short. Tests and
  // development may use such placeholders; production may not.
  if (isProduction && values.JWT_SECRET && (values.JWT_SECRET.trim().length < 32 || new Set(values.JWT_SECRET).size < 8)) {
    throw new ConfigError(['JWT_SECRET: must be a random secret of at least 32 characters (e.g. openssl rand -base64 48), not a repeated or blank one']);
  }
  if (isProduction && values.LOG_FORMAT === 'pretty') {
    throw new ConfigError(['LOG_FORMAT: production logs are JSON (pretty is for development); leave it unset or set json']);
  }
  if (isProduction && !values.DATABASE_URL) {
    throw new ConfigError(['DATABASE_URL: required when NODE_ENV=production']);
  }
  // A live job must not look dead between two beats: leave room for a late beat or two.
  if (values.CODE_JOB_STALE_AFTER_MS < 3 * values.CODE_JOB_HEARTBEAT_INTERVAL_MS) {
    throw new ConfigError([
      `CODE_JOB_STALE_AFTER_MS: must be at least 3 × CODE_JOB_HEARTBEAT_INTERVAL_MS (${3 * values.CODE_JOB_HEARTBEAT_INTERVAL_MS})`,
    ]);
  }
  // A sender must finish (or time out) well before its lease ends, or another process sends too.
  if (values.WEBHOOK_LEASE_MS < values.WEBHOOK_TIMEOUT_MS + 2_000) {
    throw new ConfigError([`WEBHOOK_LEASE_MS: must be at least WEBHOOK_TIMEOUT_MS + 2000 (${values.WEBHOOK_TIMEOUT_MS + 2_000})`]);
  }
  const trustedProxies = parseTrustedProxies(values.TRUSTED_PROXIES);
  if (typeof trustedProxies === 'string') throw new ConfigError([`TRUSTED_PROXIES: ${trustedProxies}`]);
  const jwtSecret = values.JWT_SECRET ?? devSecret(values.DATA_DIR);
  return {
    ...values,
    TRUSTED_PROXIES: trustedProxies,
    CORS_ORIGINS: values.CORS_ORIGINS ?? `http://localhost:${values.CONSOLE_PORT},http://127.0.0.1:${values.CONSOLE_PORT}`,
    LOGIN_IP_RATE_LIMIT: values.LOGIN_IP_RATE_LIMIT ?? 3 * values.LOGIN_RATE_LIMIT,
    LOGIN_EMAIL_RATE_LIMIT: values.LOGIN_EMAIL_RATE_LIMIT ?? 5 * values.LOGIN_RATE_LIMIT,
    REGISTER_GLOBAL_RATE_LIMIT: values.REGISTER_GLOBAL_RATE_LIMIT ?? 30 * values.LOGIN_RATE_LIMIT,
    CODE_GUESS_IP_RATE_LIMIT: values.CODE_GUESS_IP_RATE_LIMIT ?? 5 * values.CODE_GUESS_RATE_LIMIT,
    WEBHOOK_ALLOWED_HOSTS: values.WEBHOOK_ALLOWED_HOSTS.split(',')
      .map((host) => host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1'))
      .filter(Boolean),
    JWT_SECRET: jwtSecret,
    jwtSecretSource: values.JWT_SECRET ? 'env' : 'generated',
    GRAPHQL_INTROSPECTION: values.GRAPHQL_INTROSPECTION ?? !isProduction,
    LOG_FORMAT: values.LOG_FORMAT ?? (values.NODE_ENV === 'development' ? 'pretty' : 'json'),
    isProduction,
  };
}

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `TRUSTED_PROXIES` as proxy-addr takes it (the API compiles it once for Express and graphql-ws):
 * unset, `none` or `0` trusts nobody; a whole number trusts that many hops from the socket;
 * otherwise a comma-separated list of named ranges, addresses and CIDRs (`10.0.0.0/8`, `fd00::/8`).
 * Returns a message instead when an entry is none of these, so a typo fails at start-up.
 */
function parseTrustedProxies(setting: string | undefined): TrustedProxies | string {
  const value = setting?.trim() ?? '';
  if (value === '' || value === 'none') return [];
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    if (NAMED_RANGES.has(entry)) continue;
    const [address, prefix, ...rest] = entry.split('/');
    const version = isIP(address);
    const maxPrefix = version === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= maxPrefix);
    if (version === 0 || !prefixOk || rest.length > 0) {
      return `"${entry}" is not loopback, linklocal, uniquelocal, an IP address, a CIDR (10.0.0.0/8) or a hop count`;
    }
  }
  return entries;
}

function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

/** A random secret kept in the dev data folder, so tokens survive a restart of `pnpm dev`. */
function devSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    const secret = randomBytes(48).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}
