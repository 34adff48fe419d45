'use client';

import { Badge, BadgeGroup, BadgeList } from '@/components/controls/badge';
import { Button } from '@/components/controls/button';
import { actionsColumn } from '@/components/data-table/actions-column';
import { type Column, DataTable } from '@/components/data-table/data-table';
import type { PagerProps } from '@/components/data-table/pager';
import { EmptyState } from '@/components/feedback/states';
import { graphql } from '@/gql';
import type { ApiKeyTableRowFragment } from '@/gql/graphql';
import { formatDateTime } from '@/lib/format/format';
import { scopeLabel } from './api-key-scopes';

/** What one row of the API keys table shows (never the secret: the API cannot give it again). */
export const ApiKeyTableRow = graphql(`
  fragment ApiKeyTableRow on ApiKey {
    id
    name
    prefix
    scopes
    createdAt
    lastUsedAt
    revokedAt
  }
`);

const COLUMNS: Column<ApiKeyTableRowFragment>[] = [
  { key: 'name', header: 'Name', rowHeader: true, cell: (k) => k.name },
  { key: 'prefix', header: 'Prefix', variant: 'mono', cell: (k) => `${k.prefix}…` },
  {
    key: 'scopes',
    header: 'Scopes',
    cell: (k) => <BadgeList label="Scopes" items={k.scopes.map((scope) => scopeLabel(scope))} />,
  },
  { key: 'created', header: 'Created', variant: 'nowrap', cell: (k) => formatDateTime(k.createdAt) },
  {
    key: 'lastUsed',
    header: 'Last used',
    variant: 'nowrap',
    cell: (k) => (k.lastUsedAt ? formatDateTime(k.lastUsedAt) : <span className="muted">never</span>),
  },
  {
    key: 'status',
    header: 'Status',
    cell: (k) =>
      k.revokedAt ? (
        <BadgeGroup nowrap>
          <Badge tone="muted">Revoked</Badge>
          <span className="muted">{formatDateTime(k.revokedAt)}</span>
        </BadgeGroup>
      ) : (
        <Badge tone="success">Active</Badge>
      ),
  },
];

export interface ApiKeyTableProps {
  rows: ApiKeyTableRowFragment[] | undefined;
  loading: boolean;
  pages: PagerProps;
  labelledBy: string;
  /** Asks to revoke a key (the page confirms first). */
  onRevoke(key: ApiKeyTableRowFragment): void;
}

/** Every API key, newest first: what it may do, when it was last used, and whether it still works. */
export function ApiKeyTable({ rows, loading, pages, labelledBy, onRevoke }: ApiKeyTableProps) {
  const columns: Column<ApiKeyTableRowFragment>[] = [
    ...COLUMNS,
    actionsColumn((k) =>
      k.revokedAt ? null : (
        <Button size="small" variant="danger" onClick={() => onRevoke(k)} aria-label={`Revoke ${k.name}`}>
          Revoke
        </Button>
      ),
    ),
  ];
  return (
    <DataTable
      labelledBy={labelledBy}
      compact
      columns={columns}
      rows={rows}
      pages={pages}
      rowKey={(k) => k.id}
      rowAttributes={(k) => ({ 'data-api-key': k.id, 'data-status': k.revokedAt ? 'revoked' : 'active' })}
      loading={loading}
      loadingLabel="Loading API keys…"
      empty={
        <EmptyState title="No API keys yet">
          Create one with the form: a shop backend sends its secret as <code>Authorization: Bearer …</code>
        </EmptyState>
      }
    />
  );
}
