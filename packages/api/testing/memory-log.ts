import { Writable } from 'node:stream';
import { type CreateLoggerOptions, createLogger, type Logger } from '../src/observability/index.ts';

/** A stream that keeps everything written to it: hand it to a logger, then read what it wrote. */
export interface MemorySink {
  destination: Writable;
  /** Everything written so far. */
  text(): string;
  /** Its non-empty lines. */
  lines(): string[];
  /** Its lines parsed as JSON: one log record each. */
  records(): Array<Record<string, any>>;
}

export function memorySink(): MemorySink {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const text = () => chunks.join('');
  const lines = () => text().split('\n').filter(Boolean);
  return { destination, text, lines, records: () => lines().map((line) => JSON.parse(line) as Record<string, any>) };
}

/** The API's own logger (`createLogger`: redaction and all) at `level`, writing into a {@link MemorySink}. */
export function memoryLogger(level: CreateLoggerOptions['level'] = 'trace'): MemorySink & { logger: Logger } {
  const sink = memorySink();
  return { ...sink, logger: createLogger({ level, destination: sink.destination }) };
}
