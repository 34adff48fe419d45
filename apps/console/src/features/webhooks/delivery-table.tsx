'use client';

import { Badge } from '@/components/controls/badge';
import { Button } from '@/components/controls/button';
import { actionsColumn } from '@/components/data-table/actions-column';
import { type Column, DataTable } from '@/components/data-table/data-table';
import type { PagerProps } from '@/components/data-table/pager';
import { EmptyState } from '@/components/feedback/states';
import { graphql } from '@/gql';
import type { WebhookDeliveryRowFragment } from '@/gql/graphql';
import { formatDateTime } from '@/lib/format/format';
import { deliveryStatus, eventLabel } from './webhook-format';
import styles from './webhooks.module.css';

/** What one row of the delivery log shows. */
export const WebhookDeliveryRow = graphql(`
  fragment WebhookDeliveryRow on WebhookDelivery {
    id
    eventId
    messageId
    eventType
    status
    inFlight
    attempts
    nextAttemptAt
    lastAttemptAt
    responseStatus
    responseBody
    latencyMs
    lastError
    deliveredAt
    createdAt
  }
`);

const none = <span className="muted">—</span>;

export interface DeliveryTableProps {
  rows: WebhookDeliveryRowFragment[] | undefined;
  loading: boolean;
  error: unknown;
  onRetry(): void;
  labelledBy: string;
  pages: PagerProps;
  empty: string;
  /** Sends a delivery again (not offered while it is being sent). */
  onRedeliver(delivery: WebhookDeliveryRowFragment): void;
  redelivering: string | null;
}

/** An endpoint's deliveries, newest first: where each stands, its attempts, its last answer, its next retry. */
export function DeliveryTable({ rows, loading, error, onRetry, labelledBy, pages, empty, onRedeliver, redelivering }: DeliveryTableProps) {
  const columns: Column<WebhookDeliveryRowFragment>[] = [
    { key: 'created', header: 'Event at', variant: 'nowrap', cell: (d) => <time dateTime={d.createdAt}>{formatDateTime(d.createdAt)}</time> },
    {
      key: 'event',
      header: 'Event',
      rowHeader: true,
      cell: (d) => (
        <span title={d.messageId}>
          {eventLabel(d.eventType)} <span className="muted mono">{d.messageId.slice(0, 14)}</span>
        </span>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      cell: (d) => {
        const { label, tone } = deliveryStatus(d);
        return <Badge tone={tone}>{label}</Badge>;
      },
    },
    { key: 'attempts', header: 'Attempts', numeric: true, cell: (d) => d.attempts },
    {
      key: 'answer',
      header: 'Last answer',
      cell: (d) =>
        d.responseStatus !== null ? (
          <span title={d.responseBody ?? undefined}>
            HTTP {d.responseStatus}
            {d.latencyMs !== null ? <span className="muted">{` in ${d.latencyMs} ms`}</span> : null}
          </span>
        ) : d.lastError ? (
          <span className={styles.error}>{d.lastError}</span>
        ) : (
          none
        ),
    },
    {
      key: 'next',
      header: 'Next retry',
      variant: 'nowrap',
      cell: (d) => (d.status === 'PENDING' && d.nextAttemptAt && !d.inFlight ? <time dateTime={d.nextAttemptAt}>{formatDateTime(d.nextAttemptAt)}</time> : none),
    },
    actionsColumn((d) => (
      <Button size="small" disabled={d.inFlight || redelivering === d.id} onClick={() => onRedeliver(d)}>
        {redelivering === d.id ? 'Queuing…' : d.status === 'PENDING' ? 'Retry now' : 'Redeliver'}
      </Button>
    )),
  ];
  return (
    <DataTable
      labelledBy={labelledBy}
      compact
      columns={columns}
      rows={rows}
      rowKey={(d) => d.id}
      rowAttributes={(d) => ({ 'data-delivery': d.messageId, 'data-status': d.status, 'data-event-type': d.eventType })}
      loading={loading}
      loadingLabel="Loading the deliveries…"
      error={error}
      onRetry={onRetry}
      empty={<EmptyState title={empty} />}
      pages={pages}
    />
  );
}
