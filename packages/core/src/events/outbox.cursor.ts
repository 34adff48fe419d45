/**
 * Where a process has read the `coupon_event` outbox up to, and which ids below that point may
 * still appear. Pure bookkeeping (no I/O), so its rules are unit-tested on their own.
 *
 * ## Why gaps exist
 * `coupon_event.id` is a bigserial: a transaction takes its id when it inserts the row but the
 * row becomes visible only when it commits. Transaction A can take id 7, B take id 8 and commit
 * first: a reader then sees 8 but not 7. Moving a plain high-water mark to 8 would skip 7 for
 * ever once A commits. Ids are also skipped for good by rolled-back transactions.
 *
 * ## The choice: xid horizon per gap (not a timeout)
 * Every catch-up query reads the rows *and* `pg_current_snapshot()` in one statement (one
 * snapshot). The cursor keeps `mark` (highest id seen) and the set of open gaps (ids below
 * `mark` not seen yet) and asks for `id > mark OR id IN gaps` each time, so a late commit is
 * delivered whenever it shows up, and rows after a gap are delivered at once (a gap never delays
 * other events). A gap is closed for good only when it provably can no longer fill:
 *
 * 1. it is at least `settleMs` old: the owner of the id surely holds a transaction id by then
 *    (PostgreSQL assigns it microseconds after `nextval`, in the same INSERT);
 * 2. the gap then records `horizon = pg_snapshot_xmax` of that query's snapshot: every
 *    transaction that could own the id has an xid below it;
 * 3. a later (or the same) query whose snapshot has `pg_snapshot_xmin >= horizon` still does not
 *    return the row: every such transaction has ended, and a committed one would be visible in
 *    that very snapshot, so the id was rolled back. Only then is the gap dropped.
 *
 * A timeout alone would drop rows of slow transactions (a long code upload commits minutes after
 * taking its ids); this rule waits exactly as long as the owner lives. As a safety valve against
 * a transaction left open for hours, a gap older than `maxGapAgeMs` is dropped and reported (the
 * row stays in the audit table; only its live push is lost), and at most `maxGaps` are kept.
 *
 * Per-coupon order survives delivering around gaps: every transition of a coupon holds the
 * coupon's row lock (`FOR UPDATE`) from before it takes its event id until it commits, so a
 * later event of the same coupon always has a larger id *and* a later commit; rows are
 * delivered in id order within each batch.
 */
export interface OutboxSnapshot {
  /** `pg_snapshot_xmin`: every transaction with a smaller xid has ended. */
  xmin: bigint;
  /** `pg_snapshot_xmax`: every xid assigned so far is smaller. */
  xmax: bigint;
}

export interface OutboxCursorOptions {
  settleMs: number;
  maxGapAgeMs: number;
  maxGaps: number;
}

export const DEFAULT_CURSOR_OPTIONS: OutboxCursorOptions = {
  settleMs: 1_000,
  maxGapAgeMs: 30 * 60_000,
  maxGaps: 10_000,
};

/** A cursor as JSON: the mark, and each open gap as `[id, detectedAt, horizon | null]` (ids and xids as strings). */
export interface SavedOutboxCursor {
  mark: string;
  gaps: Array<[string, number, string | null]>;
}

interface Gap {
  detectedAt: number;
  horizon: bigint | null;
}

/** What one catch-up result changed. */
export interface CursorAdvance<T> {
  /** Rows not delivered before, in id order. */
  deliver: T[];
  /** Gaps proven empty (rolled back) by this snapshot. */
  resolved: bigint[];
  /** Gaps given up on (too old or too many): their events, if they ever commit, are not pushed. */
  abandoned: bigint[];
}

export class OutboxCursor {
  private markValue: bigint;
  private readonly gaps = new Map<bigint, Gap>();
  private readonly options: OutboxCursorOptions;

  /**
   * @param start the highest id already accounted for (history before start-up is not replayed)
   * @param openGaps ids at or below `start` that were not visible at start-up
   */
  constructor(start: bigint, openGaps: readonly bigint[], now: number, options: Partial<OutboxCursorOptions> = {}) {
    this.options = { ...DEFAULT_CURSOR_OPTIONS, ...options };
    this.markValue = start;
    for (const id of openGaps) if (id <= start) this.gaps.set(id, { detectedAt: now, horizon: null });
  }

  /**
   * The cursor as plain JSON, to keep it in a table (webhook fan-out shares one cursor between
   * processes); {@link OutboxCursor.restore} reads it back. Times are whatever clock `advance` was
   * given: a stored cursor must be advanced on one clock (the database's) whoever advances it.
   */
  save(): SavedOutboxCursor {
    return {
      mark: String(this.markValue),
      gaps: [...this.gaps].map(([id, gap]) => [String(id), gap.detectedAt, gap.horizon === null ? null : String(gap.horizon)]),
    };
  }

  /** A cursor from {@link OutboxCursor.save}'s output. */
  static restore(saved: SavedOutboxCursor, options: Partial<OutboxCursorOptions> = {}): OutboxCursor {
    const cursor = new OutboxCursor(BigInt(saved.mark), [], 0, options);
    for (const [id, detectedAt, horizon] of saved.gaps) {
      cursor.gaps.set(BigInt(id), { detectedAt, horizon: horizon === null ? null : BigInt(horizon) });
    }
    return cursor;
  }

  /** Highest id seen: rows above it are new. */
  get mark(): bigint {
    return this.markValue;
  }

  /** Ids below the mark that may still commit (ascending). */
  openGaps(): bigint[] {
    return [...this.gaps.keys()];
  }

  /**
   * Feeds one catch-up result: the rows of `id > mark` (any prefix of them, ascending) plus the
   * visible rows among the open gaps, all read under `snapshot` at time `now`.
   */
  advance<T extends { id: string }>(rows: readonly T[], snapshot: OutboxSnapshot, now: number): CursorAdvance<T> {
    const sorted = [...rows].sort((a, b) => compareIds(a.id, b.id));
    const deliver: T[] = [];
    const abandoned: bigint[] = [];
    const seenThisRound = new Set<bigint>();
    for (const row of sorted) {
      const id = BigInt(row.id);
      if (this.gaps.delete(id)) {
        deliver.push(row);
      } else if (id > this.markValue) {
        // A jump wider than `maxGaps` (a sequence reset, a huge rollback) keeps only its top end.
        const limit = BigInt(this.options.maxGaps);
        const from = id - this.markValue - 1n > limit ? id - limit : this.markValue + 1n;
        for (let missing = from; missing < id; missing++) {
          this.gaps.set(missing, { detectedAt: now, horizon: null });
          seenThisRound.add(missing);
        }
        this.markValue = id;
        deliver.push(row);
      }
      // else: already delivered (cannot happen with one reader, but a duplicate is never re-sent)
    }
    const resolved: bigint[] = [];
    for (const [id, gap] of this.gaps) {
      if (seenThisRound.has(id)) continue;
      if (gap.horizon === null && now - gap.detectedAt >= this.options.settleMs) gap.horizon = snapshot.xmax;
      if (gap.horizon !== null && snapshot.xmin >= gap.horizon) {
        this.gaps.delete(id);
        resolved.push(id);
      } else if (now - gap.detectedAt > this.options.maxGapAgeMs) {
        this.gaps.delete(id);
        abandoned.push(id);
      }
    }
    // Keep memory bounded: the oldest gaps (lowest ids, first in insertion order) go first.
    for (const id of this.gaps.keys()) {
      if (this.gaps.size <= this.options.maxGaps) break;
      this.gaps.delete(id);
      abandoned.push(id);
    }
    return { deliver, resolved, abandoned };
  }
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
