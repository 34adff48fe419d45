import type { RedemptionFeedItemFragment as FeedItem } from '@/gql/graphql';

/**
 * One line of the Live feed. A redemption and its reversal are two events, so they are two
 * lines, each at its own time: the redemption (marked `reversed` once it has been) and, later,
 * the reversal that gave the use back.
 */
export type FeedEntry =
  | { key: string; kind: 'REDEEMED'; at: string; redemption: FeedItem; reversed: boolean }
  | { key: string; kind: 'REVERSED'; at: string; redemption: FeedItem };

/**
 * The feed from every redemption known (the first read, then each `redemptionEvents` message:
 * a redemption, or the same redemption again when reversed): one version per redemption, the
 * one that knows of a reversal winning, then a line per event, newest first, `limit` lines.
 */
export function toFeedEntries(redemptions: Iterable<FeedItem>, limit: number): FeedEntry[] {
  const byId = new Map<string, FeedItem>();
  for (const item of redemptions) {
    const known = byId.get(item.id);
    if (!known || (!known.reversedAt && item.reversedAt)) byId.set(item.id, item);
  }
  const entries: FeedEntry[] = [];
  for (const redemption of byId.values()) {
    entries.push({ key: `${redemption.id}:redeemed`, kind: 'REDEEMED', at: redemption.redeemedAt, redemption, reversed: Boolean(redemption.reversedAt) });
    if (redemption.reversedAt) entries.push({ key: `${redemption.id}:reversed`, kind: 'REVERSED', at: redemption.reversedAt, redemption });
  }
  // Newest first; at the same instant the reversal (it came after its redemption) goes first.
  entries.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.kind === b.kind ? 0 : a.kind === 'REVERSED' ? -1 : 1));
  return entries.slice(0, limit);
}

/** The key of the line a `redemptionEvents` message adds: its reversal once reversed, else the redemption. */
export function arrivalKey(item: FeedItem): string {
  return item.reversedAt ? `${item.id}:reversed` : `${item.id}:redeemed`;
}
