import { createRequire } from 'node:module';
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

/** `LOG_FORMAT`: JSON lines (production, log platforms) or readable lines (development). */
export type LogFormat = 'json' | 'pretty';

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** `LOG_LEVEL` from the configuration. */
  level?: LoggerOptions['level'];
  /** `LOG_FORMAT` from the configuration; `json` when omitted. */
  format?: LogFormat;
  /** Names the process in every line (`api`, `migrate` …). */
  name?: string;
  /** Where lines go; stdout when omitted. Tests pass a stream to read what was written. */
  destination?: DestinationStream;
  /** Fields added to every line (e.g. `{ instance: hostname }`). */
  base?: Record<string, unknown>;
}

/**
 * The one logger factory of the API and its tools. JSON by default: one line per event on stdout
 * (what container platforms collect), ISO timestamps, errors serialized with their stack, and
 * secrets redacted twice over — by {@link REDACT_PATHS} and by {@link scrubSecrets} for anything
 * nested deeper. With `format: 'pretty'` the same lines, redacted the same way, are printed
 * readably (see {@link prettyDestination}).
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
  if (options.format === 'pretty') return pino(loggerOptions, prettyDestination(options.destination));
  return options.destination ? pino(loggerOptions, options.destination) : pino(loggerOptions);
}

/** An access-log line of `requestLogging` (request-id.ts). */
interface AccessLine {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  operation?: string;
}

const isAccessLine = (log: Record<string, unknown>): log is Record<string, unknown> & AccessLine =>
  typeof log.method === 'string' && typeof log.status === 'number' && typeof log.durationMs === 'number';

/**
 * Development output through pino-pretty (a development dependency, loaded only when asked for):
 * a request is one line, `HH:MM:ss.l INFO: POST /graphql Login 200 12.3 ms`; any other event is
 * its message with its fields on the same line, and an error's stack below it. pino has
 * serialized and redacted each line before it gets here, so pretty output hides no less.
 * Without pino-pretty installed (a production image), the lines stay JSON.
 */
export function prettyDestination(
  destination: DestinationStream = process.stdout,
  options: { colorize?: boolean } = {},
): DestinationStream {
  let prettyFactory: (options: Record<string, unknown>) => (log: Record<string, unknown>) => string;
  try {
    ({ prettyFactory } = createRequire(import.meta.url)('pino-pretty'));
  } catch {
    destination.write(`${JSON.stringify({ level: 'warn', msg: 'LOG_FORMAT=pretty needs pino-pretty (a dev dependency): logging JSON' })}\n`);
    return destination;
  }
  // Colours by default where the terminal shows them (pino-pretty asks colorette: TTY, FORCE_COLOR, NO_COLOR).
  const common = { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name', ...(options.colorize === undefined ? {} : { colorize: options.colorize }) };
  const request = prettyFactory({
    ...common,
    hideObject: true,
    messageFormat: (log: AccessLine, _key: string, _label: string, { colors }: { colors: Record<string, (s: string) => string> }) => {
      const status = log.status >= 500 ? colors.red : log.status >= 400 ? colors.yellow : colors.green;
      const operation = log.operation ? ` ${colors.cyan(log.operation)}` : '';
      return `${log.method} ${log.path}${operation} ${status(String(log.status))} ${colors.gray(`${log.durationMs} ms`)}`;
    },
  });
  const other = prettyFactory({ ...common, singleLine: true });
  return {
    write(line: string) {
      let log: Record<string, unknown>;
      try {
        log = JSON.parse(line);
      } catch {
        destination.write(line);
        return;
      }
      destination.write(isAccessLine(log) ? request(log) : other(log));
    },
  };
}

function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return scrubSecrets(error);
  return scrubSecrets({ ...pino.stdSerializers.err(error) });
}

export type { Logger } from 'pino';
