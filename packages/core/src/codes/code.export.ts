import { once } from 'node:events';
import { pipeline, type Readable } from 'node:stream';
import { Prisma } from '@coupons/db';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { requireBook } from '../books/book.service.ts';
import { effectiveStateSql } from '../coupons/coupon.record.ts';
import { allOf, type CouponSearchArgs, couponConditions, parseCouponFilter } from '../coupons/coupon.search.ts';
import { parseRedemptionFilter, type RedemptionSearchArgs, redemptionConditions } from '../coupons/redemption.search.ts';
import { requireAdmin } from '../shared/access.ts';
import type { ServiceContext } from '../shared/context.ts';
import { DomainError } from '../shared/errors.ts';
import { readFromReplica } from '../shared/read-replica.ts';
import { currencyMinorUnits } from '../shared/money.ts';
import { crlfRows, csvTextSql, csvTimeSql } from './csv.format.ts';

/**
 * How long one export may keep its statement (and so its snapshot) open: 10 minutes, a million
 * rows need about 2 s of it. A client that reads slower than that is cut off (see {@link CsvExport}).
 */
export const EXPORT_TIME_LIMIT_MS = 10 * 60_000;

/** The filters of the codes export: those of the `coupons` search, the book aside. */
export type CodeExportFilters = Omit<CouponSearchArgs, 'bookId' | 'first' | 'after'>;

/** The filters of the redemptions export: those of the `redemptions` list, the book aside. */
export type RedemptionExportFilters = Omit<RedemptionSearchArgs, 'bookId' | 'first' | 'after'>;

export interface CsvExportOptions {
  /** Default {@link EXPORT_TIME_LIMIT_MS}. */
  timeLimitMs?: number;
}

/**
 * A CSV export under way: `stream` gives the file's bytes (header first, CRLF rows), straight
 * from PostgreSQL's `COPY (SELECT …) TO STDOUT WITH (FORMAT csv, HEADER)`.
 *
 * The COPY runs on a connection of the pool, held until the last byte has been read. Why a
 * bounded snapshot rather than an export job writing a file: the statement reads at ≥ 500k rows
 * per second, so a client that keeps up holds its snapshot for seconds, and nothing is stored,
 * cleaned up or authorised twice. A client that does not keep up (or stops reading) would hold
 * the snapshot, which keeps VACUUM from removing dead rows everywhere, and a pool connection: after
 * `timeLimitMs` the export is cut, the stream fails with {@link ExportTimeLimitError} and the
 * connection is closed (PostgreSQL's `statement_timeout` alone could not do it: a backend blocked
 * writing to a client that reads nothing never sees it). Destroying the stream (a client that
 * went away) closes the connection as well.
 */
export interface CsvExport {
  filename: string;
  stream: Readable;
}

/**
 * The export ran past its time limit and was cut. Once the header is sent the download just ends
 * short; before it (a statement that never started) it is answered SERVICE_UNAVAILABLE.
 */
export class ExportTimeLimitError extends DomainError {
  constructor(limitMs: number) {
    super('SERVICE_UNAVAILABLE', `The export ran past its time limit of ${limitMs / 1000} s; narrow it with filters`, {
      retryable: false,
    });
    this.name = 'ExportTimeLimitError';
  }
}

/**
 * A book's codes as CSV (ADMIN): code, effective state (an expired lock is ASSIGNED, as every read
 * shows it), holder's email, assignment time, redemptions, creation time. In no particular order
 * (whatever the plan yields): no ORDER BY, as sorting a million rows costs more than the COPY.
 * `filters` are those of the `coupons` search (state, holder by userId/email/customerId, code
 * prefix, assignment window), validated as there: BAD_USER_INPUT naming the field, and NOT_FOUND
 * for an unknown book, before any byte is sent.
 */
export async function exportBookCodes(
  ctx: ServiceContext,
  bookId: string,
  filters: CodeExportFilters = {},
  options: CsvExportOptions = {},
): Promise<CsvExport> {
  return exportBook(ctx, bookId, 'codes', (id) => bookCodesCopySql(id, filters, ctx.clock.now()), options);
}

/**
 * The codes export's COPY statement for `bookId` at `now` (no access check, no book check: for
 * {@link exportBookCodes}, and for the benchmark, which runs the same statement through psql).
 * BAD_USER_INPUT for a filter the `coupons` search would refuse.
 */
export function bookCodesCopySql(bookId: string, filters: CodeExportFilters, now: Date): string {
  const filter = parseCouponFilter({ ...filters, bookId });
  return copyStatement(Prisma.sql`
    SELECT ${csvTextSql(Prisma.sql`c.code`)} AS code,
           ${effectiveStateSql(now)} AS state,
           ${csvTextSql(Prisma.sql`u.email`)} AS assigned_to,
           ${csvTimeSql(Prisma.sql`c.assigned_at`)} AS assigned_at,
           c.redemption_count,
           ${csvTimeSql(Prisma.sql`c.created_at`)} AS created_at
      FROM coupon c LEFT JOIN app_user u ON u.id = c.assigned_user_id
     WHERE ${allOf(couponConditions(filter, now))}`);
}

/**
 * A book's redemptions as CSV (ADMIN), reversed ones included with their reversal, in no particular order.
 * `filters` are those of the `redemptions` list (time window, who, order, code or code prefix,
 * reversed or not), validated as there. Amounts in their currency's minor units ("59.90").
 */
export async function exportBookRedemptions(
  ctx: ServiceContext,
  bookId: string,
  filters: RedemptionExportFilters = {},
  options: CsvExportOptions = {},
): Promise<CsvExport> {
  return exportBook(ctx, bookId, 'redemptions', (id) => bookRedemptionsCopySql(id, filters), options);
}

/** ADMIN, an existing book: then `book-<id>-<what>.csv`, streamed from the COPY statement `statementFor` makes for it. */
async function exportBook(
  ctx: ServiceContext,
  bookId: string,
  what: 'codes' | 'redemptions',
  statementFor: (bookId: string) => string,
  options: CsvExportOptions,
): Promise<CsvExport> {
  requireAdmin(ctx);
  const book = await requireBook(ctx, bookId, 'bookId');
  const statement = statementFor(book.id);
  return { filename: `book-${book.id}-${what}.csv`, stream: await copyCsv(ctx, statement, options) };
}

/** The redemptions export's COPY statement (as {@link bookCodesCopySql}: no checks but the filters'). */
export function bookRedemptionsCopySql(bookId: string, filters: RedemptionExportFilters): string {
  const filter = parseRedemptionFilter({ ...filters, bookId });
  const text = (column: string) => csvTextSql(Prisma.raw(column));
  return copyStatement(Prisma.sql`
    SELECT r.id AS redemption_id,
           ${text('c.code')} AS code,
           ${text('u.email')} AS user_email,
           ${csvTimeSql(Prisma.sql`r.redeemed_at`)} AS redeemed_at,
           ${text('r.idempotency_key')} AS idempotency_key,
           ${text(`(r.metadata #>> '{}')`)} AS metadata,
           ${csvTimeSql(Prisma.sql`r.reversed_at`)} AS reversed_at,
           ${text('r.reversal_reason')} AS reversal_reason,
           ${text('r.order_id')} AS order_id,
           ${amountSql('r.order_amount')} AS order_amount,
           ${amountSql('r.discount_amount')} AS discount_amount,
           r.currency
      FROM redemption r
      JOIN coupon c ON c.id = r.coupon_id
      JOIN app_user u ON u.id = r.user_id
     WHERE ${allOf(redemptionConditions(filter))}`);
}

/** `COPY (query) TO STDOUT` as CSV with a header line, the query's values written in ({@link inlineSql}). */
function copyStatement(query: Prisma.Sql): string {
  return `COPY (${inlineSql(query)}) TO STDOUT WITH (FORMAT csv, HEADER)`;
}

/**
 * An amount in its row's currency's minor units, as formatAmount writes it ("59.90", "1200"),
 * never dropping a digit the value has; the column's own text ("59.9000") without a currency.
 * The minor units come from the platform's ICU data, as formatAmount's do: every currency whose
 * minor unit is not 2 is listed in the statement.
 */
function amountSql(column: string): Prisma.Sql {
  const amount = Prisma.raw(column);
  return Prisma.sql`(CASE WHEN r.currency IS NULL OR r.order_amount IS NULL OR r.discount_amount IS NULL THEN ${amount}::text
    ELSE round(${amount}, greatest(${minorUnitsSql()}, scale(trim_scale(${amount}))))::text END)`;
}

let minorUnitsCase: Prisma.Sql | undefined;

function minorUnitsSql(): Prisma.Sql {
  if (!minorUnitsCase) {
    const odd = Intl.supportedValuesOf('currency').filter((currency) => /^[A-Z]{3}$/.test(currency) && currencyMinorUnits(currency) !== 2);
    const whens = odd.map((currency) => Prisma.sql`WHEN ${currency} THEN ${currencyMinorUnits(currency)}::int`);
    minorUnitsCase = whens.length ? Prisma.sql`(CASE r.currency ${Prisma.join(whens, ' ')} ELSE 2 END)` : Prisma.sql`2`;
  }
  return minorUnitsCase;
}

/**
 * `query` with each bind parameter written into the text as a literal. COPY takes no parameters,
 * so this is the one place values enter the SQL text: every value here was validated first (ids
 * as UUIDs, emails, codes, dates, states), and each is quoted by pg's `escapeLiteral`, which
 * doubles quotes and backslashes (an `E'…'` literal then), whatever the server's
 * standard_conforming_strings. A NUL, which would cut the statement short on the wire, is refused.
 */
export function inlineSql(query: Prisma.Sql): string {
  const values = query.values;
  return query.text.replace(/\$(\d+)/g, (_placeholder, index: string) => sqlLiteral(values[Number(index) - 1]));
}

function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') {
    if (value.includes('\0')) throw new Error('A NUL character cannot be written into SQL');
    return pg.escapeLiteral(value);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error('An invalid date cannot be written into SQL');
    return `${pg.escapeLiteral(value.toISOString())}::timestamptz`;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  throw new Error(`A ${typeof value} cannot be written into SQL`);
}

/**
 * Runs the COPY statement `sql` on a pool connection and resolves once its first bytes (the
 * header) arrived, so a failing statement is answered as an error rather than as a cut download.
 */
async function copyCsv(ctx: ServiceContext, sql: string, options: CsvExportOptions): Promise<Readable> {
  const limitMs = options.timeLimitMs ?? EXPORT_TIME_LIMIT_MS;
  // On the read replica when there is one: a long COPY keeps a snapshot open, which the primary
  // is better without. A replica that cannot be reached gives way to the primary here, before
  // any byte; one that cancels the COPY later (a recovery conflict) cuts the download.
  const client = await readFromReplica(ctx, ({ pool }) => pool.connect());
  const csv = crlfRows();
  const deadline = setTimeout(() => csv.destroy(new ExportTimeLimitError(limitMs)), limitMs);
  deadline.unref();
  let released = false;
  const release = (failure?: Error) => {
    if (released) return;
    released = true;
    clearTimeout(deadline);
    if (failure) {
      // Mid-COPY the connection cannot be reused, and a backend blocked writing to us reads no
      // Terminate: closing the socket is what ends its statement and frees its snapshot.
      client.connection.stream.destroy();
      client.release(failure);
    } else client.release();
  };
  // Beside the deadline, in case this process stalls: PostgreSQL cancels a statement that runs on.
  const guard = `SET statement_timeout = ${Math.ceil(limitMs) + 5_000}`;
  try {
    await client.query(guard);
  } catch (error) {
    release(error as Error);
    throw error;
  }
  const copy = client.query(copyTo(sql));
  pipeline(copy, csv, (error) => {
    if (error) release(error);
    else client.query('RESET statement_timeout').then(() => release(), release);
  });
  try {
    await once(csv, 'readable');
  } catch (error) {
    csv.destroy();
    throw error;
  }
  return csv;
}
