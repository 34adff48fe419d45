import type { Metadata } from 'next';
import { WebhookEndpointPage } from '@/features/webhooks/webhook-endpoint-page';

export const metadata: Metadata = { title: 'Webhook endpoint' };

export default async function Page({ params }: { params: Promise<{ endpointId: string }> }) {
  const { endpointId } = await params;
  return <WebhookEndpointPage endpointId={decodeURIComponent(endpointId)} />;
}
