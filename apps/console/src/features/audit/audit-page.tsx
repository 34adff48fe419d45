'use client';

import Link from 'next/link';
import { useState } from 'react';
import { type Column, DataTable } from '@/components/data-table/data-table';
import { useUrlPaging } from '@/components/data-table/use-url-paging';
import { EmptyState } from '@/components/feedback/states';
import { graphql } from '@/gql';
import type { AuditLogRowFragment, AuditTargetType } from '@/gql/graphql';
import { useSession } from '@/lib/auth/session-context';
import { formatCount, formatEventTime } from '@/lib/format/format';
import { compactJson, humanize, KNOWN_ACTIONS, TARGET_TYPES, targetHref } from './audit-format';
import { useAuditLog } from './use-audit-log';

/** What one row of the audit log shows. */
export const AuditLogRow = graphql(`
  fragment AuditLogRow on AuditLogEntry {
    id
    action
    actorId
    apiKeyId
    targetType
    targetId
    changes
    createdAt
  }
`);

const none = <span className="muted">—</span>;

/** Admin: what admins and API keys did, newest first, filtered by target type and action. */
export function AuditPage() {
  const [targetType, setTargetType] = useState<AuditTargetType | ''>('');
  const [action, setAction] = useState('');
  // The page and its size live in the URL; a new filter starts again at page 1.
  const paging = useUrlPaging([], { label: 'Audit log pages', testId: 'audit-page' });
  const log = useAuditLog({ targetType: targetType || null, action }, { pageSize: paging.pageSize, start: paging.start });
  const { session } = useSession();
  const me = session?.user.id;

  const columns: Column<AuditLogRowFragment>[] = [
    { key: 'time', header: 'Time', variant: 'nowrap', cell: (e) => <time dateTime={e.createdAt}>{formatEventTime(e.createdAt)}</time> },
    { key: 'action', header: 'Action', rowHeader: true, cell: (e) => <span data-action={e.action}>{humanize(e.action)}</span> },
    {
      key: 'actor',
      header: 'Actor',
      // The API gives the actor's id only: "you" for the signed-in admin, else the id.
      cell: (e) => (
        <>
          {e.actorId === me ? 'You' : e.actorId ? <span className="mono" title={e.actorId}>{`user ${e.actorId.slice(0, 8)}`}</span> : 'System'}
          {e.apiKeyId ? <span className="muted"> (API key)</span> : null}
        </>
      ),
    },
    {
      key: 'target',
      header: 'Target',
      cell: (e) => {
        const href = targetHref(e.targetType, e.targetId);
        const label = `${humanize(e.targetType)} ${e.targetType === 'COUPON' ? e.targetId : e.targetId.slice(0, 8)}`;
        return href ? <Link href={href}>{label}</Link> : <span title={e.targetId}>{label}</span>;
      },
    },
    {
      key: 'changes',
      header: 'Changes',
      variant: 'mono',
      cell: (e) => {
        const text = compactJson(e.changes);
        return text ? <span title={JSON.stringify(e.changes, null, 2)}>{text}</span> : none;
      },
    },
  ];

  return (
    <section className="stack" aria-labelledby="audit-title">
      <div className="page-header">
        <div>
          <h1 id="audit-title">Audit log</h1>
          <p className="page-header__lead">What admins and API keys did, newest first. The log cannot be changed.</p>
        </div>
      </div>
      <search className="toolbar">
        <label htmlFor="audit-target-type">Target</label>
        <select id="audit-target-type" value={targetType} onChange={(e) => {
            setTargetType(e.target.value as AuditTargetType | '');
            paging.applyFilters({});
          }}>
          <option value="">All targets</option>
          {TARGET_TYPES.map((t) => (
            <option key={t} value={t}>
              {humanize(t)}
            </option>
          ))}
        </select>
        <label htmlFor="audit-action">Action</label>
        <select id="audit-action" value={action} onChange={(e) => {
            setAction(e.target.value);
            paging.applyFilters({});
          }}>
          <option value="">All actions</option>
          {KNOWN_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {humanize(a)}
            </option>
          ))}
        </select>
        {log.totalCount !== undefined ? (
          <p className="toolbar__meta" aria-live="polite">
            {formatCount(log.totalCount)} {log.totalCount === 1 ? 'entry' : 'entries'}
          </p>
        ) : null}
      </search>
      <DataTable
        caption="Audit log"
        compact
        columns={columns}
        {...paging.table(log)}
        rowKey={(e) => e.id}
        rowAttributes={(e) => ({ 'data-action': e.action, 'data-target': e.targetId })}
        loadingLabel="Loading the audit log…"
        empty={<EmptyState title={targetType || action ? 'No entry matches these filters' : 'Nothing recorded yet'} />}
      />
    </section>
  );
}
