import { graphql } from '@/gql';

export const AdminUsersQuery = graphql(`
  query AdminUsers($emailContains: String, $first: Int) {
    users(emailContains: $emailContains, first: $first) {
      totalCount
      pageInfo {
        hasNextPage
      }
      edges {
        node {
          id
          email
          role
          createdAt
        }
      }
    }
  }
`);

export const UserCouponsQuery = graphql(`
  query UserCoupons($email: String!, $first: Int) {
    userByEmail(email: $email) {
      id
      email
      role
      createdAt
      coupons(first: $first) {
        totalCount
        edges {
          node {
            id
            code
            state
            lockExpiresAt
            redemptionCount
            assignedAt
            bookId
          }
        }
      }
    }
  }
`);
