import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createTestClock, createUser, useServiceTest } from '../../testing/index.ts';
import { getBook, updateBook } from './book.service.ts';
import { archiveBook, pauseBook, resumeBook } from './book-status.service.ts';

// Book.updatedAt grows with every change of a book, in the order the changes committed (as
// Coupon.updatedAt does), so a client that meets one book in two answers keeps the later copy.
// Every change here runs on a clock a minute behind the one before (another API process's clock).
const t = useServiceTest();

describe('Book.updatedAt', () => {
  it('increases with every change of a book even when each request’s clock is behind the last change’s', async () => {
    const clock = createTestClock();
    const admin = contextFor(t.db, await createUser(t.db, 'ADMIN'), clock);
    const { bookId } = await createBook(t.db, 1);
    const seen: Array<[string, Date]> = [];
    const step = async (name: string, change: () => Promise<unknown>) => {
      clock.advance({ minutes: -1 });
      await change();
      seen.push([name, (await getBook(admin, bookId))?.updatedAt as Date]);
    };

    await step('rename', () => updateBook(admin, bookId, { name: 'Spring sale' }));
    await step('pause', () => pauseBook(admin, bookId));
    await step('resume', () => resumeBook(admin, bookId));
    await step('set a budget', () => updateBook(admin, bookId, { maxTotalRedemptions: 50 }));
    await step('archive', () => archiveBook(admin, bookId));

    for (let i = 1; i < seen.length; i++) {
      const [[before, at], [after, next]] = [seen[i - 1], seen[i]];
      expect(next.getTime(), `${after} (${next.toISOString()}) after ${before} (${at.toISOString()})`).toBeGreaterThan(at.getTime());
    }
  });
});
