import type { Config } from '@coupons/config';
import type { Logger } from 'pino';
import { createLogger as createObservabilityLogger } from '../observability/index.ts';

/**
 * The process logger at `LOG_LEVEL`: JSON lines with secrets redacted at any depth (see
 * observability/logger.ts).
 */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return createObservabilityLogger({ level: config.LOG_LEVEL });
}
