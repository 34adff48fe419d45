'use client';

import { useApolloClient } from '@apollo/client/react';
import { graphql } from '@/gql';
import { useMutationAction } from '@/lib/apollo/use-mutation-action';

const AssignPreviewCouponQuery = graphql(`
  query AssignPreviewCoupon($code: String!) {
    coupon(code: $code) {
      id
      code
      state
      updatedAt
      user {
        id
        email
        externalId
      }
      book {
        id
        name
        isActive
      }
    }
  }
`);

const AssignPreviewBookQuery = graphql(`
  query AssignPreviewBook($id: ID!) {
    book(id: $id) {
      id
      name
      isActive
      maxAssignmentsPerUser
      counts {
        unassigned
      }
    }
  }
`);

const AssignFindUserQuery = graphql(`
  query AssignFindUser($search: String!) {
    users(search: $search, first: 5) {
      edges {
        node {
          id
          email
          externalId
        }
      }
    }
  }
`);

const AdminAssignCouponMutation = graphql(`
  mutation AdminAssignCoupon($code: String!, $userId: ID!, $idempotencyKey: String) {
    assignCoupon(code: $code, userId: $userId, idempotencyKey: $idempotencyKey) {
      id
      code
      state
      updatedAt
    }
  }
`);

const AdminAssignRandomCouponMutation = graphql(`
  mutation AdminAssignRandomCoupon($bookId: ID!, $userId: ID!, $idempotencyKey: String) {
    assignRandomCoupon(bookId: $bookId, userId: $userId, idempotencyKey: $idempotencyKey) {
      id
      code
      state
      updatedAt
    }
  }
`);

export interface AssignTarget {
  id: string;
  /** How the page names them: an email, or "Customer <id>". */
  name: string;
}

/** What Preview reads, nothing changed: the code's state and owner, or the book's codes left; and the user by email or customer id. */
export function useAssignPreview() {
  const client = useApolloClient();
  return {
    async coupon(code: string) {
      const { data } = await client.query({ query: AssignPreviewCouponQuery, variables: { code }, fetchPolicy: 'network-only' });
      return data?.coupon ?? null;
    },
    async book(id: string) {
      const { data } = await client.query({ query: AssignPreviewBookQuery, variables: { id }, fetchPolicy: 'network-only' });
      return data?.book ?? null;
    },
    /** The one user whose email or customer id is exactly `text` (case-insensitive), or null. */
    async user(text: string): Promise<AssignTarget | null> {
      const wanted = text.trim().toLowerCase();
      const { data } = await client.query({ query: AssignFindUserQuery, variables: { search: text.trim() }, fetchPolicy: 'network-only' });
      const found = data?.users.edges.map((e) => e.node).find((u) => u.email?.toLowerCase() === wanted || u.externalId?.toLowerCase() === wanted);
      if (!found) return null;
      return { id: found.id, name: found.email ?? `Customer ${found.externalId}` };
    },
  };
}

/** Gives a coupon to a user, as an admin; every live list (the user's coupons, the book's table) is read again. */
export function useAssignCoupon() {
  const client = useApolloClient();
  const byCode = useMutationAction(AdminAssignCouponMutation, (data) => data.assignCoupon);
  const random = useMutationAction(AdminAssignRandomCouponMutation, (data) => data.assignRandomCoupon);
  const after = <T>(result: T) => {
    void client.refetchQueries({ include: 'active' });
    return result;
  };
  return {
    assignCode: async (couponCode: string, userId: string, idempotencyKey: string) =>
      after(await byCode.run({ code: couponCode, userId, idempotencyKey })),
    assignRandom: async (bookId: string, userId: string, idempotencyKey: string) => after(await random.run({ bookId, userId, idempotencyKey })),
    busy: byCode.loading || random.loading,
  };
}
