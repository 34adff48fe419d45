import { badInput } from './errors.ts';
import { requireUuid } from './validation.ts';

/** Relay-style page request: `first` items after the opaque cursor `after`. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** One page of a keyset-paginated list; the API turns it into a Relay connection. */
export interface Page<T> {
  items: T[];
  /** The cursor of each item, same order as `items`. */
  cursors: string[];
  totalCount: number;
  hasNextPage: boolean;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Validates `first` (1..100, default 20). */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput('first', `must be an integer between 1 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/** Cursors are opaque to clients: base64url of a JSON array of keyset values. */
export function encodeCursor(values: Array<string | number>): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor}; anything else is BAD_USER_INPUT on `after`. */
export function decodeCursor(cursor: string, shape: Array<'string' | 'number'>): Array<string | number> {
  try {
    if (cursor.length > 512) throw new Error('too long');
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(values) || values.length !== shape.length) throw new Error('shape');
    values.forEach((v, i) => {
      if (typeof v !== shape[i]) throw new Error('type');
    });
    return values;
  } catch {
    throw badInput('after', 'is not a valid cursor');
  }
}

/** Builds a page from `limit + 1` fetched rows (the extra row only tells `hasNextPage`). */
export function toPage<T>(rows: T[], limit: number, totalCount: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  return { items, cursors: items.map(cursorOf), totalCount, hasNextPage: rows.length > limit };
}

/** The cursor of a row in a list ordered by a time, then an id (`created_at, id`). */
export function encodeTimeCursor(at: Date, id: string): string {
  return encodeCursor([at.toISOString(), id]);
}

/** The time and id inside an {@link encodeTimeCursor} cursor; anything else is BAD_USER_INPUT on `after`. */
export function decodeTimeCursor(after: string): { at: Date; id: string } {
  const [iso, id] = decodeCursor(after, ['string', 'string']) as [string, string];
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) throw badInput('after', 'is not a valid cursor');
  return { at, id: requireUuid('after', id) };
}
