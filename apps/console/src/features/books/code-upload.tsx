'use client';

import { type FormEvent, useRef, useState } from 'react';
import { Button } from '@/components/controls/button';
import { type Column, DataTable } from '@/components/data-table/data-table';
import { Field } from '@/components/forms/field';
import { useToast } from '@/components/toast/toast-provider';
import { graphql } from '@/gql';
import type { UploadReportFieldsFragment as UploadResult } from '@/gql/graphql';
import { formatCount } from '@/lib/format/format';
import styles from './code-jobs.module.css';
import { useRefreshBookCodes, useUploadCodes } from './use-code-jobs';

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
/** Larger files are better generated or uploaded through the API in chunks. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Upload codes from a CSV file (one code per line, or a `code` column) and report every line that was not inserted. */
export function CodeUpload({ bookId }: { bookId: string }) {
  const toast = useToast();
  const { uploadCodes, loading } = useUploadCodes(bookId);
  const refreshCodes = useRefreshBookCodes();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [report, setReport] = useState<UploadResult | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) {
      setFileError('Choose a CSV file first.');
      inputRef.current?.focus();
      return;
    }
    if (file.size > MAX_FILE_BYTES) {
      setFileError('This file is larger than 20 MB; generate the codes instead or split the file.');
      return;
    }
    setReport(null);
    try {
      const csv = await file.text();
      const uploaded = await uploadCodes(csv);
      if (!uploaded) return;
      setReport(uploaded);
      // The file is done: the next click asks for a new one instead of sending this one again.
      setFile(null);
      if (inputRef.current) inputRef.current.value = '';
      if (uploaded.inserted === 0) toast.info(`No new code was added from ${file.name}; see the report below.`, 'Nothing added');
      else toast.success(`${formatCount(uploaded.inserted)} codes added from ${file.name}.`, 'Upload finished');
    } catch (failure) {
      toast.error(failure, 'Upload failed');
      return;
    }
    // A failed refresh is the table's own error to show, not the upload's.
    refreshCodes();
  }

  return (
    <section className="card" aria-labelledby="upload-title">
      <h2 id="upload-title">Upload codes</h2>
      <form onSubmit={submit} className="form form--inline" noValidate>
        <Field id="upload-file" label="CSV file" hint="One code per line, or a column named “code”." error={fileError}>
          {(c) => (
            <input
              {...c}
              ref={inputRef}
              type="file"
              accept=".csv,.txt,text/csv,text/plain"
              onChange={(e) => {
                setFile(e.target.files?.[0] ?? null);
                setFileError(null);
              }}
            />
          )}
        </Field>
        <Button variant="primary" type="submit" disabled={loading}>
          {loading ? 'Uploading…' : 'Upload'}
        </Button>
      </form>
      {report ? <UploadReport report={report} /> : null}
    </section>
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

function UploadReport({ report }: { report: UploadResult }) {
  const problems: ReportLine[] = [
    ...report.duplicates.map((d) => ({ ...d, kind: 'Duplicate' as const })),
    ...report.invalid.map((d) => ({ ...d, kind: 'Invalid' as const })),
  ].sort((a, b) => a.line - b.line);
  return (
    <div className={styles.report} role="status" aria-label="Upload report">
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
          {report.duplicateCount + report.invalidCount > MAX_REPORT_ROWS ? (
            <p className="muted">…and {formatCount(report.duplicateCount + report.invalidCount - Math.min(problems.length, MAX_REPORT_ROWS))} more.</p>
          ) : null}
        </details>
      ) : null}
    </div>
  );
}
