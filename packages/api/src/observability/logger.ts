import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** The censor written in place of every redacted value. */
export const REDACTED = '[Redacted]';

/**
 * Paths pino redacts by position (fast, compiled once). They cover where secrets sit in the
 * objects the server logs: HTTP requests and responses, GraphQL variables, graphql-ws
 * `connectionParams`, and any object one level down. Deeper nesting (`variables.input.password`)
 * is caught by {@link scrubSecrets}, which runs on every log object before these paths apply.
 */
export const REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-metrics-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'connectionParams.authorization',
  'variables.password',
  'variables.*.password',
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
];

// Key names whose values are secrets wherever they appear (case-insensitive, any depth).
const SECRET_KEY =
  /^(password|new_?password|current_?password|password_?hash|token|access_?token|refresh_?token|id_?token|authorization|cookie|set-cookie|secret|jwt_?secret|metrics_?token|api_?key|x-api-key|x-metrics-token)$/i;
// Values that carry a credential whatever their key: `Bearer …`, and URLs with a password
// (`postgresql://user:secret@host/db`, e.g. a DATABASE_URL logged by mistake).
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@/?#\s]*@/gi;
const MAX_DEPTH = 8;

/**
 * Returns a copy of `value` with secrets replaced by {@link REDACTED}: values under secret-looking
 * keys at any depth, `Bearer` credentials and URL passwords inside strings. Plain objects and
 * arrays are copied, never mutated (the caller may still use them); other objects (errors,
 * dates, buffers) are left to pino's serializers.
 */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[Truncated]';
  if (Array.isArray(value)) return value.map((item) => scrubSecrets(item, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SECRET_KEY.test(key) && item !== undefined && item !== null ? REDACTED : scrubSecrets(item, depth + 1);
  }
  return copy;
}

function scrubString(text: string): string {
  if (!text.includes('://') && !/Bearer|Basic/.test(text)) return text; // the common case, cheaply
  return text.replace(BEARER, `$1 ${REDACTED}`).replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** `LOG_LEVEL` from the configuration. */
  level?: LoggerOptions['level'];
  /** Names the process in every line (`api`, `migrate` …). */
  name?: string;
  /** Where lines go; stdout when omitted. Tests pass a stream to read what was written. */
  destination?: DestinationStream;
  /** Fields added to every line (e.g. `{ instance: hostname }`). */
  base?: Record<string, unknown>;
}

/**
 * The process's JSON logger: one line per event on stdout (what container platforms collect),
 * ISO timestamps, errors serialized with their stack, and secrets redacted twice over — by
 * {@link REDACT_PATHS} and by {@link scrubSecrets} for anything nested deeper.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const loggerOptions: LoggerOptions = {
    level: options.level ?? 'info',
    name: options.name ?? 'coupon-api',
    base: { pid: process.pid, ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    // An error's message and stack can quote a header or a URL: scrub them too. The spread makes
    // the serialized error a plain object, which is what scrubSecrets walks.
    serializers: { err: serializeError, error: serializeError },
    hooks: {
      // Messages are strings pino writes as given: scrub them (and the `%s` arguments) here. An
      // error logged alone would have its raw message copied into `msg`, so give it a scrubbed one.
      logMethod(args, method) {
        const scrubbed: unknown[] = args.map((arg) => (typeof arg === 'string' ? scrubString(arg) : arg));
        if (scrubbed[0] instanceof Error && typeof scrubbed[1] !== 'string') {
          scrubbed.splice(1, 0, scrubString(scrubbed[0].message));
        }
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
    formatters: {
      // Level as a word ("info"), which log platforms index without a lookup table.
      level: (label) => ({ level: label }),
      log: (object) => scrubSecrets(object) as Record<string, unknown>,
      bindings: (bindings) => scrubSecrets(bindings) as Record<string, unknown>,
    },
  };
  return options.destination ? pino(loggerOptions, options.destination) : pino(loggerOptions);
}

function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return scrubSecrets(error);
  return scrubSecrets({ ...pino.stdSerializers.err(error) });
}

export type { Logger } from 'pino';
