'use client';

import { useState } from 'react';
import { Button } from '@/components/controls/button';
import { useConsoleConfig } from '@/components/providers/app-providers';
import { useToast } from '@/components/toast/toast-provider';
import { useSession } from '@/lib/auth/session-context';
import { downloadCsv } from '@/lib/download/download-csv';

type ExportKind = 'codes' | 'redemptions';

/** CSV downloads of a book's codes and redemptions, authorised with the session's token. */
export function ExportButtons({ bookId, bookName }: { bookId: string; bookName: string }) {
  const config = useConsoleConfig();
  const { session } = useSession();
  const toast = useToast();
  const [busy, setBusy] = useState<ExportKind | null>(null);

  async function download(kind: ExportKind) {
    if (!session) return;
    setBusy(kind);
    try {
      const url = `${config.apiBaseUrl}/export/books/${encodeURIComponent(bookId)}/${kind}.csv`;
      await downloadCsv(url, session.token, `${slug(bookName)}-${kind}.csv`);
    } catch (failure) {
      toast.error(failure, 'Export failed');
    } finally {
      setBusy(null);
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
    </fieldset>
  );
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
