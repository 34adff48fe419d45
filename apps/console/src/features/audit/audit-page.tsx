'use client';

import Link from 'next/link';
import { type Column, DataTable } from '@/components/data-table/data-table';
import { useUrlPaging } from '@/components/data-table/use-url-paging';
import { EmptyState } from '@/components/feedback/states';
import { graphql } from '@/gql';
import type { AuditLogRowFragment, AuditTargetType } from '@/gql/graphql';
import { ListFilterBar } from '@/features/books/list-filter-bar';
import type { FilterField } from '@/features/books/list-filters';
import { useSession } from '@/lib/auth/session-context';
import { formatCount, formatEventTime } from '@/lib/format/format';
import { compactJson, humanize, KNOWN_ACTIONS, TARGET_TYPES, targetHref } from './audit-format';
import { useAuditLog } from './use-audit-log';
import { PageHeader } from '@/components/page/page-header';

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

type AuditFilterKey = 'targetType' | 'action';

/** The log's filters: a target type and an action, each a choice that applies at once. */
const AUDIT_FILTERS: ReadonlyArray<FilterField<AuditFilterKey>> = [
  {
    key: 'targetType',
    apiField: 'targetType',
    label: 'Target',
    kind: 'choice',
    options: [{ value: '', label: 'All targets' }, ...TARGET_TYPES.map((t) => ({ value: t, label: humanize(t) }))],
  },
  {
    key: 'action',
    apiField: 'action',
    label: 'Action',
    kind: 'choice',
    options: [{ value: '', label: 'All actions' }, ...KNOWN_ACTIONS.map((a) => ({ value: a, label: humanize(a) }))],
  },
];
const AUDIT_FILTER_KEYS = AUDIT_FILTERS.map((f) => f.key);

/** Admin: what admins and API keys did, newest first, filtered by target type and action. */
export function AuditPage() {
  // The filters, the page and its size live in the URL; a new filter starts again at page 1.
  const paging = useUrlPaging(AUDIT_FILTER_KEYS, { label: 'Audit log pages', testId: 'audit-page' });
  const { targetType, action } = paging.filters;
  const log = useAuditLog({ targetType: (targetType || null) as AuditTargetType | null, action }, { pageSize: paging.pageSize, start: paging.start });
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
      <PageHeader title="Audit log" titleId="audit-title" lead="What admins and API keys did, newest first. The log cannot be changed." />
      <ListFilterBar
        label="Filter the audit log"
        fields={AUDIT_FILTERS}
        values={paging.filters}
        onApply={paging.applyFilters}
        onClear={paging.clearFilters}
        error={log.error}
      />
      {log.totalCount !== undefined ? (
        <p className="toolbar__meta" aria-live="polite">
          {formatCount(log.totalCount)} {log.totalCount === 1 ? 'entry' : 'entries'}
        </p>
      ) : null}
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
