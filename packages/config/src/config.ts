import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
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
  DB_POOL_SIZE: positiveInt.default(20),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_ISSUER: z.string().min(1).default('coupon-book-service'),
  JWT_AUDIENCE: z.string().min(1).default('coupon-book-api'),
  JWT_TTL_SECONDS: positiveInt.default(3600),
  API_HOST: z.string().min(1).default('0.0.0.0'),
  API_PORT: port.default(4000),
  CONSOLE_PORT: port.default(3000),
  /** Public URL of the API as the console's browser sees it. */
  PUBLIC_API_URL: z.url().optional(),
  CORS_ORIGINS: z.string().default('http://localhost:3000,http://127.0.0.1:3000'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `json` (one object per line, what log platforms collect) or `pretty` (readable, for development). */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  DATA_DIR: z.string().min(1).default(defaultDataDir),
  LOCK_SWEEP_INTERVAL_MS: positiveInt.default(250),
  /** How long an idempotency key is remembered: a retry within it replays the first answer. */
  IDEMPOTENCY_TTL_HOURS: positiveInt.default(24),
  /** How often a running code job renews its heartbeat (besides with every chunk). */
  CODE_JOB_HEARTBEAT_INTERVAL_MS: positiveInt.default(5_000),
  /** A RUNNING code job without a heartbeat for this long is taken over by another process's reaper. */
  CODE_JOB_STALE_AFTER_MS: positiveInt.default(30_000),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOGIN_RATE_LIMIT: positiveInt.default(10),
  LOGIN_RATE_WINDOW_SECONDS: positiveInt.default(60),
  MUTATION_RATE_LIMIT: positiveInt.default(600),
  /** Per client address; unset = MUTATION_RATE_LIMIT. Raise it for servers calling for many users. */
  MUTATION_IP_RATE_LIMIT: positiveInt.optional(),
  MUTATION_RATE_WINDOW_SECONDS: positiveInt.default(60),
  MAX_QUERY_DEPTH: positiveInt.default(10),
  MAX_QUERY_COST: positiveInt.default(5000),
  GRAPHQL_INTROSPECTION: bool.optional(),
});

export type Config = Omit<z.infer<typeof envSchema>, 'JWT_SECRET' | 'GRAPHQL_INTROSPECTION' | 'LOG_FORMAT'> & {
  JWT_SECRET: string;
  /** Where the JWT secret came from: the environment, or the dev data folder. */
  jwtSecretSource: 'env' | 'generated';
  GRAPHQL_INTROSPECTION: boolean;
  /** `pretty` by default only when NODE_ENV=development; production logs are always JSON. */
  LOG_FORMAT: 'json' | 'pretty';
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
  const jwtSecret = values.JWT_SECRET ?? devSecret(values.DATA_DIR);
  return {
    ...values,
    JWT_SECRET: jwtSecret,
    jwtSecretSource: values.JWT_SECRET ? 'env' : 'generated',
    GRAPHQL_INTROSPECTION: values.GRAPHQL_INTROSPECTION ?? !isProduction,
    LOG_FORMAT: values.LOG_FORMAT ?? (values.NODE_ENV === 'development' ? 'pretty' : 'json'),
    isProduction,
  };
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
