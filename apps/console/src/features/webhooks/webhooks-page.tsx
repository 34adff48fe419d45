'use client';

import { useState } from 'react';
import { useUrlPaging } from '@/components/data-table/use-url-paging';
import { OneTimeSecret } from '@/components/secret/one-time-secret';
import type { WebhookEndpointRowFragment } from '@/gql/graphql';
import { CreateWebhookForm } from './create-webhook-form';
import { EndpointTable } from './endpoint-table';
import { describeWebhookError } from './webhook-errors';
import type { NewWebhookEndpoint } from './use-webhooks';
import { ENDPOINTS_PAGE, useWebhooks } from './use-webhooks';
import { PageHeader } from '@/components/page/page-header';

/** Admin: the webhook endpoints: create one (its secret shown once), send a test, open its deliveries. */
export function WebhooksPage() {
  const paging = useUrlPaging([], { label: 'Endpoint pages', testId: 'endpoint-page', defaultSize: ENDPOINTS_PAGE });
  const { endpoints, createEndpoint, creating, sendTest } = useWebhooks({ pageSize: paging.pageSize, start: paging.start });
  // The one place the secret lives in the console, until "Done" (or leaving the page).
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [testing, setTesting] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');

  async function create(input: NewWebhookEndpoint) {
    const result = await createEndpoint(input);
    if (result) setCreated({ url: result.endpoint.url, secret: result.secret });
  }

  async function test(endpoint: WebhookEndpointRowFragment) {
    setTesting(endpoint.id);
    try {
      await sendTest(endpoint.id);
      setAnnouncement(`A test event is on its way to ${endpoint.url}: see its deliveries.`);
    } catch (failure) {
      setAnnouncement(describeWebhookError(failure).message);
    } finally {
      setTesting(null);
    }
  }

  return (
    <div className="stack">
      <PageHeader title="Webhooks" lead="Coupon events POSTed to your other systems, signed (Standard Webhooks) and retried for about a day until they answer 2xx." />
      {created ? (
        <OneTimeSecret
          testId="webhook-secret"
          title={`Signing secret of ${created.url}`}
          secret={created.secret}
          hint="The receiver verifies the webhook-signature header with it (see the API guide, “Receive webhooks”)."
          onDone={() => setCreated(null)}
        />
      ) : null}
      <section className="card" aria-labelledby="webhook-list-title">
        <h2 id="webhook-list-title">Endpoints</h2>
        <p role="status" className="muted">
          {announcement}
        </p>
        <EndpointTable {...paging.table(endpoints)} labelledBy="webhook-list-title" onTest={(e) => void test(e)} testing={testing} />
      </section>
      <CreateWebhookForm creating={creating} onCreate={create} />
    </div>
  );
}
