import type { AuditAction } from '@coupons/rules/audit-actions';
import { Prisma } from '@coupons/db';
import { recordAudit } from '../audit/audit.service.ts';
import { requireAdmin } from '../shared/access.ts';
import type { ServiceContext } from '../shared/context.ts';
import { touchedAt } from '../shared/sql.ts';
import { DomainError, notFound, pgCode } from '../shared/errors.ts';
import { requireUuid } from '../shared/validation.ts';
import type { BookRecord, BookStatus } from './book.model.ts';
import { closeBookGate } from '../coupons/book-gate.sql.ts';
import { bookCouponsWereOut, selectBookLocked } from './book.sql.ts';

// A book's status, set by admins: ACTIVE serves coupons; PAUSED stops claims, locks and
// redemptions until it is resumed (something went wrong with the campaign); ARCHIVED stops them
// and takes the book out of the default lists (the campaign is over). A change closes the book's
// gate first (coupons/book-gate.sql.ts): it waits for the claims, locks and redemptions of the
// book in flight and counts them in its answer, and one arriving meanwhile reads the new status.
// So a transition racing a pause answers as if it ran wholly before or wholly after it. (The
// coupon's row lock alone did not: a redeem that had read ACTIVE committed after the pause had
// answered without it.) A code import in flight is not waited for: it holds no gate.

/** The statuses each change may start from; the status it goes to. */
const CHANGES: Record<'PAUSE' | 'RESUME' | 'ARCHIVE', { from: readonly BookStatus[]; to: BookStatus; action: AuditAction }> = {
  PAUSE: { from: ['ACTIVE'], to: 'PAUSED', action: 'BOOK_PAUSED' },
  RESUME: { from: ['PAUSED', 'ARCHIVED'], to: 'ACTIVE', action: 'BOOK_RESUMED' },
  ARCHIVE: { from: ['ACTIVE', 'PAUSED'], to: 'ARCHIVED', action: 'BOOK_ARCHIVED' },
};

/** ADMIN: pauses a book. Pausing a paused book changes nothing; an archived one is INVALID_STATE. */
export function pauseBook(ctx: ServiceContext, id: string): Promise<BookRecord> {
  return changeStatus(ctx, id, 'PAUSE');
}

/** ADMIN: makes a paused or archived book ACTIVE again. Resuming an active book changes nothing. */
export function resumeBook(ctx: ServiceContext, id: string): Promise<BookRecord> {
  return changeStatus(ctx, id, 'RESUME');
}

/** ADMIN: archives a book (resumeBook brings it back). Archiving an archived book changes nothing. */
export function archiveBook(ctx: ServiceContext, id: string): Promise<BookRecord> {
  return changeStatus(ctx, id, 'ARCHIVE');
}

async function changeStatus(ctx: ServiceContext, id: string, change: keyof typeof CHANGES): Promise<BookRecord> {
  const caller = requireAdmin(ctx);
  const bookId = requireUuid('id', id);
  const { from, to, action } = CHANGES[change];
  return ctx.db.prisma.$transaction(async (tx) => {
    await closeBookGate(tx, bookId);
    const current = await selectBookLocked(tx, bookId, 'update');
    if (!current) throw notFound('Book', id);
    if (current.status === to) return current;
    if (!from.includes(current.status)) {
      throw new DomainError('INVALID_STATE', `An ${current.status.toLowerCase()} book cannot be ${to === 'PAUSED' ? 'paused' : 'changed so'}; resume it first`, {
        status: current.status,
      });
    }
    await tx.$executeRaw(Prisma.sql`
      UPDATE book SET status = ${to}::"BookStatus", status_changed_at = ${ctx.clock.now()}, updated_at = ${touchedAt(ctx.clock.now(), current.updatedAt)}
      WHERE id = ${bookId}::uuid`);
    await recordAudit(tx, caller, { action, targetType: 'BOOK', targetId: bookId, changes: { status: { from: current.status, to } } });
    return (await selectBookLocked(tx, bookId, 'update')) as BookRecord;
  });
}

/** How long deleteBook waits for each row lock of requests in flight on the book, its codes and what goes with it. */
const DELETE_LOCK_TIMEOUT = '5s';

/**
 * ADMIN: deletes a book with its codes, only while none of them was ever assigned (a typo'd
 * campaign, an upload into the wrong book). A book whose coupons went out is archived instead:
 * people hold them, and their history stays.
 *
 * Race-free against a first claim, and without deadlock: locks are taken in the order claims
 * take them. First every code of the book (`FOR UPDATE`: a code a claim holds right now is waited
 * for, and the check below sees whether that claim took it or let it go), so claims starting now
 * wait on their code or skip it; then the book `FOR UPDATE`, which waits for claims past their
 * code (they hold `FOR KEY SHARE` on the book through their per-user counter). The check then
 * sees every claim that will ever have happened before the delete, and the answer is the one
 * some serial order gives. Claims hold a code for milliseconds; a row held longer than
 * {@link DELETE_LOCK_TIMEOUT} (a long distribution) makes this INVALID_STATE: try again.
 */
export async function deleteBook(ctx: ServiceContext, id: string): Promise<boolean> {
  const caller = requireAdmin(ctx);
  const bookId = requireUuid('id', id);
  return ctx.db.prisma.$transaction(
    async (tx) => {
      try {
        // For every lock of the transaction, the cascade's included (the book's webhook endpoints, jobs).
        await tx.$executeRaw(Prisma.sql`SET LOCAL lock_timeout = ${Prisma.raw(`'${DELETE_LOCK_TIMEOUT}'`)}`);
        // In id order, as every statement that locks several coupons (the lock sweeper, an erase).
        await tx.$queryRaw(Prisma.sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM coupon WHERE book_id = ${bookId}::uuid ORDER BY id FOR UPDATE) codes`);
        const current = await selectBookLocked(tx, bookId, 'exclusive');
        if (!current) throw notFound('Book', id);
        if (await bookCouponsWereOut(tx, bookId)) {
          throw new DomainError('INVALID_STATE', 'Coupons of this book were given out: archive it instead (its history stays)', {
            status: current.status,
          });
        }
        await tx.$executeRaw(Prisma.sql`DELETE FROM book WHERE id = ${bookId}::uuid`);
        await recordAudit(tx, caller, { action: 'BOOK_DELETED', targetType: 'BOOK', targetId: bookId, changes: { name: current.name } });
        return true;
      } catch (error) {
        if (pgCode(error) === '55P03') {
          throw new DomainError('INVALID_STATE', `Rows of this book were held by other requests for over ${DELETE_LOCK_TIMEOUT}: it cannot be deleted right now, try again`);
        }
        throw error;
      }
    },
    // A book of a million unused codes takes a while to delete (the codes go with it).
    { timeout: 120_000, maxWait: 10_000 },
  );
}
