import { InMemoryCache } from '@apollo/client';
import { parse } from 'graphql';

type Written = Parameters<InMemoryCache['write']>[0];
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * The types whose `updatedAt` grows with every change, in commit order (the API's Coupon.updatedAt
 * and Book.updatedAt), and their fields that change without it: a book's counts and budget
 * counters move with every claim and redemption, so they are taken as they come, never ordered.
 */
const VERSIONED: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['Coupon', new Set<string>()],
  ['Book', new Set(['counts', 'redeemedTotal', 'discountTotal', 'redemptionsLeft', 'discountLeft'])],
]);

/**
 * The console's cache. A coupon reaches it from queries, mutation answers and `couponEvents`,
 * which can arrive out of order: a list read before a lock can answer after the lock's event, and
 * would put the coupon back to ASSIGNED until its next event (a book likewise: a list read before
 * a pause, answering after it, would show it ACTIVE). Their `updatedAt` grows
 * with every change, in commit order, so every write here keeps the later copy: a
 * coupon older than the one cached is written with the cached values of the fields the cache has
 * (the fields only it has are taken as they come; a nested object that is another entity, such as a
 * holder since replaced, is the cache's whole). On a tie the incoming copy wins: the same
 * version read later (a lock since expired reads as ASSIGNED). A copy without `updatedAt` is
 * written as it comes. Apollo's `merge` functions cannot do this: they see a normalised coupon's
 * fields one by one, never the two versions whole.
 */
export class ConsoleCache extends InMemoryCache {
  constructor() {
    super({
      typePolicies: {
        Query: {
          fields: {
            // Cache redirect: `book(id)` reads a Book any list already loaded before going to the network.
            book: { read: (existing, { args, toReference }) => existing ?? (args?.id ? toReference({ __typename: 'Book', id: args.id as string }) : undefined) },
          },
        },
        BookStats: { keyFields: ['bookId'] },
        CodeJobProgress: { keyFields: ['jobId'] },
        BookCounts: { keyFields: false, merge: true },
        Book: { fields: { counts: { merge: true } } },
      },
    });
  }

  override write(options: Written): ReturnType<InMemoryCache['write']> {
    return super.write({ ...options, result: this.keepLater(options.result as Json) });
  }

  /** `value` with every coupon or book older than the cached one replaced by what the cache holds of it. */
  private keepLater(value: Json): Json {
    if (Array.isArray(value)) return value.map((item) => this.keepLater(item));
    if (value === null || typeof value !== 'object') return value;
    const copy: { [key: string]: Json } = {};
    for (const [key, field] of Object.entries(value)) copy[key] = this.keepLater(field);
    const typename = copy.__typename;
    const unversioned = typeof typename === 'string' ? VERSIONED.get(typename) : undefined;
    if (!unversioned || typeof copy.id !== 'string' || typeof copy.updatedAt !== 'string') return copy;
    const id = this.identify({ __typename: typename as string, id: copy.id });
    const cached = id ? this.cachedCopy(id, typename as string, copy) : null;
    if (!cached || typeof cached.updatedAt !== 'string' || Date.parse(cached.updatedAt) <= Date.parse(copy.updatedAt)) return copy;
    const kept = { ...cached };
    for (const field of unversioned) delete kept[field];
    return overlay(copy, kept);
  }

  /**
   * What the cache holds of `copy`'s fields. Keeping the later copy must never cost a page its
   * data: should the cache refuse the read, the incoming copy is written as it comes (and the
   * error reported in development).
   */
  private cachedCopy(id: string, typename: string, copy: { [key: string]: Json }): { [key: string]: Json } | null {
    try {
      return this.readFragment<{ [key: string]: Json }>({ id, fragment: fragmentOf(typename, copy), returnPartialData: true });
    } catch (error) {
      if (process.env.NODE_ENV !== 'production') console.error('ConsoleCache: could not read the cached copy', id, error);
      return null;
    }
  }
}

/**
 * `incoming` with each field the cache has (`cached`, partial) taken from the cache. A nested object
 * of the same entity (same id, or none) is overlaid field by field; one that is another entity
 * (the coupon changed holder since the stale copy) is taken whole from the cache, since the stale
 * copy's fields describe the old holder, not the new one.
 */
function overlay(incoming: { [key: string]: Json }, cached: { [key: string]: Json }): { [key: string]: Json } {
  const result = { ...incoming };
  for (const [key, value] of Object.entries(cached)) {
    if (value === undefined) continue;
    const mine = incoming[key];
    result[key] = isObject(value) && isObject(mine) && sameEntity(mine, value) ? overlay(mine, value) : value;
  }
  return result;
}

/**
 * A GraphQL object in a result (Apollo adds `__typename` to every selection set), as opposed to a
 * JSON scalar's value (a book's or coupon's `metadata`), which is a leaf: taken whole, never
 * selected into.
 */
function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value.__typename === 'string';
}

/** Same id, or neither has one (a value object such as a discount). */
function sameEntity(a: { [key: string]: Json }, b: { [key: string]: Json }): boolean {
  return a.id === b.id;
}

const fragments = new Map<string, ReturnType<typeof parse>>();

/** A fragment on `typename` selecting the fields `value` has (nested objects by their own fields). */
function fragmentOf(typename: string, value: { [key: string]: Json }) {
  const source = `fragment Cached on ${typename} ${selectionOf(value)}`;
  let fragment = fragments.get(source);
  if (!fragment) {
    // parse, not a gql tag: codegen collects tagged documents, and this one is made at run time.
    fragment = parse(source);
    fragments.set(source, fragment);
  }
  return fragment;
}

function selectionOf(value: { [key: string]: Json }): string {
  const fields = Object.entries(value).map(([key, field]) => {
    const sample = Array.isArray(field) ? field.find((item) => isObject(item)) : field;
    return isObject(sample) ? `${key} ${selectionOf(sample)}` : key;
  });
  return `{ ${fields.join(' ')} }`;
}

/** The console's cache (see {@link ConsoleCache}). */
export function createConsoleCache(): ConsoleCache {
  return new ConsoleCache();
}
