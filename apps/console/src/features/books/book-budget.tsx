import { graphql } from '@/gql';
import type { BookBudgetFieldsFragment } from '@/gql/graphql';
import { formatCount } from '@/lib/format/format';

/** A book's budgets and what its standing redemptions have used of them. */
export const BookBudgetFields = graphql(`
  fragment BookBudgetFields on Book {
    currency
    maxTotalRedemptions
    maxTotalDiscountAmount
    redeemedTotal
    discountTotal
  }
`);

const money = (amount: string, currency: string | null) => `${amount}${currency ? ` ${currency}` : ''}`;

/** "used / budget" for the redemptions and the discount of a book ("No limit" without a budget). */
export function BookBudget({ book }: { book: BookBudgetFieldsFragment }) {
  return (
    <dl className="facts" aria-label="Budget">
      <div>
        <dt>Redemptions used</dt>
        <dd data-testid="budget-redemptions">
          {formatCount(book.redeemedTotal)} / {book.maxTotalRedemptions == null ? 'no limit' : formatCount(book.maxTotalRedemptions)}
        </dd>
      </div>
      <div>
        <dt>Discount granted</dt>
        <dd data-testid="budget-discount">
          {money(book.discountTotal, book.currency)} / {book.maxTotalDiscountAmount == null ? 'no limit' : money(book.maxTotalDiscountAmount, book.currency)}
        </dd>
      </div>
    </dl>
  );
}
