import { type Book as BookRow, Prisma } from '@coupons/db';
import { changedFields, recordAudit } from '../audit/audit.service.ts';
import { closeBookGate } from '../coupons/book-gate.sql.ts';
import { requireAdmin } from '../shared/access.ts';
import { requireCaller, type ServiceContext } from '../shared/context.ts';
import { touchedAt } from '../shared/sql.ts';
import { badInput, notFound } from '../shared/errors.ts';
import { readPageSnapshot } from '../shared/page-snapshot.ts';
import { decodeTimeCursor, encodeTimeCursor, type Page, type PageArgs, pageSize, toPage } from '../shared/pagination.ts';
import { readFromReplica } from '../shared/read-replica.ts';
import { requireUuid } from '../shared/validation.ts';
import {
  type BookFields,
  type CreateBookInput,
  TERMS_FIELDS,
  type UpdateBookInput,
  validateCreateBook,
  validateUpdateBook,
} from './book.input.ts';
import { type BookRecord, type BookStatus, toBookRecord } from './book.model.ts';
import { BOOK_ROW_COLUMNS, bookCouponsWereOut, selectBookLocked } from './book.sql.ts';

/** Arguments of the `books` list. */
export interface ListBooksArgs extends PageArgs {
  /** Case-insensitive substring of the name. */
  search?: string | null;
  /** Only books with this status; by default every book but archived ones. */
  status?: BookStatus | null;
}

const SEARCH_MAX = 200;

/** Creates a book (ADMIN; the API checks the role). */
export async function createBook(ctx: ServiceContext, input: CreateBookInput): Promise<BookRecord> {
  const caller = requireAdmin(ctx);
  const fields = validateCreateBook(input);
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const created = await tx.book.create({ data: toRowData(fields) });
    await recordAudit(tx, caller, { action: 'BOOK_CREATED', targetType: 'BOOK', targetId: created.id, changes: { name: fields.name } });
    return created;
  });
  return toBookRecord(row);
}

/**
 * A distribution holds its book `FOR SHARE` for up to 120 s (its own transaction timeout); an
 * update waiting behind one must not time out first.
 */
const UPDATE_TRANSACTION_TIMEOUT_MS = 150_000;

/** The fields no transition reads: changing them need not wait for transitions in flight. */
const COSMETIC_FIELDS: ReadonlySet<string> = new Set(['name', 'description', 'metadata']);

/**
 * Updates a book (ADMIN): only the fields the caller gave are written. One short transaction
 * locks the row (`FOR NO KEY UPDATE`), after closing the book's gate when it changes anything a
 * transition reads (coupons/book-gate.sql.ts: it waits for the book's transitions in flight, and
 * holds new ones off until it commits), merges the input into that latest version, checks the
 * cross-field rules (validFrom < validUntil, a percentage ≤ 100) on the merged book, and writes
 * the changed columns. A concurrent update of the same book waits for our commit and then merges
 * into our result, so racing updates answer as if they ran one after the other: no change is lost,
 * and of two changes that are valid alone but not together, the second is BAD_USER_INPUT.
 * A distribution holds the row `FOR SHARE`, so a limit changes fully before or after it.
 */
export async function updateBook(ctx: ServiceContext, id: string, input: UpdateBookInput): Promise<BookRecord> {
  const caller = requireAdmin(ctx);
  const bookId = requireUuid('id', id);
  const row = await ctx.db.prisma.$transaction(
    async (tx) => {
      // Changing the terms must not race a first claim, nor setting a budget a redemption: hold
      // them off while we look (see TERMS_FIELDS and recountBudget).
      const touchesTerms = TERMS_FIELDS.some((field) => input[field] !== undefined);
      const touchesBudget = input.maxTotalRedemptions !== undefined || input.maxTotalDiscountAmount !== undefined;
      // Transitions read the window, limits, lock time and terms in their step 2: a change of any
      // of them waits for those in flight, or one that read the old value would commit after this
      // update answered (a lock with the old lock time, a redeem past the new end).
      const touchesRules = Object.keys(input).some((field) => input[field as keyof UpdateBookInput] !== undefined && !COSMETIC_FIELDS.has(field));
      if (touchesRules) await closeBookGate(tx, bookId);
      const current = await selectBookLocked(tx, bookId, touchesTerms || touchesBudget ? 'exclusive' : 'update');
      if (!current) throw notFound('Book', id);
      const fields = validateUpdateBook(current, input);
      const changed = pickChanged(fields, input);
      const changes = changedFields(current as unknown as Record<string, unknown>, changed);
      const termsChanged = TERMS_FIELDS.filter((field) => field in changes);
      if (termsChanged.length > 0 && (await bookCouponsWereOut(tx, bookId))) {
        throw badInput(
          termsChanged[0],
          `cannot change once coupons of this book were given out (${termsChanged.join(', ')}): shoppers hold them on these terms; create a new book instead`,
        );
      }
      if (current.allowMultipleRedemptions && changed.allowMultipleRedemptions === false && (await bookCouponReused(tx, bookId))) {
        // Single-use would then hold coupons used twice, and a coupon back in ASSIGNED after its
        // second use would have no rule left to say whether a third is allowed.
        throw badInput('allowMultipleRedemptions', 'cannot be turned off: coupons of this book were already redeemed more than once');
      }
      const data = { ...toChangedRowData(changed), updatedAt: touchedAt(ctx.clock.now(), current.updatedAt) };
      let updated = await tx.book.update({ where: { id: bookId }, data });
      const hadBudget = current.maxTotalRedemptions !== null || current.maxTotalDiscountAmount !== null;
      const hasBudget = updated.maxTotalRedemptions !== null || updated.maxTotalDiscountAmount !== null;
      if (hasBudget && !hadBudget) updated = await recountBudget(tx, bookId);
      if (Object.keys(changes).length > 0) {
        await recordAudit(tx, caller, { action: 'BOOK_UPDATED', targetType: 'BOOK', targetId: bookId, changes });
      }
      return updated;
    },
    { timeout: UPDATE_TRANSACTION_TIMEOUT_MS, maxWait: 10_000 },
  );
  return toBookRecord(row);
}

/**
 * A budget's counters are kept only while the book has a budget (redeem and reverse touch the
 * book row then, and only then: an unbudgeted book's redemptions never queue on it). Setting a
 * budget therefore counts what stands now. Runs under updateBook's `FOR UPDATE`, which waits for
 * redemptions and reversals in flight (each takes the book row `FOR KEY SHARE` before it reads the
 * budget: redeem.sql.ts' FOR_BUDGET) and holds new ones off until the budget and its counters
 * commit together. A budget lower than what is
 * already used is refused (the CHECK book_budget_check is only the net).
 */
async function recountBudget(tx: Prisma.TransactionClient, bookId: string) {
  const [used] = await tx.$queryRaw<Array<{ n: number; discount: string }>>(Prisma.sql`
    SELECT count(*)::int AS n,
           COALESCE(sum(COALESCE(r.discount_amount, CASE WHEN b.discount_type = 'FIXED_AMOUNT' THEN b.discount_value ELSE 0 END)), 0)::text AS discount
    FROM redemption r JOIN book b ON b.id = r.book_id
    WHERE r.book_id = ${bookId}::uuid AND r.reversed_at IS NULL`);
  const book = await tx.book.findUniqueOrThrow({ where: { id: bookId } });
  if (book.maxTotalRedemptions !== null && used.n > book.maxTotalRedemptions) {
    throw badInput('maxTotalRedemptions', `must be at least ${used.n}: that many redemptions already stand`);
  }
  if (book.maxTotalDiscountAmount?.lessThan(used.discount)) {
    throw badInput('maxTotalDiscountAmount', `must be at least ${used.discount}: that much discount is already granted`);
  }
  // Part of the change that set the budget: the time that change wrote stands (not the client's @updatedAt clock).
  return tx.book.update({ where: { id: bookId }, data: { redeemedTotal: used.n, discountTotal: used.discount, updatedAt: book.updatedAt } });
}

/**
 * Whether a coupon of the book stands redeemed more than once. Read behind updateBook's closed
 * book gate, which a redeem in flight has committed before, or waits behind. A scan of the book's
 * coupons: only when multi-use is being turned off.
 */
async function bookCouponReused(tx: Prisma.TransactionClient, bookId: string): Promise<boolean> {
  const [row] = await tx.$queryRaw<Array<{ reused: boolean }>>(Prisma.sql`
    SELECT EXISTS (SELECT 1 FROM coupon WHERE book_id = ${bookId}::uuid AND redemption_count > 1) AS reused`);
  return row?.reused === true;
}

/** The validated values of just the fields present in the input (`null` included: it clears). */
function pickChanged(fields: BookFields, input: UpdateBookInput): Partial<BookFields> {
  const changed: Partial<Record<keyof BookFields, unknown>> = {};
  for (const key of Object.keys(fields) as Array<keyof BookFields>) {
    if (input[key as keyof UpdateBookInput] !== undefined) changed[key] = fields[key];
  }
  return changed as Partial<BookFields>;
}

/** The book with this id, or null (any signed-in user). A malformed id is BAD_USER_INPUT on `field`. */
export async function getBook(ctx: ServiceContext, id: string): Promise<BookRecord | null> {
  requireCaller(ctx);
  return findBook(ctx, id);
}

/** {@link getBook} without the caller check, for services that did their own. */
export async function findBook(ctx: ServiceContext, id: string, field = 'id'): Promise<BookRecord | null> {
  const row = await ctx.db.prisma.book.findUnique({ where: { id: requireUuid(field, id) } });
  return row ? toBookRecord(row) : null;
}

/** The book with this id, or NOT_FOUND. */
export async function requireBook(ctx: ServiceContext, id: string, field = 'id'): Promise<BookRecord> {
  const book = await findBook(ctx, id, field);
  if (!book) throw notFound('Book', id);
  return book;
}

/**
 * Books by id in one query, in no particular order, skipping unknown ids. No authorization: it
 * feeds the `bookById` DataLoader behind nested fields, whose parents decided visibility.
 */
export async function unsafeGetBooksByIds(ctx: ServiceContext, ids: readonly string[]): Promise<BookRecord[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db.prisma.book.findMany({ where: { id: { in: [...ids] } } });
  return rows.map(toBookRecord);
}

/**
 * Lists books newest first, keyset-paginated on (createdAt, id) so pages stay stable while books
 * are added; `totalCount` counts every match of the search, not just the page. The search is a
 * case-insensitive substring in which `%` and `_` match themselves.
 */
export async function listBooks(ctx: ServiceContext, args: ListBooksArgs): Promise<Page<BookRecord>> {
  requireCaller(ctx);
  const limit = pageSize(args.first);
  const statusFilter = args.status ? Prisma.sql`status = ${args.status}::"BookStatus"` : Prisma.sql`status <> 'ARCHIVED'`;
  const filter = Prisma.sql`${nameFilter(args.search)} AND ${statusFilter}`;
  const keyset = args.after ? afterCursor(args.after) : Prisma.empty;
  // An admin list: from the read replica when there is one (a lag of a moment is fine here). The
  // whole rows in the page's own statement: a book deleted while the page is read is in both the
  // page and the count, or in neither, and never takes the look-ahead row's place.
  const { rows, totalCount } = await readFromReplica(ctx, ({ prisma }) =>
    readPageSnapshot<BookRow>(prisma, {
      rows: Prisma.sql`SELECT ${BOOK_ROW_COLUMNS} FROM book WHERE ${filter} ${keyset} ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`,
      count: Prisma.sql`SELECT count(*)::int FROM book WHERE ${filter}`,
    }),
  );
  return toPage(rows.map(toBookRecord), limit, totalCount, (book) => encodeTimeCursor(book.createdAt, book.id));
}

function nameFilter(search: string | null | undefined): Prisma.Sql {
  const needle = search?.trim() ?? '';
  if (needle.length > SEARCH_MAX) throw badInput('search', `must be at most ${SEARCH_MAX} characters`);
  if (needle === '') return Prisma.sql`TRUE`;
  // `!` escapes LIKE's wildcards so the search is matched literally.
  return Prisma.sql`name ILIKE ${`%${needle.replace(/[!%_]/g, (c) => `!${c}`)}%`} ESCAPE '!'`;
}

function afterCursor(after: string): Prisma.Sql {
  const { at, id } = decodeTimeCursor(after);
  // Strictly after the cursor in (createdAt DESC, id DESC) order.
  return Prisma.sql`AND (created_at, id) < (${at}, ${id}::uuid)`;
}

function toRowData(fields: BookFields) {
  return {
    ...fields,
    discountValue: fields.discountValue.toFixed(2),
    metadata: fields.metadata as Prisma.InputJsonValue,
  };
}

function toChangedRowData(fields: Partial<BookFields>): Prisma.BookUpdateInput {
  const { discountValue, metadata, ...rest } = fields;
  return {
    ...rest,
    ...(discountValue === undefined ? {} : { discountValue: discountValue.toFixed(2) }),
    ...(metadata === undefined ? {} : { metadata: metadata as Prisma.InputJsonValue }),
  };
}
