import { type ServiceContext, unsafeGetCouponsByIds, unsafeGetUsersByIds } from '@coupons/core';
import {
  type BookCounts,
  countPoolMembers,
  loadBookCounts,
  loadRedemptionTotals,
  unsafeGetBooksByIds,
  unsafeGetPoolsByIds,
} from '@coupons/core';
import DataLoader from 'dataloader';

/**
 * A DataLoader that fetches rows by id in one query per tick and answers `null` for ids that do
 * not exist. `fetch` may return rows in any order and skip unknown ids.
 */
export function loaderById<T extends { id: string }>(
  fetch: (ids: readonly string[]) => Promise<T[]>,
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const byId = new Map((await fetch(ids)).map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/**
 * Every per-request DataLoader, by name. To add one, add a line here: its factory receives the
 * request's ServiceContext and usually wraps a core `unsafeGet…ByIds` function with
 * {@link loaderById}. Resolvers then use `ctx.loaders.<name>.load(id)`.
 */
const loaderFactories = {
  userById: (ctx: ServiceContext) => loaderById((ids) => unsafeGetUsersByIds(ctx, ids)),
  couponById: (ctx: ServiceContext) => loaderById((ids) => unsafeGetCouponsByIds(ctx, ids)),
  bookById: (ctx: ServiceContext) => loaderById((ids) => unsafeGetBooksByIds(ctx, ids)),
  /** Coupon counts per state of many books: one GROUP BY per tick. */
  bookCounts: (ctx: ServiceContext) => new DataLoader<string, BookCounts>((ids) => loadBookCounts(ctx, ids)),
  /** Standing redemptions and their discount of many books without a budget: one statement per tick. */
  bookRedemptionTotals: (ctx: ServiceContext) => new DataLoader<string, { n: number; discount: string }>((ids) => loadRedemptionTotals(ctx, ids)),
  poolById: (ctx: ServiceContext) => loaderById((ids) => unsafeGetPoolsByIds(ctx, ids)),
  poolMemberCount: (ctx: ServiceContext) => new DataLoader<string, number>((ids) => countPoolMembers(ctx, ids)),
} satisfies Record<string, (ctx: ServiceContext) => DataLoader<any, any>>;

/** The loaders of one request (or of one subscription event). */
export type Loaders = { [K in keyof typeof loaderFactories]: ReturnType<(typeof loaderFactories)[K]> };

/** Fresh loaders: created per HTTP request, so one request's cache never serves another. */
export function createLoaders(ctx: ServiceContext): Loaders {
  return Object.fromEntries(
    Object.entries(loaderFactories).map(([name, factory]) => [name, factory(ctx)]),
  ) as Loaders;
}

/** Empties every loader's cache (between the events of a long-lived subscription). */
export function clearLoaders(loaders: Loaders): void {
  for (const loader of Object.values(loaders)) (loader as DataLoader<unknown, unknown>).clearAll();
}
