import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Prisma } from '@coupons/db';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextFor, createBook, createTestClock, createUser, useServiceTest } from '../../testing/index.ts';
import { exportBookCodes, exportBookRedemptions, ExportTimeLimitError, inlineSql } from './code.export.ts';
import { csvCell, csvLine } from './csv.format.ts';

const t = useServiceTest({ poolSize: 6 });

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: { code?: string }) => e.code);

/** Backends of this test database running a COPY (an export's statement), other than ours. */
async function runningCopies(): Promise<number> {
  const [row] = await t.db.prisma.$queryRaw<Array<{ n: number }>>(Prisma.sql`
    SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'COPY (%' AND state <> 'idle'`);
  return row.n;
}

async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  for (let waited = 0; waited < 5_000; waited += 25) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not met within 5 s');
}

/** A redemption of `code` by `userId` with the given columns (the rest default). */
async function insertRedemption(
  bookId: string,
  code: string,
  userId: string,
  columns: {
    metadata?: unknown;
    idempotencyKey?: string | null;
    reversalReason?: string | null;
    redeemedAt?: Date;
    order?: { id: string; amount: string; discount: string; currency: string };
  } = {},
): Promise<string> {
  const id = randomUUID();
  await t.db.prisma.$executeRaw(Prisma.sql`
    INSERT INTO redemption (id, coupon_id, book_id, user_id, redeemed_at, metadata, idempotency_key, reversal_reason, reversed_at,
                            order_id, order_amount, discount_amount, currency)
    SELECT ${id}::uuid, c.id, ${bookId}::uuid, ${userId}::uuid, ${columns.redeemedAt ?? new Date()}::timestamptz,
           ${columns.metadata === undefined ? null : JSON.stringify(columns.metadata)}::jsonb,
           ${columns.idempotencyKey ?? null}, ${columns.reversalReason ?? null},
           ${columns.reversalReason ? new Date() : null}::timestamptz, ${columns.order?.id ?? null},
           ${columns.order?.amount ?? null}::numeric, ${columns.order?.discount ?? null}::numeric, ${columns.order?.currency ?? null}
      FROM coupon c WHERE c.code = ${code}`);
  return id;
}

describe('exportBookCodes', () => {
  it('streams every code, header first, rows ending CRLF', async () => {
    const { bookId, codes } = await createBook(t.db, 12_345);
    const csv = await exportBookCodes(contextFor(t.db, t.admin), bookId);
    expect(csv.filename).toBe(`book-${bookId}-codes.csv`);
    const body = await text(csv.stream);
    expect(body.endsWith('\r\n')).toBe(true);
    const lines = body.slice(0, -2).split('\r\n');
    expect(lines[0]).toBe('code,state,assigned_to,assigned_at,redemption_count,created_at');
    expect(lines).toHaveLength(1 + 12_345);
    expect(new Set(lines.slice(1).map((line) => line.split(',')[0]))).toEqual(new Set(codes));
    expect(body).not.toMatch(/[^\r]\n/);
  });

  it('writes each row byte for byte as csvLine writes the same values: formula-safe cells, effective state, ISO times in UTC', async () => {
    const clock = createTestClock('2026-06-01T12:00:00.000Z');
    const { bookId } = await createBook(t.db, 0);
    const holder = await createUser(t.db);
    const codes = ['-EVIL', '+SUM', '=CMD', '@AT', 'PLAIN-1', 'LOCK-LIVE', 'LOCK-GONE'];
    await t.db.prisma.$executeRaw(Prisma.sql`
      INSERT INTO coupon (book_id, code, created_at) SELECT ${bookId}::uuid, c, '2026-05-01T10:00:00.123Z'::timestamptz + (o || ' ms')::interval
        FROM unnest(${codes}::text[]) WITH ORDINALITY AS t(c, o)`);
    await t.db.prisma.$executeRaw(Prisma.sql`
      UPDATE coupon SET state = 'ASSIGNED', assigned_user_id = ${holder.userId}::uuid, assigned_at = '2026-05-02T03:04:05.006Z'
       WHERE code IN ('PLAIN-1', '-EVIL')`);
    await t.db.prisma.$executeRaw(Prisma.sql`
      UPDATE coupon SET state = 'LOCKED', assigned_user_id = ${holder.userId}::uuid, locked_by_id = ${holder.userId}::uuid, assigned_at = '2026-05-31T00:00:00Z',
             lock_expires_at = CASE code WHEN 'LOCK-LIVE' THEN '2026-06-01T12:05:00Z'::timestamptz ELSE '2026-06-01T11:55:00Z'::timestamptz END
       WHERE code IN ('LOCK-LIVE', 'LOCK-GONE')`);
    {
      const body = await text((await exportBookCodes(contextFor(t.db, t.admin, clock), bookId)).stream);
      const rows = await t.db.prisma.$queryRaw<Array<{ code: string; email: string | null; assigned_at: Date | null; redemption_count: number; created_at: Date }>>(
        Prisma.sql`SELECT c.code, u.email, c.assigned_at, c.redemption_count, c.created_at FROM coupon c
          LEFT JOIN app_user u ON u.id = c.assigned_user_id WHERE c.book_id = ${bookId}::uuid ORDER BY c.created_at, c.id`,
      );
      const state: Record<string, string> = { 'PLAIN-1': 'ASSIGNED', '-EVIL': 'ASSIGNED', 'LOCK-LIVE': 'LOCKED', 'LOCK-GONE': 'ASSIGNED' };
      const expected =
        csvLine(['code', 'state', 'assigned_to', 'assigned_at', 'redemption_count', 'created_at']) +
        rows.map((r) => csvLine([r.code, state[r.code] ?? 'UNASSIGNED', r.email, r.assigned_at, r.redemption_count, r.created_at])).join('');
      // In no particular order: the same lines, each byte for byte.
      const sortLines = (csv: string) => {
        const [header, ...lines] = csv.split('\r\n');
        return [header, ...lines.sort()];
      };
      expect(sortLines(body)).toEqual(sortLines(expected));
      expect(body).toContain(`'-EVIL,ASSIGNED,${holder.email},2026-05-02T03:04:05.006Z,0,2026-05-01T10:00:00.124Z\r\n`);
      expect(body).toContain("'=CMD,UNASSIGNED,,,0,");
    }
  });

  it('applies the filters in SQL: state, holder, assignment window, code prefix', async () => {
    const { bookId, codes } = await createBook(t.db, 6);
    const holder = await createUser(t.db);
    await t.db.prisma.$executeRaw(Prisma.sql`
      UPDATE coupon SET state = 'ASSIGNED', assigned_user_id = ${holder.userId}::uuid,
             assigned_at = CASE code WHEN ${codes[0]} THEN '2026-01-10T00:00:00Z'::timestamptz ELSE '2026-02-10T00:00:00Z'::timestamptz END
       WHERE code IN (${codes[0]}, ${codes[1]})`);
    await t.db.prisma.$executeRaw(Prisma.sql`UPDATE coupon SET state = 'VOID', voided_at = now() WHERE code = ${codes[2]}`);
    const ctx = contextFor(t.db, t.admin);
    const exported = async (filters: Parameters<typeof exportBookCodes>[2]) =>
      (await text((await exportBookCodes(ctx, bookId, filters)).stream))
        .trimEnd()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(',')[0])
        .sort();
    expect(await exported({ state: 'ASSIGNED' })).toEqual([codes[0], codes[1]].sort());
    expect(await exported({ state: 'VOID' })).toEqual([codes[2]]);
    expect(await exported({ email: holder.email!.toUpperCase() })).toEqual([codes[0], codes[1]].sort());
    expect(await exported({ userId: holder.userId, assignedAfter: new Date('2026-02-01T00:00:00Z') })).toEqual([codes[1]]);
    expect(await exported({ assignedBefore: new Date('2026-02-01T00:00:00Z') })).toEqual([codes[0]]);
    expect(await exported({ codePrefix: codes[5].toLowerCase() })).toEqual([codes[5]]);
    expect(await exported({ state: 'REDEEMED' })).toEqual([]);
  });

  it('refuses before any byte: USER (FORBIDDEN), unknown book (NOT_FOUND), bad filters (BAD_USER_INPUT)', async () => {
    const { bookId } = await createBook(t.db, 1);
    expect(await codeOf(exportBookCodes(contextFor(t.db, t.user), bookId))).toBe('FORBIDDEN');
    expect(await codeOf(exportBookCodes(contextFor(t.db, t.admin), randomUUID()))).toBe('NOT_FOUND');
    expect(await codeOf(exportBookCodes(contextFor(t.db, t.admin), bookId, { state: 'SOMETHING' as never }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(exportBookCodes(contextFor(t.db, t.admin), bookId, { assignedAfter: new Date('nope') }))).toBe('BAD_USER_INPUT');
    expect(await codeOf(exportBookRedemptions(contextFor(t.db, t.admin), bookId, { email: "x' OR '1'='1" }))).toBe('BAD_USER_INPUT');
    expect(await runningCopies()).toBe(0);
  });
});

describe('exportBookRedemptions', () => {
  it('writes the columns csvLine wrote, JSON metadata aside (jsonb spacing), amounts in minor units, oldest first', async () => {
    const { bookId, codes } = await createBook(t.db, 3);
    const at = (s: string) => new Date(`2026-03-0${s}T08:00:00.000Z`);
    await insertRedemption(bookId, codes[0], t.user.userId, { metadata: { order: '=HYPERLINK(1)', n: [1, 2] }, redeemedAt: at('2') });
    await insertRedemption(bookId, codes[1], t.user.userId, {
      metadata: '-just a string, with "quotes"',
      idempotencyKey: '@key',
      reversalReason: 'line one\nline two',
      redeemedAt: at('1'),
      order: { id: 'ORD-1', amount: '59.9', discount: '5.99', currency: 'EUR' },
    });
    await insertRedemption(bookId, codes[2], t.user.userId, {
      metadata: 12.5,
      redeemedAt: at('3'),
      order: { id: 'ORD-2', amount: '1200', discount: '0.5', currency: 'JPY' },
    });
    const body = await text((await exportBookRedemptions(contextFor(t.db, t.admin), bookId)).stream);
    // No particular order (no ORDER BY: a sort of a million rows would cost more than the COPY); by time here.
    const rows = (parse(body, { columns: true, relax_column_count: false }) as Array<Record<string, string>>).sort((a, b) =>
      a.redeemed_at.localeCompare(b.redeemed_at),
    );
    expect(Object.keys(rows[0])).toEqual([
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
    ]);
    expect(rows.map((r) => r.code)).toEqual([codes[1], codes[0], codes[2]]);
    expect(body.startsWith('redemption_id,code,')).toBe(true);
    expect(rows[0]).toMatchObject({
      user_email: t.user.email,
      redeemed_at: '2026-03-01T08:00:00.000Z',
      idempotency_key: "'@key",
      metadata: "'-just a string, with \"quotes\"",
      reversal_reason: 'line one\nline two',
      order_amount: '59.90',
      discount_amount: '5.99',
      currency: 'EUR',
    });
    expect(rows[0].reversed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // A JSON object is jsonb's text now ("key": value), where JSON.stringify wrote no spaces.
    expect(JSON.parse(rows[1].metadata)).toEqual({ order: '=HYPERLINK(1)', n: [1, 2] });
    expect(rows[1]).toMatchObject({ idempotency_key: '', reversed_at: '', order_id: '', order_amount: '', currency: '' });
    expect(rows[2]).toMatchObject({ metadata: '12.5', order_amount: '1200', discount_amount: '0.5', currency: 'JPY' });
    // The row with a line break inside a quoted cell keeps its LF; the row itself ends CRLF.
    expect(body).toContain('"line one\nline two"');
    expect(body.split('\r\n')).toHaveLength(5);
  });

  it('applies the filters in SQL: time window, who, order, reversed', async () => {
    const { bookId, codes } = await createBook(t.db, 3);
    const other = await createUser(t.db);
    await insertRedemption(bookId, codes[0], t.user.userId, { redeemedAt: new Date('2026-04-01T00:00:00Z'), order: { id: 'A', amount: '10', discount: '1', currency: 'EUR' } });
    await insertRedemption(bookId, codes[1], other.userId, { redeemedAt: new Date('2026-04-02T00:00:00Z'), reversalReason: 'refund' });
    await insertRedemption(bookId, codes[2], t.user.userId, { redeemedAt: new Date('2026-04-03T00:00:00Z') });
    const ctx = contextFor(t.db, t.admin);
    const exported = async (filters: Parameters<typeof exportBookRedemptions>[2]) =>
      (parse(await text((await exportBookRedemptions(ctx, bookId, filters)).stream), { columns: true }) as Array<{ code: string }>).map((r) => r.code).sort();
    expect(await exported({ redeemedAfter: new Date('2026-04-02T00:00:00Z') })).toEqual([codes[1], codes[2]].sort());
    expect(await exported({ redeemedBefore: new Date('2026-04-02T00:00:00Z') })).toEqual([codes[0]]);
    expect(await exported({ email: t.user.email })).toEqual([codes[0], codes[2]].sort());
    expect(await exported({ userId: other.userId })).toEqual([codes[1]]);
    expect(await exported({ reversed: true })).toEqual([codes[1]]);
    expect(await exported({ reversed: false, orderId: 'A' })).toEqual([codes[0]]);
    expect(await exported({ code: codes[2].toLowerCase() })).toEqual([codes[2]]);
  });

  it('injection: quotes, backslashes and SQL in a filter are values, never SQL', async () => {
    const { bookId, codes } = await createBook(t.db, 2);
    const evil = [
      "A'); DROP TABLE coupon; --",
      "A\\'; DROP TABLE coupon; --",
      "x' OR '1'='1",
      'A$1 $$ $tag$ \\x27 E\'\\\'',
      "' UNION SELECT password_hash FROM app_user --",
    ];
    await insertRedemption(bookId, codes[0], t.user.userId, { order: { id: evil[0], amount: '10', discount: '1', currency: 'EUR' } });
    await insertRedemption(bookId, codes[1], t.user.userId, { order: { id: 'plain', amount: '10', discount: '1', currency: 'EUR' } });
    for (const orderId of evil) {
      const rows = parse(await text((await exportBookRedemptions(contextFor(t.db, t.admin), bookId, { orderId })).stream), { columns: true }) as Array<
        Record<string, string>
      >;
      expect(rows.map((r) => r.order_id), orderId).toEqual(orderId === evil[0] ? [evil[0]] : []);
    }
    const [{ n }] = await t.db.prisma.$queryRaw<Array<{ n: number }>>(Prisma.sql`SELECT count(*)::int AS n FROM coupon WHERE book_id = ${bookId}::uuid`);
    expect(n).toBe(2);
  });

  it('property: any text inlined into a COPY statement reads back as itself, and its cell as csvCell wrote it', async () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : (Date.now() ^ (Math.random() * 0x100000000)) | 0;
    console.info(`[fast-check] inlined literals: seed=${seed} (replay with FC_SEED=${seed})`);
    const unit = fc.oneof(
      fc.constantFrom("'", '\\', '"', ',', '\n', '\r', '\t', ' ', '=', '+', '-', '@', '$', ';', 'E', 'é', '€', '😀'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    );
    const texts = fc.string({ unit, maxLength: 30 }).filter((s) => !s.includes('\0'));
    const client = await t.db.pool.connect();
    try {
      await fc.assert(
        fc.asyncProperty(texts, async (value) => {
          const statement = inlineSql(Prisma.sql`SELECT ${value}::text AS v`);
          const { rows } = await client.query<{ v: string }>(statement);
          expect(rows[0].v).toBe(value);
          // The cell COPY writes reads back as the cell csvCell wrote (empty, or ' before a formula).
          const { rows: cells } = await client.query<{ v: string }>(
            inlineSql(Prisma.sql`SELECT (CASE WHEN left(${value}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || ${value} ELSE nullif(${value}, '') END) AS v`),
          );
          const expected = parse(`${csvCell(value)}\r\n`, { relax_quotes: false })[0]?.[0] ?? '';
          expect(cells[0].v ?? '').toBe(expected);
        }),
        { seed, numRuns: 200 },
      );
    } finally {
      client.release();
    }
  });
});

describe('a slow client does not hold a snapshot for ever', () => {
  it('a client that stops reading is cut at the time limit and its statement ends', async () => {
    const { bookId } = await createBook(t.db, 0);
    await t.db.prisma.$executeRaw(Prisma.sql`INSERT INTO coupon (book_id, code) SELECT ${bookId}::uuid, 'SLOW-' || g || repeat('X', 250) FROM generate_series(1, 100000) g`);
    const csv = await exportBookCodes(contextFor(t.db, t.admin), bookId, {}, { timeLimitMs: 1_500 });
    // Read one chunk, then nothing: buffers fill up and PostgreSQL blocks on the socket.
    await new Promise((resolve) => csv.stream.once('readable', resolve));
    await waitUntil(async () => (await runningCopies()) === 1);
    const failure = await new Promise<Error>((resolve) => csv.stream.once('error', resolve));
    expect(failure).toBeInstanceOf(ExportTimeLimitError);
    expect(failure).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await waitUntil(async () => (await runningCopies()) === 0);
    // The pool still serves (the broken connection was dropped, not reused).
    expect((await t.db.pool.query<{ one: number }>('SELECT 1 AS one')).rows[0].one).toBe(1);
  });

  it('a client that goes away mid-download ends the statement', async () => {
    const { bookId } = await createBook(t.db, 0);
    await t.db.prisma.$executeRaw(Prisma.sql`INSERT INTO coupon (book_id, code) SELECT ${bookId}::uuid, 'GONE-' || g || repeat('X', 250) FROM generate_series(1, 100000) g`);
    const csv = await exportBookCodes(contextFor(t.db, t.admin), bookId);
    await new Promise((resolve) => csv.stream.once('readable', resolve));
    await waitUntil(async () => (await runningCopies()) === 1);
    csv.stream.destroy();
    await waitUntil(async () => (await runningCopies()) === 0);
    expect(await text((await exportBookCodes(contextFor(t.db, t.admin), bookId, { codePrefix: 'GONE-99999' })).stream)).toContain('GONE-99999X');
  });
});
