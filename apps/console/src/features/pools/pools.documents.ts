import { graphql } from '@/gql';

export const PoolsQuery = graphql(`
  query Pools($first: Int) {
    pools(first: $first) {
      totalCount
      pageInfo {
        hasNextPage
      }
      edges {
        node {
          id
          name
          description
          memberCount
        }
      }
    }
  }
`);

export const CreatePoolMutation = graphql(`
  mutation CreatePool($name: String!, $description: String) {
    createPool(name: $name, description: $description) {
      id
      name
      description
      memberCount
    }
  }
`);

export const PoolDetailQuery = graphql(`
  query PoolDetail($id: ID!, $first: Int) {
    pool(id: $id) {
      id
      name
      description
      memberCount
      members(first: $first) {
        totalCount
        pageInfo {
          hasNextPage
        }
        edges {
          node {
            id
            email
            role
          }
        }
      }
    }
  }
`);

export const AddPoolMembersMutation = graphql(`
  mutation AddPoolMembers($poolId: ID!, $emails: [String!], $userIds: [ID!]) {
    addPoolMembers(poolId: $poolId, emails: $emails, userIds: $userIds) {
      id
      memberCount
      unknownEmails
    }
  }
`);

export const RemovePoolMembersMutation = graphql(`
  mutation RemovePoolMembers($poolId: ID!, $userIds: [ID!]!) {
    removePoolMembers(poolId: $poolId, userIds: $userIds) {
      id
      memberCount
    }
  }
`);

export const UserSuggestionsQuery = graphql(`
  query UserSuggestions($emailContains: String, $first: Int) {
    users(emailContains: $emailContains, first: $first) {
      edges {
        node {
          id
          email
          role
        }
      }
    }
  }
`);

export const BookOptionsQuery = graphql(`
  query BookOptions($first: Int) {
    books(first: $first) {
      edges {
        node {
          id
          name
          counts {
            unassigned
          }
        }
      }
    }
  }
`);

export const PreviewDistributionMutation = graphql(`
  mutation PreviewDistribution($poolId: ID!, $bookId: ID!, $mode: DistributionMode!, $count: Int!) {
    previewDistribution(poolId: $poolId, bookId: $bookId, mode: $mode, count: $count) {
      mode
      requested
      available
      totalAssigned
      shortfall
      seed
      perUser {
        userId
        count
        skippedReason
        user {
          id
          email
        }
      }
    }
  }
`);

export const DistributeToPoolMutation = graphql(`
  mutation DistributeToPool($poolId: ID!, $bookId: ID!, $mode: DistributionMode!, $count: Int!, $seed: String) {
    distributeToPool(poolId: $poolId, bookId: $bookId, mode: $mode, count: $count, seed: $seed) {
      id
      mode
      requested
      assigned
      createdAt
    }
  }
`);
