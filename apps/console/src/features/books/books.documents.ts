import { graphql } from '@/gql';

export const BookFieldsFragment = graphql(`
  fragment BookFields on Book {
    id
    name
    description
    discountType
    discountValue
    validFrom
    validUntil
    maxAssignmentsPerUser
    allowMultipleRedemptions
    maxRedemptionsPerUser
    lockTtlSeconds
    metadata
    isActive
  }
`);

export const BookCountsFragment = graphql(`
  fragment BookCountsFields on Book {
    counts {
      unassigned
      assigned
      locked
      redeemed
      total
    }
  }
`);

export const BooksQuery = graphql(`
  query Books($first: Int, $after: String, $search: String) {
    books(first: $first, after: $after, search: $search) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          id
          name
          discountType
          discountValue
          validFrom
          validUntil
          isActive
          lockTtlSeconds
          ...BookCountsFields
        }
      }
    }
  }
`);

export const BookForEditQuery = graphql(`
  query BookForEdit($id: ID!) {
    book(id: $id) {
      ...BookFields
    }
  }
`);

export const CreateBookMutation = graphql(`
  mutation CreateBook($input: CreateBookInput!) {
    createBook(input: $input) {
      ...BookFields
    }
  }
`);

export const UpdateBookMutation = graphql(`
  mutation UpdateBook($id: ID!, $input: UpdateBookInput!) {
    updateBook(id: $id, input: $input) {
      ...BookFields
    }
  }
`);
