import { describe, expect, it } from 'vitest';
import { OutboxCursor } from './outbox.cursor.ts';

const rows = (...ids: number[]) => ids.map((id) => ({ id: String(id) }));
const ids = (list: Array<{ id: string }>) => list.map((r) => Number(r.id));
const snap = (xmin: number, xmax: number) => ({ xmin: BigInt(xmin), xmax: BigInt(xmax) });

describe('OutboxCursor', () => {
  it('delivers new rows in id order and moves the mark', () => {
    const cursor = new OutboxCursor(10n, [], 0);
    const result = cursor.advance(rows(12, 11, 13), snap(100, 100), 0);
    expect(ids(result.deliver)).toEqual([11, 12, 13]);
    expect(cursor.mark).toBe(13n);
    expect(cursor.openGaps()).toEqual([]);
  });

  it('never delivers a row twice', () => {
    const cursor = new OutboxCursor(0n, [], 0);
    cursor.advance(rows(1, 2), snap(5, 5), 0);
    expect(ids(cursor.advance(rows(1, 2, 3), snap(5, 5), 1).deliver)).toEqual([3]);
  });

  it('keeps an id that committed out of order as a gap and delivers it when it shows up', () => {
    const cursor = new OutboxCursor(0n, [], 0, { settleMs: 1000 });
    // id 1 belongs to a transaction still running; 2 is visible.
    expect(ids(cursor.advance(rows(2), snap(50, 52), 0).deliver)).toEqual([2]);
    expect(cursor.openGaps()).toEqual([[1n, 1n]]);
    // The slow transaction commits much later: its row still arrives, exactly once.
    const later = cursor.advance(rows(1, 3), snap(60, 60), 60_000);
    expect(ids(later.deliver)).toEqual([1, 3]);
    expect(cursor.openGaps()).toEqual([]);
  });

  it('holds a gap while any transaction that could own it is running, however long', () => {
    const cursor = new OutboxCursor(0n, [], 0, { settleMs: 1000 });
    cursor.advance(rows(2), snap(50, 52), 0);
    // Settled: horizon = xmax 55 of this snapshot; xid 50 is still running (xmin 50).
    expect(cursor.advance([], snap(50, 55), 1500).resolved).toEqual([]);
    expect(cursor.advance([], snap(54, 70), 600_000).resolved).toEqual([]);
    expect(cursor.openGaps()).toEqual([[1n, 1n]]);
    // Every transaction below the horizon has ended and the row is not there: it rolled back.
    expect(cursor.advance([], snap(55, 80), 700_000).resolved).toEqual([[1n, 1n]]);
    expect(cursor.openGaps()).toEqual([]);
  });

  it('does not close a gap before it has settled, even when no transaction is running', () => {
    const cursor = new OutboxCursor(0n, [], 0, { settleMs: 1000 });
    cursor.advance(rows(3), snap(40, 40), 0);
    expect(cursor.advance([], snap(40, 40), 500).resolved).toEqual([]);
    expect(cursor.advance([], snap(41, 41), 1000).resolved).toEqual([[1n, 2n]]);
  });

  it('abandons a gap past maxGapAgeMs and reports it', () => {
    const cursor = new OutboxCursor(0n, [], 0, { settleMs: 10, maxGapAgeMs: 1000 });
    cursor.advance(rows(2), snap(7, 9), 0);
    const result = cursor.advance([], snap(7, 12), 2000);
    expect(result.abandoned).toEqual([[1n, 1n]]);
    expect(cursor.openGaps()).toEqual([]);
  });

  it('bounds the number of open gaps, dropping the oldest', () => {
    const cursor = new OutboxCursor(0n, [], 0, { maxGaps: 3 });
    const result = cursor.advance(rows(2, 4, 6, 8, 10), snap(1, 1), 0);
    expect(cursor.openGaps()).toEqual([[5n, 5n], [7n, 7n], [9n, 9n]]);
    expect(result.abandoned).toEqual([[1n, 1n], [3n, 3n]]);
    expect(ids(result.deliver)).toEqual([2, 4, 6, 8, 10]);
  });

  // A pool distribution writes one event per coupon in one transaction; a claim committing while
  // it runs leaves every one of them below the claim's id. They were kept one by one, at most
  // maxGaps (10,000) of them: the lowest were given up on and never pushed once they committed.
  it('keeps any number of ids missing below a row as one gap, and delivers each when it commits', () => {
    const cursor = new OutboxCursor(0n, [], 0, { maxGaps: 3 });
    const claim = cursor.advance(rows(50_001), snap(1, 3), 0);
    expect(ids(claim.deliver)).toEqual([50_001]);
    expect(claim.abandoned).toEqual([]);
    expect(cursor.openGaps()).toEqual([[1n, 50_000n]]);
    // Part of it commits (another transaction's ids were mixed in, or a read stopped at its limit): the rest stays open.
    const part = cursor.advance(rows(1, 2, 10, 49_999), snap(2, 3), 10);
    expect(ids(part.deliver)).toEqual([1, 2, 10, 49_999]);
    expect(cursor.openGaps()).toEqual([[3n, 9n], [11n, 49_998n], [50_000n, 50_000n]]);
    const all = Array.from({ length: 50_000 }, (_, i) => i + 1);
    const rest = cursor.advance(rows(...all), snap(3, 3), 20);
    expect(rest.deliver).toHaveLength(50_000 - 4);
    expect(cursor.openGaps()).toEqual([]);
  });

  it('resolves only the gaps a read covered when it stopped at its limit', () => {
    const cursor = new OutboxCursor(0n, [], 0, { settleMs: 10 });
    cursor.advance(rows(5, 10), snap(50, 52), 0); // gaps 1-4, 6-9
    // Settled, every owner ended; the read returned gap rows only up to 2 (its limit): 6-9 was not looked at.
    const limited = cursor.advance(rows(1, 2), snap(60, 60), 100, 2n);
    expect(ids(limited.deliver)).toEqual([1, 2]);
    expect(limited.resolved).toEqual([]);
    expect(cursor.openGaps()).toEqual([[3n, 4n], [6n, 9n]]);
    const whole = cursor.advance(rows(7), snap(60, 60), 200);
    expect(ids(whole.deliver)).toEqual([7]);
    expect(whole.resolved).toEqual([[3n, 4n], [6n, 6n], [8n, 9n]]);
  });

  it('starts with the gaps seen at start-up', () => {
    const cursor = new OutboxCursor(5n, [3n], 0);
    expect(ids(cursor.advance(rows(3, 6), snap(1, 1), 10).deliver)).toEqual([3, 6]);
  });

  it('starts with ranges seen at start-up: merged where they touch, cut at the mark', () => {
    const cursor = new OutboxCursor(100n, [[50n, 200n], [3n, 5n], [6n, 6n], 9n], 0);
    expect(cursor.openGaps()).toEqual([[3n, 6n], [9n, 9n], [50n, 100n]]);
    expect(ids(cursor.advance(rows(4, 60, 101), snap(1, 1), 10).deliver)).toEqual([4, 60, 101]);
  });

  it('saves and restores its mark and gaps (horizons too), so a stored cursor goes on where it stopped', () => {
    const cursor = new OutboxCursor(0n, [], 0, { settleMs: 1000 });
    cursor.advance(rows(2, 5), snap(50, 52), 0); // gaps 1, 3, 4
    cursor.advance(rows(), snap(50, 53), 2_000); // they settle: horizon 53
    const saved = JSON.parse(JSON.stringify(cursor.save()));
    const restored = OutboxCursor.restore(saved, { settleMs: 1000 });
    expect(restored.mark).toBe(5n);
    expect(restored.openGaps()).toEqual([[1n, 1n], [3n, 4n]]);
    // 3 commits late and is delivered; the snapshot passes the horizon, so 1 and 4 are proven empty.
    const next = restored.advance(rows(3, 6), snap(53, 54), 3_000);
    expect(ids(next.deliver)).toEqual([3, 6]);
    expect(next.resolved).toEqual([[1n, 1n], [4n, 4n]]);
    expect(restored.openGaps()).toEqual([]);
  });

  it('reads back a cursor saved before gaps were ranges (one id each)', () => {
    const restored = OutboxCursor.restore({ mark: '9', gaps: [['3', 0, null], ['7', 0, '40']] }, { settleMs: 1000 });
    expect(restored.openGaps()).toEqual([[3n, 3n], [7n, 7n]]);
    expect(restored.save().gaps).toEqual([['3', 0, null], ['7', 0, '40']]);
  });
});

