import { Prisma } from '@coupons/db';
import { requireAdmin } from '../shared/access.ts';
import type { Caller, ServiceContext } from '../shared/context.ts';
import { badInput, forbidden, notFound } from '../shared/errors.ts';
import { requireUuid } from '../shared/validation.ts';
import { type BookRecord, toBookRecord } from './book.model.ts';

/**
 * Pins per admin. The Live page watches every pinned book live (one `bookStats` feed each), so a
 * screen of them stays readable and its subscriptions bounded.
 */
export const MAX_PINNED_BOOKS = 24;

/** Pins belong to a person: an admin signed in, never an API key (a key has no Live page). */
function requirePinner(ctx: ServiceContext): Caller {
  const caller = requireAdmin(ctx);
  if (caller.apiKey) throw forbidden('Pinned books belong to a person: API keys have none');
  return caller;
}

/** The books the calling admin pinned, in the order they were pinned (ADMIN, people only). */
export async function pinnedBooks(ctx: ServiceContext): Promise<BookRecord[]> {
  const caller = requirePinner(ctx);
  return listPins(ctx.db.prisma, caller.userId);
}

/**
 * Pins a book to the calling admin's Live page and answers their pins after it. Pinning a book
 * already pinned changes nothing; an unknown book is NOT_FOUND; past {@link MAX_PINNED_BOOKS}
 * it is BAD_USER_INPUT (field bookId).
 */
export async function pinBook(ctx: ServiceContext, bookId: string): Promise<BookRecord[]> {
  const caller = requirePinner(ctx);
  const id = requireUuid('bookId', bookId);
  return changePins(ctx, caller.userId, async (tx) => {
    const [state] = await tx.$queryRaw<Array<{ pins: number; pinned: boolean; book: boolean | null }>>(Prisma.sql`
      SELECT (SELECT count(*) FROM admin_pin WHERE user_id = ${caller.userId}::uuid)::int AS pins,
             EXISTS (SELECT 1 FROM admin_pin WHERE user_id = ${caller.userId}::uuid AND book_id = ${id}::uuid) AS pinned,
             (SELECT true FROM book WHERE id = ${id}::uuid FOR KEY SHARE) AS book`);
    // The book's row FOR KEY SHARE (the lock the pin's foreign key takes anyway, only earlier): a
    // deleteBook in flight makes this wait and, once it commits, finds no book (NOT_FOUND here);
    // a delete that comes later waits for the pin and then removes it with the book.
    if (!state.book) throw notFound('Book', id);
    if (state.pinned) return;
    if (state.pins >= MAX_PINNED_BOOKS) throw badInput('bookId', `at most ${MAX_PINNED_BOOKS} books can be pinned: unpin one first`);
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO admin_pin (user_id, book_id, created_at) VALUES (${caller.userId}::uuid, ${id}::uuid, ${ctx.clock.now()}::timestamptz)`);
  });
}

/** Unpins a book from the calling admin's Live page and answers their pins after it (a book not pinned: unchanged). */
export async function unpinBook(ctx: ServiceContext, bookId: string): Promise<BookRecord[]> {
  const caller = requirePinner(ctx);
  const id = requireUuid('bookId', bookId);
  return changePins(ctx, caller.userId, async (tx) => {
    await tx.$executeRaw(Prisma.sql`DELETE FROM admin_pin WHERE user_id = ${caller.userId}::uuid AND book_id = ${id}::uuid`);
  });
}

/**
 * One admin's pin change and the list after it, in one transaction that first locks the admin's
 * own `app_user` row (`FOR NO KEY UPDATE`: it does not block the `FOR KEY SHARE` of foreign-key
 * checks, so nothing else waits on it). Every pin change of that admin queues on this lock, and
 * each statement after it reads the pins as the previous change committed them: two racing pins
 * cannot both pass the limit on the same count, and each answer lists the pins as they stood
 * right after its own change — as if the calls had run one after the other.
 */
async function changePins(ctx: ServiceContext, userId: string, change: (tx: Prisma.TransactionClient) => Promise<void>): Promise<BookRecord[]> {
  return ctx.db.prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<Array<{ id: string }>>(Prisma.sql`
      SELECT id::text AS id FROM app_user WHERE id = ${userId}::uuid FOR NO KEY UPDATE`);
    if (locked.length === 0) throw notFound('User', userId);
    await change(tx);
    return listPins(tx, userId);
  });
}

async function listPins(client: Pick<Prisma.TransactionClient, 'adminPin'>, userId: string): Promise<BookRecord[]> {
  const pins = await client.adminPin.findMany({
    where: { userId },
    orderBy: [{ createdAt: 'asc' }, { bookId: 'asc' }],
    include: { book: true },
  });
  return pins.map((pin) => toBookRecord(pin.book));
}
