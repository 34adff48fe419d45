'use client';

import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Button } from '@/components/controls/button';
import { type Column, DataTable } from '@/components/data-table/data-table';
import { ProgressBar } from '@/components/feedback/progress-bar';
import { Field } from '@/components/forms/field';
import { useConsoleConfig } from '@/components/providers/app-providers';
import { useToast } from '@/components/toast/toast-provider';
import { graphql } from '@/gql';
import type { UploadReportFieldsFragment } from '@/gql/graphql';
import { useSession } from '@/lib/auth/session-context';
import { downloadCsv } from '@/lib/download/download-csv';
import { formatCount } from '@/lib/format/format';
import styles from './code-jobs.module.css';
import { type FileImport, formatBytes, ImportRequestError, importFile, pastedCodes } from './import-file';
import { uploadOutcome } from './upload-outcome';
import { useCancelCodeJob, useCodeJobProgress, useRefreshBookCodes, useUploadCodeList } from './use-code-jobs';

/** What the upload report shows: counts, and the lines that were not inserted. */
export const UploadReportFields = graphql(`
  fragment UploadReportFields on UploadCodesResult {
    inserted
    duplicateCount
    invalidCount
    duplicates {
      line
      code
      reason
    }
    invalid {
      line
      code
      reason
    }
  }
`);

/** A report from the paste box (GraphQL) or from a file import (REST, with its full CSV). */
type UploadResult = UploadReportFieldsFragment & { reportCsv?: string | null; jobId?: string | null };

const MAX_REPORT_ROWS = 50;

/** The API's line reasons, in words. */
const REASONS: Record<string, string> = {
  EMPTY: 'empty line',
  TOO_SHORT: 'too short',
  TOO_LONG: 'too long',
  INVALID_CHARACTERS: 'characters other than A–Z, 0–9, - and _',
  DUPLICATE_IN_FILE: 'repeated in this file',
  ALREADY_EXISTS: 'the code already exists',
};

/** Where a file import is: bytes leaving the browser, then the job merging them. */
type Phase = { kind: 'idle' } | { kind: 'sending'; sent: number; total: number } | { kind: 'merging'; jobId: string; total: number };

/**
 * Add codes to a book: a CSV file of any size (streamed to `POST /import/books/:id/codes` with
 * upload progress and cancel, then the import job's progress), or codes pasted into a box (the
 * `uploadCodes` list mutation). Either way the report says what happened to every line.
 */
export function CodeUpload({ bookId }: { bookId: string }) {
  const toast = useToast();
  const config = useConsoleConfig();
  const { session } = useSession();
  const refreshCodes = useRefreshBookCodes();
  const { uploadCodeList, loading: pasting } = useUploadCodeList(bookId);
  const [file, setFile] = useState<File | null>(null);
  const [pasted, setPasted] = useState('');
  const [fileError, setFileError] = useState<string | null>(null);
  const [pasteError, setPasteError] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [report, setReport] = useState<UploadResult | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const upload = useRef<FileImport | null>(null);

  function finished(result: UploadResult, source: string) {
    setReport(result);
    const outcome = uploadOutcome(result);
    if (outcome === 'nothing') toast.info(`No new code was added from ${source}; see the report below.`, 'Nothing added');
    else if (outcome === 'partial') toast.info(`${formatCount(result.inserted)} codes added from ${source}; some lines were not. See the report below.`, 'Upload finished');
    else toast.success(`${formatCount(result.inserted)} codes added from ${source}.`, 'Upload finished');
    // A failed refresh is the table's own error to show, not the upload's.
    refreshCodes();
  }

  function resetFile() {
    setFile(null);
    if (inputRef.current) inputRef.current.value = '';
  }

  async function submitFile(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) {
      setFileError('Choose a CSV file first.');
      inputRef.current?.focus();
      return;
    }
    if (!session) return;
    setReport(null);
    const url = `${config.apiBaseUrl}/import/books/${encodeURIComponent(bookId)}/codes?wait=false`;
    const started = importFile(url, session.token, file, (sent, total) => setPhase({ kind: 'sending', sent, total }));
    upload.current = started;
    setPhase({ kind: 'sending', sent: 0, total: file.size });
    try {
      const staged = await started.done;
      setPhase({ kind: 'merging', jobId: staged.jobId, total: staged.total });
    } catch (failure) {
      setPhase({ kind: 'idle' });
      if (failure instanceof ImportRequestError && failure.code === 'CANCELLED') toast.info('The upload was cancelled; nothing was added.', 'Upload cancelled');
      else toast.error(failure, 'Upload failed');
    } finally {
      upload.current = null;
    }
  }

  async function submitPaste(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const codes = pastedCodes(pasted);
    if (codes.length === 0) {
      setPasteError('Paste at least one code.');
      return;
    }
    setReport(null);
    try {
      const result = await uploadCodeList(codes);
      if (!result) return;
      setPasted('');
      finished(result, 'the pasted list');
    } catch (failure) {
      toast.error(failure, 'Upload failed');
    }
  }

  const busy = phase.kind !== 'idle';
  return (
    <section className="card" aria-labelledby="upload-title">
      <h2 id="upload-title">Upload codes</h2>
      <div className={styles.uploadSources}>
        <form onSubmit={submitFile} className="form" noValidate aria-label="From a file">
          <Field id="upload-file" label="CSV file" hint="One code per line, or a column named “code”. Any size." error={fileError}>
            {(c) => (
              <input
                {...c}
                ref={inputRef}
                type="file"
                accept=".csv,.txt,text/csv,text/plain"
                disabled={busy}
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  setFileError(null);
                }}
              />
            )}
          </Field>
          <Button variant="primary" type="submit" disabled={busy}>
            {busy ? 'Uploading…' : 'Upload'}
          </Button>
        </form>
        <form onSubmit={submitPaste} className="form" noValidate aria-label="From a pasted list">
          <Field id="upload-paste" label="Or paste codes" hint="One per line (commas and semicolons also separate)." error={pasteError}>
            {(c) => (
              <textarea
                {...c}
                className="mono"
                rows={4}
                value={pasted}
                disabled={pasting}
                onChange={(e) => {
                  setPasted(e.target.value);
                  setPasteError(null);
                }}
              />
            )}
          </Field>
          <Button type="submit" disabled={pasting}>
            {pasting ? 'Adding…' : 'Add pasted codes'}
          </Button>
        </form>
      </div>
      {phase.kind === 'sending' ? (
        <div data-upload-phase="sending">
          <ProgressBar
            label="File upload progress"
            value={phase.sent}
            max={phase.total}
            valueText={`${formatBytes(phase.sent)} of ${formatBytes(phase.total)} sent`}
          />
          <Button onClick={() => upload.current?.abort()}>Cancel upload</Button>
        </div>
      ) : null}
      {phase.kind === 'merging' ? (
        <ImportJobProgress
          key={phase.jobId}
          jobId={phase.jobId}
          total={phase.total}
          onEnded={(result) => {
            setPhase({ kind: 'idle' });
            const name = file?.name ?? 'the file';
            resetFile();
            if (result) finished(result, name);
          }}
        />
      ) : null}
      {report ? <UploadReport report={report} /> : null}
    </section>
  );
}

/**
 * The import job after the file is in: its progress from `codeJob`, a cancel, and at the end its
 * report (read from `GET /import/jobs/:id/report`); null when it did not complete.
 */
function ImportJobProgress({ jobId, total, onEnded }: { jobId: string; total: number; onEnded(result: UploadResult | null): void }) {
  const toast = useToast();
  const config = useConsoleConfig();
  const { session } = useSession();
  const { progress, error } = useCodeJobProgress(jobId, false);
  const { cancelCodeJob, loading: cancelling } = useCancelCodeJob();
  const status = progress?.status ?? 'RUNNING';
  const lines = progress?.total || total;
  const ended = useRef(false);

  useEffect(() => {
    if (status === 'RUNNING' || ended.current || !session) return;
    ended.current = true;
    if (status !== 'COMPLETED') {
      if (status === 'CANCELLED') toast.info('The import was cancelled; nothing was added.', 'Import cancelled');
      else toast.error(new Error(progress?.error ?? 'The import failed; nothing was added.'), 'Import failed');
      onEnded(null);
      return;
    }
    fetch(`${config.apiBaseUrl}/import/jobs/${encodeURIComponent(jobId)}/report`, { headers: { authorization: `Bearer ${session.token}` } })
      .then(async (response) => {
        if (!response.ok) throw new Error(`Could not read the report (HTTP ${response.status})`);
        onEnded((await response.json()) as UploadResult);
      })
      .catch((failure: unknown) => {
        toast.error(failure, 'Import finished, but its report could not be read');
        onEnded(null);
      });
  }, [status, session, config.apiBaseUrl, jobId, onEnded, progress?.error, toast]);

  return (
    <div data-upload-phase="merging" data-job-status={status}>
      <ProgressBar
        label="Import progress"
        value={progress?.processed ?? 0}
        max={lines}
        valueText={`${formatCount(progress?.processed ?? 0)} of ${formatCount(lines)} lines checked and merged`}
      />
      <p className={styles.jobStatus} role="status">
        {status === 'RUNNING' ? 'Importing… nothing is added until the whole file has gone in.' : null}
        {error && status === 'RUNNING' ? ' Lost contact with the job; it continues on the server.' : null}
      </p>
      {status === 'RUNNING' ? (
        <Button
          disabled={cancelling}
          onClick={() => {
            cancelCodeJob(jobId).catch((failure: unknown) => toast.error(failure, 'Could not cancel the import'));
          }}
        >
          {cancelling ? 'Cancelling…' : 'Cancel import'}
        </Button>
      ) : null}
    </div>
  );
}

interface ReportLine {
  kind: 'Duplicate' | 'Invalid';
  line: number;
  code: string;
  reason: string;
}

const REPORT_COLUMNS: Column<ReportLine>[] = [
  { key: 'line', header: 'Line', numeric: true, cell: (p) => p.line, sortValue: (p) => p.line },
  { key: 'code', header: 'Code', variant: 'mono', cell: (p) => p.code || <span className="muted">(empty)</span>, sortValue: (p) => p.code },
  { key: 'problem', header: 'Problem', cell: (p) => `${p.kind}: ${REASONS[p.reason] ?? p.reason}`, sortValue: (p) => `${p.kind} ${p.reason}` },
];

const OUTCOME_TITLES = { success: 'All lines added', partial: 'Some lines were not added', nothing: 'Nothing was added' } as const;

function UploadReport({ report }: { report: UploadResult }) {
  const config = useConsoleConfig();
  const { session } = useSession();
  const toast = useToast();
  const outcome = uploadOutcome(report);
  const problems: ReportLine[] = [
    ...report.duplicates.map((d) => ({ ...d, kind: 'Duplicate' as const })),
    ...report.invalid.map((d) => ({ ...d, kind: 'Invalid' as const })),
  ].sort((a, b) => a.line - b.line);
  const notInserted = report.duplicateCount + report.invalidCount;
  return (
    <div className={styles.report} data-outcome={outcome} role="status" aria-label="Upload report">
      <p className={styles.reportTitle}>{OUTCOME_TITLES[outcome]}</p>
      <ul className={styles.reportSummary}>
        <li>
          <strong data-testid="upload-inserted">{formatCount(report.inserted)}</strong> inserted
        </li>
        <li>
          <strong data-testid="upload-duplicates">{formatCount(report.duplicateCount)}</strong> duplicate
        </li>
        <li>
          <strong data-testid="upload-invalid">{formatCount(report.invalidCount)}</strong> invalid
        </li>
      </ul>
      {problems.length > 0 ? (
        <details open={problems.length <= 10}>
          <summary>Lines not inserted</summary>
          <DataTable
            caption="Lines of the file that were not inserted"
            compact
            columns={REPORT_COLUMNS}
            rows={problems.slice(0, MAX_REPORT_ROWS)}
            rowKey={(p) => `${p.kind}-${p.line}-${p.code}`}
          />
          {notInserted > MAX_REPORT_ROWS ? <p className="muted">…and {formatCount(notInserted - Math.min(problems.length, MAX_REPORT_ROWS))} more.</p> : null}
        </details>
      ) : null}
      {report.reportCsv && notInserted > 0 && session ? (
        <Button
          onClick={() => {
            downloadCsv(`${config.apiBaseUrl}${report.reportCsv}`, session.token, 'import-report.csv').catch((failure: unknown) => toast.error(failure, 'Download failed'));
          }}
        >
          Download the full report (CSV)
        </Button>
      ) : null}
    </div>
  );
}
