import { holdLock, lockWaiters } from '@coupons/db/testing';
import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createUser, serviceAnswer, useServiceTest } from '../../testing/index.ts';
import { updateBook } from '../../src/books/book.service.ts';
import { assignRandomCoupon } from '../../src/coupons/index.ts';

// updateBook may change a book's terms (discount type, value, currency) only while no coupon of
// it was ever given out (a counter row exists from the first claim on). It holds the book
// `FOR UPDATE` while it looks (after closing the book's gate, coupons/book-gate.sql.ts, which the
// claim holds shared from its first statement). The book's first claim reads the book in its second statement:
// that read must not be older than an update which found no coupon out, or both answer as if
// each came first (the update changed the terms and ended the window; the claim took a coupon
// on the old window). The claim is paused inside that statement, after its snapshot and before
// its counter row, by a transaction of the test's own that inserted the same counter row
// (uncommitted, with its foreign-key check off, so it holds nothing of the book).

const t = useServiceTest({ poolSize: 20 });
const admin = () => contextFor(t.db, t.admin);

describe('updateBook racing the first claim of a book', () => {
  it('the claim has read the book when the update comes: the update waits for it, then refuses the terms (coupons are out)', async () => {
    const { bookId } = await createBook(t.db, 5);
    const shopper = await createUser(t.db);
    const counter = await holdLock(t.db.pool, 'SET LOCAL session_replication_role = replica');
    await counter.client.query(
      `INSERT INTO user_book_counter (user_id, book_id, assigned_count, redeemed_count, max_assignments) VALUES ($1, $2, 0, 0, NULL)`,
      [shopper.userId, bookId],
    );
    const claimed = serviceAnswer(assignRandomCoupon(contextFor(t.db, shopper), { bookId }));
    await lockWaiters(t.db.pool, 1, { like: '%WITH target AS (SELECT c.id, c.book_id%', blockedBy: counter.pid });
    let updateSettled = false;
    const updated = serviceAnswer(
      updateBook(admin(), bookId, { discountValue: 50, validFrom: new Date(Date.now() + 86_400_000) }),
    ).finally(() => {
      updateSettled = true;
    });
    // Either the update waits (for the claim's hold on the book: its gate, which the claim took in
    // its first statement, or its row), or it did not have to.
    await lockWaiters(t.db.pool, 1, { like: ['%FROM book WHERE id = %FOR UPDATE%', '%pg_advisory_xact_lock(%'], settled: () => updateSettled });
    await counter.end('ROLLBACK');
    const [c, u] = await Promise.all([claimed, updated]);
    // Serially: the claim, then the update (refused: a coupon is out); or the update, then the
    // claim (refused: the book has not started). Never both.
    expect([c.ok, u.ok]).not.toEqual([true, true]);
    expect(c).toMatchObject({ ok: true });
    expect(u).toMatchObject({ ok: false, code: 'BAD_USER_INPUT' });
  });
});
