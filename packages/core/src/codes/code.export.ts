import { Prisma } from '@coupons/db';
import { requireAdmin } from '../shared/access.ts';
import { requireBook } from '../books/book.service.ts';
import { effectiveStateSql } from '../coupons/coupon.record.ts';
import type { ServiceContext } from '../shared/context.ts';
import { formatAmount } from '../shared/money.ts';

/** Rows fetched per keyset page while exporting. */
export const EXPORT_PAGE_SIZE = 5_000;

/** A CSV export: its header and its rows, page by page, as cells. */
export interface CsvExport {
  filename: string;
  header: string[];
  rows: AsyncGenerator<unknown[][]>;
}

/**
 * A book's codes as CSV rows (ADMIN; the caller checks the role). Streamed by keyset on the
 * coupon id, one page per query, so memory stays flat and no transaction stays open while a
 * slow client downloads. An expired lock is exported as ASSIGNED, as every read shows it.
 * Throws NOT_FOUND before any byte is sent when the book does not exist.
 */
export async function exportBookCodes(ctx: ServiceContext, bookId: string): Promise<CsvExport> {
  requireAdmin(ctx);
  const book = await requireBook(ctx, bookId, 'bookId');
  const now = ctx.clock.now();
  async function* rows(): AsyncGenerator<unknown[][]> {
    let after = '0';
    for (;;) {
      const page = await ctx.db.prisma.$queryRaw<Array<{ id: string; cells: unknown[] }>>(Prisma.sql`
        SELECT c.id::text AS id,
               json_build_array(
                 c.code,
                 ${effectiveStateSql(now)},
                 u.email, c.assigned_at, c.redemption_count, c.created_at) AS cells
          FROM coupon c LEFT JOIN app_user u ON u.id = c.assigned_user_id
         WHERE c.book_id = ${book.id}::uuid AND c.id > ${after}::bigint
         ORDER BY c.id
         LIMIT ${EXPORT_PAGE_SIZE}`);
      if (page.length === 0) return;
      yield page.map((row) => row.cells);
      after = page[page.length - 1].id;
      if (page.length < EXPORT_PAGE_SIZE) return;
    }
  }
  return {
    filename: `book-${book.id}-codes.csv`,
    header: ['code', 'state', 'assigned_to', 'assigned_at', 'redemption_count', 'created_at'],
    rows: rows(),
  };
}

/**
 * A book's redemptions (reversed ones included, with their reversal) as CSV rows, oldest first,
 * streamed by keyset on (redeemed_at, id) over the `(book_id, redeemed_at)` index.
 */
export async function exportBookRedemptions(ctx: ServiceContext, bookId: string): Promise<CsvExport> {
  requireAdmin(ctx);
  const book = await requireBook(ctx, bookId, 'bookId');
  async function* rows(): AsyncGenerator<unknown[][]> {
    let after: { at: Date; id: string } = { at: new Date(0), id: '00000000-0000-0000-0000-000000000000' };
    for (;;) {
      const page = await ctx.db.prisma.$queryRaw<Array<{ id: string; at: Date; cells: unknown[] }>>(Prisma.sql`
        SELECT r.id::text AS id, r.redeemed_at AS at,
               json_build_array(r.id, c.code, u.email, r.redeemed_at, r.idempotency_key, r.metadata,
                                r.reversed_at, r.reversal_reason, r.order_id,
                                -- text, not numbers: json would carry a numeric as a float
                                r.order_amount::text, r.discount_amount::text, r.currency) AS cells
          FROM redemption r
          JOIN coupon c ON c.id = r.coupon_id
          JOIN app_user u ON u.id = r.user_id
         WHERE r.book_id = ${book.id}::uuid AND (r.redeemed_at, r.id) > (${after.at}, ${after.id}::uuid)
         ORDER BY r.redeemed_at, r.id
         LIMIT ${EXPORT_PAGE_SIZE}`);
      if (page.length === 0) return;
      yield page.map((row) => withMoneyCells(row.cells));
      const last = page[page.length - 1];
      after = { at: last.at, id: last.id };
      if (page.length < EXPORT_PAGE_SIZE) return;
    }
  }
  return {
    filename: `book-${book.id}-redemptions.csv`,
    header: [
      'redemption_id',
      'code',
      'user_email',
      'redeemed_at',
      'idempotency_key',
      'metadata',
      'reversed_at',
      'reversal_reason',
      'order_id',
      'order_amount',
      'discount_amount',
      'currency',
    ],
    rows: rows(),
  };
}

/** The order and discount amounts in their currency's minor units ("59.90", not the column's "59.9000"). */
function withMoneyCells(cells: unknown[]): unknown[] {
  const [orderAmount, discountAmount, currency] = cells.slice(9, 12) as Array<string | null>;
  if (!currency || orderAmount === null || discountAmount === null) return cells;
  return [...cells.slice(0, 9), formatAmount(orderAmount, currency), formatAmount(discountAmount, currency), currency];
}
