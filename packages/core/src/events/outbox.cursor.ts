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
 * ## Gaps are ranges
 * The ids missing below a row are kept as one range (`from`..`to`), however many they are, and a
 * row that shows up inside a range splits it. One transaction can hold a great many ids at once: a
 * pool distribution writes one event per coupon (up to a million) in one statement, and a claim
 * committing while it runs leaves all of them below its id. Kept one by one and capped, the
 * lowest of them were given up on at once and their events, committed a moment later, were never
 * pushed; a range costs the same for one id or a million. `maxGaps` bounds the number of ranges.
 * A read returns at most `limit` rows of the gaps too (the lowest): the rule above then resolves
 * only ranges that read covered (`gapsReadThrough`).
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
  /** How many gaps (ranges of ids) are kept at most. */
  maxGaps: number;
}

export const DEFAULT_CURSOR_OPTIONS: OutboxCursorOptions = {
  settleMs: 1_000,
  maxGapAgeMs: 30 * 60_000,
  maxGaps: 10_000,
};

/**
 * A cursor as JSON: the mark, and each open gap as `[from, detectedAt, horizon | null, to]` (ids and
 * xids as strings). `to` is left out when the gap is one id (so a cursor saved before gaps were
 * ranges reads back as it was).
 */
export interface SavedOutboxCursor {
  mark: string;
  gaps: Array<[string, number, string | null] | [string, number, string | null, string]>;
}

/** Ids `from` to `to` (both included), not seen yet, found missing together. */
interface Gap {
  from: bigint;
  to: bigint;
  detectedAt: number;
  horizon: bigint | null;
}

/** An open gap's ids: `[from, to]`, both included. */
export type GapRange = readonly [bigint, bigint];

/** What one catch-up result changed. */
export interface CursorAdvance<T> {
  /** Rows not delivered before, in id order. */
  deliver: T[];
  /** Gaps proven empty (rolled back) by this snapshot. */
  resolved: GapRange[];
  /** Gaps given up on (too old or too many): their events, if they ever commit, are not pushed. */
  abandoned: GapRange[];
}

export class OutboxCursor {
  private markValue: bigint;
  /** Disjoint, in id order. */
  private gaps: Gap[] = [];
  private readonly options: OutboxCursorOptions;

  /**
   * @param start the highest id already accounted for (history before start-up is not replayed)
   * @param openGaps ids, or ranges of ids, at or below `start` that were not visible at start-up
   */
  constructor(start: bigint, openGaps: readonly (bigint | GapRange)[], now: number, options: Partial<OutboxCursorOptions> = {}) {
    this.options = { ...DEFAULT_CURSOR_OPTIONS, ...options };
    this.markValue = start;
    const ranges = openGaps
      .map((gap): GapRange => (typeof gap === 'bigint' ? [gap, gap] : gap))
      .map(([from, to]): GapRange => [from, to < start ? to : start])
      .filter(([from, to]) => from <= to)
      .sort(([a], [b]) => compareBigints(a, b));
    for (const [from, to] of ranges) {
      const last = this.gaps[this.gaps.length - 1];
      if (!last || last.to + 1n < from) this.gaps.push({ from, to, detectedAt: now, horizon: null });
      else if (to > last.to) last.to = to;
    }
  }

  /**
   * The cursor as plain JSON, to keep it in a table (webhook fan-out shares one cursor between
   * processes); {@link OutboxCursor.restore} reads it back. Times are whatever clock `advance` was
   * given: a stored cursor must be advanced on one clock (the database's) whoever advances it.
   */
  save(): SavedOutboxCursor {
    return {
      mark: String(this.markValue),
      gaps: this.gaps.map((gap) => {
        const saved: [string, number, string | null] = [String(gap.from), gap.detectedAt, gap.horizon === null ? null : String(gap.horizon)];
        return gap.to === gap.from ? saved : [...saved, String(gap.to)];
      }),
    };
  }

  /** A cursor from {@link OutboxCursor.save}'s output. */
  static restore(saved: SavedOutboxCursor, options: Partial<OutboxCursorOptions> = {}): OutboxCursor {
    const cursor = new OutboxCursor(BigInt(saved.mark), [], 0, options);
    cursor.gaps = saved.gaps
      .map(([from, detectedAt, horizon, to]) => ({
        from: BigInt(from),
        to: BigInt(to ?? from),
        detectedAt,
        horizon: horizon === null ? null : BigInt(horizon),
      }))
      .sort((a, b) => compareBigints(a.from, b.from));
    return cursor;
  }

  /** Highest id seen: rows above it are new. */
  get mark(): bigint {
    return this.markValue;
  }

  /** Ids below the mark that may still commit, as ranges in id order. */
  openGaps(): GapRange[] {
    return this.gaps.map((gap) => [gap.from, gap.to] as const);
  }

  /**
   * Feeds one catch-up result: the rows of `id > mark` (any prefix of them, ascending) plus the
   * visible rows among the open gaps, all read under `snapshot` at time `now`. `gapsReadThrough`:
   * the read returned the gaps' rows only up to this id (it stopped at its limit); null or left
   * out, it returned all of them.
   */
  advance<T extends { id: string }>(rows: readonly T[], snapshot: OutboxSnapshot, now: number, gapsReadThrough: bigint | null = null): CursorAdvance<T> {
    const sorted = [...rows].sort((a, b) => compareIds(a.id, b.id));
    const filled = this.fill(sorted.map((row) => BigInt(row.id)).filter((id) => id <= this.markValue));
    const deliver: T[] = [];
    const found = new Set<Gap>();
    for (const row of sorted) {
      const id = BigInt(row.id);
      if (id > this.markValue) {
        if (id > this.markValue + 1n) {
          const gap: Gap = { from: this.markValue + 1n, to: id - 1n, detectedAt: now, horizon: null };
          this.gaps.push(gap);
          found.add(gap);
        }
        this.markValue = id;
        deliver.push(row);
      } else if (filled.delete(id)) {
        deliver.push(row);
      }
      // else: already delivered (cannot happen with one reader, but a duplicate is never re-sent)
    }
    const resolved: GapRange[] = [];
    const abandoned: GapRange[] = [];
    this.gaps = this.gaps.filter((gap) => {
      if (found.has(gap)) return true;
      if (gap.horizon === null && now - gap.detectedAt >= this.options.settleMs) gap.horizon = snapshot.xmax;
      const read = gapsReadThrough === null || gap.to <= gapsReadThrough;
      if (read && gap.horizon !== null && snapshot.xmin >= gap.horizon) {
        resolved.push([gap.from, gap.to]);
        return false;
      }
      if (now - gap.detectedAt > this.options.maxGapAgeMs) {
        abandoned.push([gap.from, gap.to]);
        return false;
      }
      return true;
    });
    // Keep memory bounded: the oldest gaps (lowest ids) go first.
    const over = this.gaps.length - this.options.maxGaps;
    if (over > 0) abandoned.push(...this.gaps.splice(0, over).map((gap) => [gap.from, gap.to] as const));
    return { deliver, resolved, abandoned };
  }

  /**
   * Takes the ids among `ids` (ascending, all at or below the mark) out of the open gaps, splitting
   * the ranges they fall in; returns those that were open (the rest were delivered before).
   */
  private fill(ids: readonly bigint[]): Set<bigint> {
    const filled = new Set<bigint>();
    if (ids.length === 0 || this.gaps.length === 0) return filled;
    const kept: Gap[] = [];
    let i = 0;
    for (const gap of this.gaps) {
      let from = gap.from;
      while (i < ids.length && ids[i] < from) i++;
      while (i < ids.length && ids[i] <= gap.to) {
        const id = ids[i++];
        if (id < from) continue; // the same id twice
        if (id > from) kept.push({ ...gap, from, to: id - 1n });
        filled.add(id);
        from = id + 1n;
      }
      if (from <= gap.to) kept.push({ ...gap, from });
    }
    this.gaps = kept;
    return filled;
  }
}

function compareIds(a: string, b: string): number {
  return compareBigints(BigInt(a), BigInt(b));
}

function compareBigints(x: bigint, y: bigint): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
