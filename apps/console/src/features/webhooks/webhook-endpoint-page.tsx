'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '@/components/controls/button';
import { useUrlPaging } from '@/components/data-table/use-url-paging';
import { ConfirmDialog } from '@/components/dialog/confirm-dialog';
import { Breadcrumb } from '@/components/page/breadcrumb';
import { RecordPage } from '@/components/page/record-page';
import { OneTimeSecret } from '@/components/secret/one-time-secret';
import type { WebhookDeliveryStatus } from '@/gql/graphql';
import { formatCount, formatDateTime } from '@/lib/format/format';
import { DeliveryTable } from './delivery-table';
import { EndpointStatus, EventChips } from './endpoint-table';
import { useWebhookDeliveries, useWebhookEndpoint } from './use-webhooks';
import { describeWebhookError } from './webhook-errors';
import styles from './webhooks.module.css';
import { PageHeader } from '@/components/page/page-header';

const STATUSES: Array<{ value: WebhookDeliveryStatus | ''; label: string }> = [
  { value: '', label: 'All deliveries' },
  { value: 'PENDING', label: 'Pending and retrying' },
  { value: 'DELIVERED', label: 'Delivered' },
  { value: 'FAILED', label: 'Failed' },
];

/** Admin: one endpoint: its settings and health, its delivery log (live), and its actions. */
export function WebhookEndpointPage({ endpointId }: { endpointId: string }) {
  const endpoint = useWebhookEndpoint(endpointId);
  const router = useRouter();
  // The status shown, the page and its size live in the URL.
  const paging = useUrlPaging(['status'], { label: 'Delivery pages', testId: 'delivery-page', defaultSize: 20 });
  const status = STATUSES.find((s) => s.value === paging.filters.status)?.value ?? '';
  const log = useWebhookDeliveries(endpointId, status || null, { pageSize: paging.pageSize, start: paging.start });
  const [secret, setSecret] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [redelivering, setRedelivering] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const run = async (action: () => Promise<unknown>, done: string) => {
    try {
      await action();
      setMessage({ text: done, error: false });
      void log.refetch();
    } catch (failure) {
      setMessage({ text: describeWebhookError(failure).message, error: true });
    }
  };

  return (
    <RecordPage query={endpoint} noun="webhook endpoint" back={{ href: '/webhooks', label: 'All webhooks' }}>
      {(record) => (
        <div className="stack">
          <Breadcrumb trail={[{ href: '/webhooks', label: 'Webhooks' }]} current={record.description ?? record.url} />
          <PageHeader title={record.url} titleClassName={styles.url} lead={record.description}>
            <div className={styles.actions}>
              <Button variant="primary" disabled={!record.enabled || endpoint.testing} onClick={() => void run(endpoint.sendTest, 'A test event was queued: it appears in the log below.')}>
                {endpoint.testing ? 'Sending…' : 'Send test'}
              </Button>
              <Button
                disabled={endpoint.rotating}
                onClick={() =>
                  void run(async () => {
                    const rotated = await endpoint.rotateSecret();
                    if (rotated) setSecret(rotated);
                  }, 'New secret made: the old one keeps signing beside it for 24 hours.')
                }
              >
                {endpoint.rotating ? 'Rotating…' : 'Rotate secret'}
              </Button>
              <Button
                disabled={endpoint.updating}
                onClick={() => void run(() => endpoint.update({ enabled: !record.enabled }), record.enabled ? 'Endpoint disabled.' : 'Endpoint enabled: its pending deliveries resume.')}
              >
                {record.enabled ? 'Disable' : 'Enable'}
              </Button>
              <Button variant="danger" onClick={() => setDeleting(true)}>
                Delete
              </Button>
            </div>
          </PageHeader>
          {secret ? (
            <OneTimeSecret
              testId="webhook-secret"
              title="New signing secret"
              secret={secret}
              hint="Give it to the receiver within 24 hours: until then the old secret signs too."
              onDone={() => setSecret(null)}
            />
          ) : null}
          <p role="status" className={message?.error ? 'notice notice--error' : 'muted'}>
            {message?.text ?? ''}
          </p>
          <section className="card" aria-labelledby="webhook-facts-title">
            <h2 id="webhook-facts-title">Endpoint</h2>
            <dl className={styles.facts}>
              <dt>Status</dt>
              <dd>
                <EndpointStatus endpoint={record} />
              </dd>
              <dt>Events</dt>
              <dd>
                <EventChips events={record.events} />
              </dd>
              <dt>Book</dt>
              <dd>{record.bookId ?? <span className="muted">every book</span>}</dd>
              <dt>Created</dt>
              <dd>{formatDateTime(record.createdAt)}</dd>
              {record.previousSecretExpiresAt ? (
                <>
                  <dt>Previous secret</dt>
                  <dd>signs too until {formatDateTime(record.previousSecretExpiresAt)}</dd>
                </>
              ) : null}
            </dl>
          </section>
          <section className="stack" aria-labelledby="webhook-deliveries-title">
            <div className="toolbar">
              <h2 id="webhook-deliveries-title">Deliveries</h2>
              <label htmlFor="webhook-delivery-status">Show</label>
              <select id="webhook-delivery-status" value={status} onChange={(e) => paging.applyFilters({ status: e.target.value })}>
                {STATUSES.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
              {log.totalCount !== undefined ? (
                <p className="toolbar__meta" aria-live="polite">
                  {formatCount(log.totalCount)} {log.totalCount === 1 ? 'delivery' : 'deliveries'}
                </p>
              ) : null}
            </div>
            <DeliveryTable
              labelledBy="webhook-deliveries-title"
              {...paging.table(log)}
              empty={status ? 'No delivery with this status' : 'Nothing sent yet: send a test, or wait for a coupon event'}
              redelivering={redelivering}
              onRedeliver={(delivery) => {
                setRedelivering(delivery.id);
                void run(() => endpoint.redeliver(delivery.id), 'Queued to be sent again now.').finally(() => setRedelivering(null));
              }}
            />
          </section>
          <ConfirmDialog
            open={deleting}
            title="Delete this endpoint?"
            confirmLabel="Delete endpoint"
            busyLabel="Deleting…"
            busy={endpoint.removing}
            error={deleteError}
            onConfirm={() =>
              void endpoint.remove().then(
                () => router.push('/webhooks'),
                (failure: unknown) => setDeleteError(describeWebhookError(failure).message),
              )
            }
            onCancel={() => {
              setDeleting(false);
              setDeleteError(null);
            }}
          >
            <p>
              Nothing more is sent to <code>{record.url}</code>, and its delivery log goes with it. This cannot be undone.
            </p>
          </ConfirmDialog>
        </div>
      )}
    </RecordPage>
  );
}
