import type { Config } from '@coupons/config';
import { pino, type Logger } from 'pino';

/** The process logger: JSON lines at `LOG_LEVEL`, with credentials redacted. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    redact: ['req.headers.authorization', 'authorization', 'password', '*.password', 'token'],
  });
}
