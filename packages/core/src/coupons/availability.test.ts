import { Prisma } from '@coupons/db';
import { describe, expect, it } from 'vitest';
import { useServiceTest } from '../../testing/index.ts';
import { type BookAvailability, bookInactiveReason, inactiveReasonSql, notActive } from './availability.ts';

// The book's availability rule exists twice: in SQL for transitions (read under the coupon's row
// lock) and in JavaScript for a caller holding the book row (a distribution). Both must give the
// same reason for every status and every side of both window instants.

const t = useServiceTest();
const now = new Date('2030-06-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

const STATUSES = ['ACTIVE', 'PAUSED', 'ARCHIVED'] as const;
const FROMS = [null, at(-1), at(0), at(1)];
const UNTILS = [null, at(-1), at(0), at(1)];
const BOOKS: BookAvailability[] = STATUSES.flatMap((status) =>
  FROMS.flatMap((validFrom) => UNTILS.map((validUntil) => ({ status, validFrom, validUntil }))),
);

const describeBook = (b: BookAvailability) => `${b.status} from ${b.validFrom?.toISOString() ?? '-'} until ${b.validUntil?.toISOString() ?? '-'}`;

describe('bookInactiveReason', () => {
  it('the status first, then validFrom (inclusive), then validUntil (exclusive)', () => {
    const open = { validFrom: null, validUntil: null };
    expect(bookInactiveReason({ status: 'ACTIVE', ...open }, now)).toBeNull();
    expect(bookInactiveReason({ status: 'PAUSED', ...open }, now)).toBe('PAUSED');
    expect(bookInactiveReason({ status: 'ARCHIVED', validFrom: at(1), validUntil: at(-1) }, now)).toBe('ARCHIVED');
    expect(bookInactiveReason({ status: 'ACTIVE', validFrom: at(0), validUntil: null }, now)).toBeNull();
    expect(bookInactiveReason({ status: 'ACTIVE', validFrom: at(1), validUntil: at(-1) }, now)).toBe('NOT_STARTED');
    expect(bookInactiveReason({ status: 'ACTIVE', validFrom: null, validUntil: at(1) }, now)).toBeNull();
    expect(bookInactiveReason({ status: 'ACTIVE', validFrom: null, validUntil: at(0) }, now)).toBe('ENDED');
  });

  it('gives the reason inactiveReasonSql gives, for every status and side of both instants', async () => {
    const sql = await Promise.all(
      BOOKS.map(async (b) => {
        const [row] = await t.db.prisma.$queryRaw<Array<{ reason: string | null }>>(Prisma.sql`
          SELECT ${inactiveReasonSql(now, 'b')} AS reason
          FROM (SELECT ${b.status}::"BookStatus" AS status, ${b.validFrom}::timestamptz AS valid_from, ${b.validUntil}::timestamptz AS valid_until) b`);
        return `${describeBook(b)}: ${row.reason}`;
      }),
    );
    expect(BOOKS.map((b) => `${describeBook(b)}: ${bookInactiveReason(b, now)}`)).toEqual(sql);
  });

  it('turns into the BOOK_NOT_ACTIVE a claim answers, the reason in its details', () => {
    const reason = bookInactiveReason({ status: 'PAUSED', validFrom: null, validUntil: null }, now);
    expect(notActive(reason)).toMatchObject({ code: 'BOOK_NOT_ACTIVE', details: { reason: 'PAUSED' } });
  });
});
