export * from './code.format.ts';
export * from './code.random.ts';
export * from './check-character.ts';
export * from './code-job.events.ts';
export { getCodeJob } from './code-job.repository.ts';
export * from './code.generate.input.ts';
export { generateCodes, resumeCodeJob, waitForRunningCodeJobs, type GenerateCodesResult } from './code.generate.ts';
export { type CodeJobRunOptions, DEFAULT_HEARTBEAT_INTERVAL_MS } from './code-job.heartbeat.ts';
export {
  type CodeJobReaperOptions,
  MAX_AUTOMATIC_RUNS,
  type ReapedCodeJob,
  reapStaleCodeJobs,
  startCodeJobReaper,
} from './code-job.reaper.ts';
export { GENERATE_CHUNK_SIZE, GENERATE_CONCURRENCY } from './code.generate.chunks.ts';
export * from './code.upload.parse.ts';
export * from './code.upload.service.ts';
export { cancelCodeJob } from './code-job.cancel.ts';
export { IMPORT_CHUNK_SIZE, type ImportCodesOptions, type ImportRun, importCodes } from './code.import.ts';
export { IMPORT_MAX_LINES, IMPORT_MAX_RECORD_BYTES } from './code.import.stream.ts';
export { getImportReport, type ImportReport, importIssuePages } from './code.import.report.ts';
export * from './code.export.ts';
export * from './csv.format.ts';
