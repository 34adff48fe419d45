'use client';

import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect } from 'react';
import { graphql } from '@/gql';
import type { CouponEventType, UpdateWebhookEndpointInput, WebhookDeliveryStatus } from '@/gql/graphql';
import { usePagedQuery } from '@/lib/apollo/use-paged-query';

/** Endpoints per page unless the URL asks for another size. */
export const ENDPOINTS_PAGE = 20;
const DELIVERIES_PAGE = 20;
/** The delivery log is read again this often while it is on screen: attempts happen by themselves. */
export const DELIVERY_REFRESH_MS = 2_000;

export const WebhookEndpointsQuery = graphql(`
  query WebhookEndpoints($first: Int, $after: String) {
    webhookEndpoints(first: $first, after: $after) {
      totalCount
      pageInfo {
        ...NextPage
      }
      edges {
        cursor
        node {
          ...WebhookEndpointRow
        }
      }
    }
  }
`);

export const WebhookEndpointQuery = graphql(`
  query WebhookEndpoint($id: ID!) {
    webhookEndpoint(id: $id) {
      ...WebhookEndpointRow
      updatedAt
      previousSecretExpiresAt
    }
  }
`);

export const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($endpointId: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
    webhookDeliveries(endpointId: $endpointId, status: $status, first: $first, after: $after) {
      totalCount
      pageInfo {
        ...NextPage
      }
      edges {
        node {
          ...WebhookDeliveryRow
        }
      }
    }
  }
`);

export const CreateWebhookEndpointMutation = graphql(`
  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      endpoint {
        ...WebhookEndpointRow
      }
      secret
    }
  }
`);

export const UpdateWebhookEndpointMutation = graphql(`
  mutation UpdateWebhookEndpoint($id: ID!, $input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(id: $id, input: $input) {
      ...WebhookEndpointRow
    }
  }
`);

export const DeleteWebhookEndpointMutation = graphql(`
  mutation DeleteWebhookEndpoint($id: ID!) {
    deleteWebhookEndpoint(id: $id)
  }
`);

export const RotateWebhookSecretMutation = graphql(`
  mutation RotateWebhookSecret($id: ID!) {
    rotateWebhookSecret(id: $id) {
      endpoint {
        ...WebhookEndpointRow
        previousSecretExpiresAt
      }
      secret
    }
  }
`);

export const SendTestWebhookMutation = graphql(`
  mutation SendTestWebhook($id: ID!) {
    sendTestWebhook(id: $id) {
      ...WebhookDeliveryRow
    }
  }
`);

export const RedeliverWebhookMutation = graphql(`
  mutation RedeliverWebhook($deliveryId: ID!) {
    redeliverWebhook(deliveryId: $deliveryId) {
      ...WebhookDeliveryRow
    }
  }
`);

export interface NewWebhookEndpoint {
  url: string;
  events: CouponEventType[];
  bookId: string | null;
  description: string | null;
}

/**
 * The webhook endpoints, a page at a time (`start`: the cursor the page starts after), creating
 * one, and sending any of them a test. A secret that creation returns goes to the caller only: it
 * never enters Apollo's cache (`no-cache`).
 */
export function useWebhooks({ pageSize = ENDPOINTS_PAGE, start = null }: { pageSize?: number; start?: string | null } = {}) {
  const endpoints = usePagedQuery(WebhookEndpointsQuery, { variables: {}, pageSize, start, connection: (data) => data.webhookEndpoints });
  const [create, creation] = useMutation(CreateWebhookEndpointMutation, { fetchPolicy: 'no-cache', refetchQueries: [WebhookEndpointsQuery] });
  const [sendTest] = useMutation(SendTestWebhookMutation);

  const createEndpoint = async (input: NewWebhookEndpoint) => {
    const result = await create({ variables: { input } });
    creation.reset();
    return result.data?.createWebhookEndpoint ?? null;
  };

  return {
    endpoints,
    createEndpoint,
    creating: creation.loading,
    sendTest: async (id: string) => (await sendTest({ variables: { id } })).data?.sendTestWebhook ?? null,
  };
}

/** One endpoint, and what an admin does to it: change, enable/disable, rotate its secret, test, delete. */
export function useWebhookEndpoint(id: string) {
  const { data, loading, error, refetch } = useQuery(WebhookEndpointQuery, { variables: { id } });
  const [update, updating] = useMutation(UpdateWebhookEndpointMutation);
  const [remove, removing] = useMutation(DeleteWebhookEndpointMutation, { refetchQueries: [WebhookEndpointsQuery] });
  const [rotate, rotating] = useMutation(RotateWebhookSecretMutation, { fetchPolicy: 'no-cache', refetchQueries: [WebhookEndpointQuery] });
  const [sendTest, testing] = useMutation(SendTestWebhookMutation, { refetchQueries: [WebhookDeliveriesQuery] });
  const [redeliver] = useMutation(RedeliverWebhookMutation, { refetchQueries: [WebhookDeliveriesQuery] });

  return {
    record: data?.webhookEndpoint ?? null,
    loaded: data !== undefined,
    loading,
    error,
    refetch: () => void refetch(),
    update: async (input: UpdateWebhookEndpointInput) => (await update({ variables: { id, input } })).data?.updateWebhookEndpoint ?? null,
    updating: updating.loading,
    remove: async () => Boolean((await remove({ variables: { id } })).data?.deleteWebhookEndpoint),
    removing: removing.loading,
    rotateSecret: async () => (await rotate({ variables: { id } })).data?.rotateWebhookSecret.secret ?? null,
    rotating: rotating.loading,
    sendTest: async () => (await sendTest({ variables: { id } })).data?.sendTestWebhook ?? null,
    testing: testing.loading,
    redeliver: async (deliveryId: string) => (await redeliver({ variables: { deliveryId } })).data?.redeliverWebhook ?? null,
  };
}

/** An endpoint's delivery log, newest first, a page at a time (`start`: the cursor it starts after), read again every few seconds. */
export function useWebhookDeliveries(
  endpointId: string,
  status: WebhookDeliveryStatus | null,
  { pageSize = DELIVERIES_PAGE, start = null }: { pageSize?: number; start?: string | null } = {},
) {
  const log = usePagedQuery(WebhookDeliveriesQuery, {
    variables: { endpointId, status },
    pageSize,
    start,
    connection: (data) => data.webhookDeliveries,
  });
  const { refetch } = log;
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refetch();
    }, DELIVERY_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refetch]);
  return log;
}
