'use client';

import { useRef, useState } from 'react';
import { Button } from '@/components/controls/button';
import { useConsoleConfig } from '@/components/providers/app-providers';
import { useToast } from '@/components/toast/toast-provider';
import { useSession } from '@/lib/auth/session-context';
import { type DownloadProgress, downloadCsv, isAbortError } from '@/lib/download/download-csv';
import { formatCount } from '@/lib/format/format';

type ExportKind = 'codes' | 'redemptions';

/**
 * CSV downloads of a book's codes and redemptions, authorised with the session's token. A large
 * export (a million codes is about 60 MB) shows what has arrived, rows and megabytes, as it
 * streams in, and can be cancelled.
 */
export function ExportButtons({ bookId, bookName }: { bookId: string; bookName: string }) {
  const config = useConsoleConfig();
  const { session } = useSession();
  const toast = useToast();
  const [busy, setBusy] = useState<ExportKind | null>(null);
  const [progress, setProgress] = useState<DownloadProgress | null>(null);
  const cancel = useRef<AbortController | null>(null);

  async function download(kind: ExportKind) {
    if (!session) return;
    const controller = new AbortController();
    cancel.current = controller;
    setBusy(kind);
    setProgress(null);
    try {
      const url = `${config.apiBaseUrl}/export/books/${encodeURIComponent(bookId)}/${kind}.csv`;
      await downloadCsv(url, session.token, `${slug(bookName)}-${kind}.csv`, { signal: controller.signal, onProgress: setProgress });
    } catch (failure) {
      if (isAbortError(failure)) toast.info(`The ${kind} export was cancelled; nothing was saved.`, 'Export cancelled');
      else toast.error(failure, 'Export failed');
    } finally {
      cancel.current = null;
      setBusy(null);
      setProgress(null);
    }
  }

  return (
    <fieldset className="button-group">
      <legend className="visually-hidden">Export as CSV</legend>
      <Button onClick={() => void download('codes')} disabled={busy !== null}>
        {busy === 'codes' ? 'Exporting…' : 'Export codes'}
      </Button>
      <Button onClick={() => void download('redemptions')} disabled={busy !== null}>
        {busy === 'redemptions' ? 'Exporting…' : 'Export redemptions'}
      </Button>
      {busy && (
        <>
          <span role="status" aria-live="polite">
            {progress ? progressText(progress) : 'Starting…'}
          </span>
          <Button variant="ghost" onClick={() => cancel.current?.abort()}>
            Cancel export
          </Button>
        </>
      )}
    </fieldset>
  );
}

/** "120,000 rows · 7.3 MB" (and "of 60.1 MB" when the size is known). */
function progressText({ rows, bytes, totalBytes }: DownloadProgress): string {
  const megabytes = (n: number) => (n / 1_048_576).toFixed(1);
  const size = totalBytes ? `${megabytes(bytes)} of ${megabytes(totalBytes)} MB` : `${megabytes(bytes)} MB`;
  return `${formatCount(rows)} ${rows === 1 ? 'row' : 'rows'} · ${size}`;
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'book'
  );
}
