import { graphql } from '@/gql';

export const CouponRowFragment = graphql(`
  fragment CouponRow on Coupon {
    id
    code
    state
    lockExpiresAt
    redemptionCount
    assignedAt
    user {
      id
      email
    }
  }
`);

export const BookDetailQuery = graphql(`
  query BookDetail($id: ID!) {
    book(id: $id) {
      ...BookFields
      ...BookCountsFields
    }
  }
`);

export const BookCouponsQuery = graphql(`
  query BookCoupons($id: ID!, $first: Int, $after: String, $state: CouponState) {
    book(id: $id) {
      id
      coupons(first: $first, after: $after, state: $state) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            ...CouponRow
          }
        }
      }
    }
  }
`);

export const BookCouponEventsSubscription = graphql(`
  subscription BookCouponEvents($bookId: ID!) {
    couponEvents(bookId: $bookId) {
      id
      type
      at
      serverTime
      fromState
      toState
      coupon {
        ...CouponRow
      }
    }
  }
`);

export const BookStatsSubscription = graphql(`
  subscription BookStatsLive($bookId: ID!) {
    bookStats(bookId: $bookId) {
      bookId
      unassigned
      assigned
      locked
      redeemed
      activeLocks
      redemptionsLastMinute
      serverTime
    }
  }
`);

export const UploadCodesMutation = graphql(`
  mutation UploadCodes($bookId: ID!, $csv: String!) {
    uploadCodes(bookId: $bookId, csv: $csv) {
      inserted
      duplicateCount
      invalidCount
      duplicates {
        line
        code
        reason
      }
      invalid {
        line
        code
        reason
      }
    }
  }
`);

export const GenerateCodesMutation = graphql(`
  mutation GenerateCodes($bookId: ID!, $input: GenerateCodesInput!) {
    generateCodes(bookId: $bookId, input: $input) {
      jobId
      status
      requested
      generated
    }
  }
`);

export const CodeJobSubscription = graphql(`
  subscription CodeJobProgress($jobId: ID!) {
    codeJob(jobId: $jobId) {
      jobId
      status
      total
      processed
      inserted
    }
  }
`);

export const BookRedemptionsQuery = graphql(`
  query BookRedemptions($bookId: ID!, $first: Int) {
    redemptions(bookId: $bookId, first: $first) {
      totalCount
      edges {
        node {
          id
          redeemedAt
          reversedAt
          reversalReason
          coupon {
            id
            code
          }
          user {
            id
            email
          }
        }
      }
    }
  }
`);

export const BookRedemptionEventsSubscription = graphql(`
  subscription BookRedemptionEvents($bookId: ID!) {
    redemptionEvents(bookId: $bookId) {
      id
      reversedAt
    }
  }
`);

export const ReverseRedemptionMutation = graphql(`
  mutation ReverseRedemption($redemptionId: ID!, $reason: String!) {
    reverseRedemption(redemptionId: $redemptionId, reason: $reason) {
      id
      reversedAt
      reversalReason
      coupon {
        id
        state
        redemptionCount
      }
    }
  }
`);
