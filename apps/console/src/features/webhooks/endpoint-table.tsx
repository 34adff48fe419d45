'use client';

import Link from 'next/link';
import { actionsColumn } from '@/components/data-table/actions-column';
import { Badge, BadgeGroup, BadgeList } from '@/components/controls/badge';
import { Button, ButtonLink } from '@/components/controls/button';
import { type Column, DataTable } from '@/components/data-table/data-table';
import type { PagerProps } from '@/components/data-table/pager';
import { EmptyState } from '@/components/feedback/states';
import { graphql } from '@/gql';
import type { WebhookEndpointRowFragment } from '@/gql/graphql';
import { formatDateTime } from '@/lib/format/format';
import { eventLabel } from './webhook-format';
import styles from './webhooks.module.css';

/** What an endpoint row shows (never the secret: the API shows it only on create and rotate). */
export const WebhookEndpointRow = graphql(`
  fragment WebhookEndpointRow on WebhookEndpoint {
    id
    url
    description
    events
    bookId
    enabled
    disabledReason
    failingSince
    createdAt
  }
`);

/** Enabled, or disabled with the reason (by an admin, or after failing for days). */
export function EndpointStatus({ endpoint }: { endpoint: Pick<WebhookEndpointRowFragment, 'enabled' | 'disabledReason' | 'failingSince'> }) {
  if (!endpoint.enabled) {
    return (
      <div>
        <Badge tone="danger">Disabled</Badge>
        {endpoint.disabledReason ? <p className={styles.reason}>{endpoint.disabledReason}</p> : null}
      </div>
    );
  }
  return (
    <BadgeGroup>
      <Badge tone="success">Enabled</Badge>
      {endpoint.failingSince ? <Badge tone="warning">{`Failing since ${formatDateTime(endpoint.failingSince)}`}</Badge> : null}
    </BadgeGroup>
  );
}

/** The event types as chips. */
export function EventChips({ events }: { events: readonly string[] }) {
  return <BadgeList label="Event types" items={events.map((type) => eventLabel(type))} />;
}

export interface EndpointTableProps {
  rows: WebhookEndpointRowFragment[] | undefined;
  pages: PagerProps;
  loading: boolean;
  error: unknown;
  onRetry(): void;
  labelledBy: string;
  /** Sends the endpoint a test event. */
  onTest(endpoint: WebhookEndpointRowFragment): void;
  /** The endpoint whose test is being queued. */
  testing: string | null;
}

/** Every endpoint, newest first: where it sends, what, and whether it works. */
export function EndpointTable({ rows, pages, loading, error, onRetry, labelledBy, onTest, testing }: EndpointTableProps) {
  const columns: Column<WebhookEndpointRowFragment>[] = [
    {
      key: 'url',
      header: 'URL',
      rowHeader: true,
      cell: (e) => (
        <div>
          <Link href={`/webhooks/${e.id}`} className={styles.url}>
            {e.url}
          </Link>
          {e.description ? <p className={styles.reason}>{e.description}</p> : null}
        </div>
      ),
    },
    { key: 'events', header: 'Events', cell: (e) => <EventChips events={e.events} /> },
    { key: 'book', header: 'Book', cell: (e) => (e.bookId ? <Link href={`/books/${e.bookId}`}>{`book ${e.bookId.slice(0, 8)}`}</Link> : <span className="muted">every book</span>) },
    { key: 'status', header: 'Status', cell: (e) => <EndpointStatus endpoint={e} /> },
    { key: 'created', header: 'Created', variant: 'nowrap', cell: (e) => formatDateTime(e.createdAt) },
    actionsColumn((e) => (
      <div className={styles.actions}>
        <Button size="small" disabled={!e.enabled || testing === e.id} onClick={() => onTest(e)}>
          {testing === e.id ? 'Sending…' : 'Send test'}
        </Button>
        <ButtonLink size="small" href={`/webhooks/${e.id}`}>
          Deliveries
        </ButtonLink>
      </div>
    )),
  ];
  return (
    <DataTable
      labelledBy={labelledBy}
      columns={columns}
      rows={rows}
      pages={pages}
      rowKey={(e) => e.id}
      rowAttributes={(e) => ({ 'data-endpoint': e.url })}
      loading={loading}
      loadingLabel="Loading the endpoints…"
      error={error}
      onRetry={onRetry}
      empty={<EmptyState title="No webhook endpoint yet">Create one below: your other systems then hear of every coupon event.</EmptyState>}
    />
  );
}
