'use client';

import { useQuery } from '@apollo/client/react';
import { useEffect } from 'react';
import { graphql } from '@/gql';
import type { CouponEventType, UpdateWebhookEndpointInput, WebhookDeliveryStatus } from '@/gql/graphql';
import { useMutationAction } from '@/lib/apollo/use-mutation-action';
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
  const creation = useMutationAction(CreateWebhookEndpointMutation, (data) => data.createWebhookEndpoint, {
    fetchPolicy: 'no-cache',
    forget: true,
    refetchQueries: [WebhookEndpointsQuery],
  });
  const test = useMutationAction(SendTestWebhookMutation, (data) => data.sendTestWebhook);

  return {
    endpoints,
    createEndpoint: (input: NewWebhookEndpoint) => creation.run({ input }),
    creating: creation.loading,
    sendTest: (id: string) => test.run({ id }),
  };
}

/** One endpoint, and what an admin does to it: change, enable/disable, rotate its secret, test, delete. */
export function useWebhookEndpoint(id: string) {
  const { data, loading, error, refetch } = useQuery(WebhookEndpointQuery, { variables: { id } });
  const update = useMutationAction(UpdateWebhookEndpointMutation, (answer) => answer.updateWebhookEndpoint);
  const remove = useMutationAction(DeleteWebhookEndpointMutation, (answer) => answer.deleteWebhookEndpoint, { refetchQueries: [WebhookEndpointsQuery] });
  const rotate = useMutationAction(RotateWebhookSecretMutation, (answer) => answer.rotateWebhookSecret.secret, {
    fetchPolicy: 'no-cache',
    refetchQueries: [WebhookEndpointQuery],
  });
  const test = useMutationAction(SendTestWebhookMutation, (answer) => answer.sendTestWebhook, { refetchQueries: [WebhookDeliveriesQuery] });
  const redeliver = useMutationAction(RedeliverWebhookMutation, (answer) => answer.redeliverWebhook, { refetchQueries: [WebhookDeliveriesQuery] });

  return {
    record: data?.webhookEndpoint ?? null,
    loaded: data !== undefined,
    loading,
    error,
    refetch: () => void refetch(),
    update: (input: UpdateWebhookEndpointInput) => update.run({ id, input }),
    updating: update.loading,
    remove: async () => Boolean(await remove.run({ id })),
    removing: remove.loading,
    rotateSecret: () => rotate.run({ id }),
    rotating: rotate.loading,
    sendTest: () => test.run({ id }),
    testing: test.loading,
    redeliver: (deliveryId: string) => redeliver.run({ deliveryId }),
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
