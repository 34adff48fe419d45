import { graphql } from '@/gql';

export const RedemptionFeedItemFragment = graphql(`
  fragment RedemptionFeedItem on Redemption {
    id
    redeemedAt
    coupon {
      id
      code
    }
    user {
      id
      email
    }
    bookId
  }
`);

export const LiveDashboardQuery = graphql(`
  query LiveDashboard($books: Int, $redemptions: Int) {
    books(first: $books) {
      edges {
        node {
          id
          name
          ...BookCountsFields
        }
      }
    }
    redemptions(first: $redemptions) {
      edges {
        node {
          ...RedemptionFeedItem
        }
      }
    }
  }
`);

export const RedemptionEventsSubscription = graphql(`
  subscription RedemptionFeed {
    redemptionEvents {
      ...RedemptionFeedItem
    }
  }
`);
