import { graphql } from '@/gql';
import type { BookFactsFragment } from '@/gql/graphql';
import { formatDiscount } from '@/lib/format/format';
import { formatValidity } from './book-table';

/** What the rules line of a book page shows. */
export const BookFacts = graphql(`
  fragment BookFacts on Book {
    discountType
    discountValue
    currency
    validFrom
    validUntil
    maxAssignmentsPerUser
    allowMultipleRedemptions
    maxRedemptionsPerUser
    lockTtlSeconds
  }
`);

/** A book's rules at a glance: discount, validity, limits and lock time. */
export function BookFactList({ book }: { book: BookFactsFragment }) {
  return (
    <dl className="facts">
      <div>
        <dt>Discount</dt>
        <dd>{formatDiscount(book.discountType, book.discountValue, book.currency)}</dd>
      </div>
      <div>
        <dt>Valid</dt>
        <dd>{formatValidity(book)}</dd>
      </div>
      <div>
        <dt>Per user</dt>
        <dd>{book.maxAssignmentsPerUser == null ? 'No limit' : `${book.maxAssignmentsPerUser} coupon${book.maxAssignmentsPerUser === 1 ? '' : 's'}`}</dd>
      </div>
      <div>
        <dt>Redemptions</dt>
        <dd>
          {book.allowMultipleRedemptions ? `Several${book.maxRedemptionsPerUser == null ? '' : ` (up to ${book.maxRedemptionsPerUser} per user)`}` : 'Once per coupon'}
        </dd>
      </div>
      <div>
        <dt>Lock time</dt>
        <dd>{book.lockTtlSeconds} s</dd>
      </div>
    </dl>
  );
}
