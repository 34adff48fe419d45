import { describe, expect, it } from 'vitest';
import type { RedemptionFeedItemFragment as FeedItem } from '@/gql/graphql';
import { arrivalKey, toFeedEntries } from './feed-entries';

const at = (second: number) => new Date(Date.UTC(2026, 11, 4, 12, 0, second)).toISOString();

function redemption(id: string, redeemedSecond: number, reversedSecond: number | null = null, code = 'SPRING-1'): FeedItem {
  return {
    id,
    redeemedAt: at(redeemedSecond),
    reversedAt: reversedSecond === null ? null : at(reversedSecond),
    reversalReason: reversedSecond === null ? null : 'refund',
    coupon: { id: 'c1', code },
    user: { id: 'u1', email: 'ann@example.com' },
    bookId: 'b1',
  };
}

const lines = (entries: ReturnType<typeof toFeedEntries>) =>
  entries.map((e) => `${e.at.slice(17, 19)} ${e.kind}${e.kind === 'REDEEMED' && e.reversed ? ' (reversed)' : ''} ${e.redemption.id}`);

describe('toFeedEntries', () => {
  it('a redemption and its reversal are two lines, the reversal newest, the redemption marked reversed', () => {
    // As the feed hears them: the redemption, then the same redemption again once reversed.
    const entries = toFeedEntries([redemption('r1', 10, 20), redemption('r1', 10)], 50);
    expect(lines(entries)).toEqual(['20 REVERSED r1', '10 REDEEMED (reversed) r1']);
    expect(entries.map((e) => e.key)).toEqual(['r1:reversed', 'r1:redeemed']);
  });

  it('one code redeemed and reversed three times reads as three redemptions and three reversals, in time order', () => {
    const heard = [redemption('r3', 50), redemption('r2', 30, 40), redemption('r1', 10, 20), redemption('r2', 30), redemption('r1', 10)];
    expect(lines(toFeedEntries(heard, 50))).toEqual([
      '50 REDEEMED r3',
      '40 REVERSED r2',
      '30 REDEEMED (reversed) r2',
      '20 REVERSED r1',
      '10 REDEEMED (reversed) r1',
    ]);
  });

  it('keeps what it knows of a reversal whatever the order it heard things in, and keeps `limit` lines', () => {
    const heard = [redemption('r1', 10), redemption('r1', 10, 20), redemption('r2', 15)];
    expect(lines(toFeedEntries(heard, 2))).toEqual(['20 REVERSED r1', '15 REDEEMED r2']);
  });

  it('a message adds the line of its latest event', () => {
    expect(arrivalKey(redemption('r1', 10))).toBe('r1:redeemed');
    expect(arrivalKey(redemption('r1', 10, 20))).toBe('r1:reversed');
  });
});
