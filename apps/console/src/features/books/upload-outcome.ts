/** What an upload did, for its colour and words: every line added, some, or none. */
export type UploadOutcome = 'success' | 'partial' | 'nothing';

/** `nothing` (0 inserted) is a warning, not a success; `partial` when some lines were not added. */
export function uploadOutcome(report: { inserted: number; duplicateCount: number; invalidCount: number }): UploadOutcome {
  if (report.inserted === 0) return 'nothing';
  return report.duplicateCount + report.invalidCount > 0 ? 'partial' : 'success';
}
