import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { render, screen, within } from '@testing-library/react';
import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RedemptionFeedItemFragment as FeedItem } from '@/gql/graphql';
import { toFeedEntries } from './feed-entries';
import { RedemptionFeed } from './redemption-feed';

// The feed as a person reads it: a reversal is a line of its own with its reason as text, and
// the redemption it reversed says so (not a second identical "Redeemed").

const item = (id: string, redeemedAt: string, reversedAt: string | null): FeedItem => ({
  id,
  redeemedAt,
  reversedAt,
  reversalReason: reversedAt ? 'order refunded' : null,
  coupon: { id: 'c1', code: 'SPRING-7' },
  user: { id: 'u1', email: 'ann@example.com' },
  bookId: 'b1',
});

/** Answers every BookSummary (the book name of each line). */
const books = new ApolloLink(() =>
  of({ data: { book: { __typename: 'Book', id: 'b1', updatedAt: '2026-12-07T10:00:00.000Z', name: 'Spring sale', discountType: 'PERCENTAGE', discountValue: 10, validUntil: null, isActive: true } } }),
);

describe('RedemptionFeed', () => {
  it('shows a redemption and its reversal as two lines, the redemption marked reversed', async () => {
    const client = new ApolloClient({ link: books, cache: new InMemoryCache() });
    const entries = toFeedEntries([item('r2', '2026-12-04T12:00:30.000Z', null), item('r1', '2026-12-04T12:00:10.000Z', '2026-12-04T12:00:20.000Z')], 50);
    render(
      <ApolloProvider client={client}>
        <RedemptionFeed entries={entries} freshKeys={new Set(['r1:reversed'])} />
      </ApolloProvider>,
    );
    const lines = within(screen.getByRole('list')).getAllByRole('listitem');
    expect(lines.map((line) => [line.dataset.kind, line.dataset.reversed])).toEqual([
      ['REDEEMED', 'false'],
      ['REVERSED', undefined],
      ['REDEEMED', 'true'],
    ]);
    expect(within(lines[0]).getByText('Redeemed')).toBeTruthy();
    expect(within(lines[1]).getByText('Reversal')).toBeTruthy();
    expect(lines[1].textContent).toContain('order refunded');
    expect(within(lines[2]).getByText('Redeemed · reversed')).toBeTruthy();
    expect(await within(lines[2]).findByRole('link', { name: 'Spring sale' })).toBeTruthy();
  });
});
