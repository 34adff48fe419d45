import { randomInt } from 'node:crypto';
import { Prisma } from '@coupons/db';
import { couponTouchedSql } from '../shared/sql.ts';
import { inactiveReasonSql } from './availability.ts';
import { type CouponRow, couponReturning } from './coupon.record.ts';
import { bookGateShared } from './book-gate.sql.ts';
import { eventCte } from './event.sql.ts';
import { lockedRowId, markLocked, type Tx } from './transition.ts';

/**
 * The account a claim is for, as the claim's first statement found it under its row lock: `OK`,
 * or why it cannot hold coupons (no such user, disabled, erased).
 */
export type Claimant = 'OK' | 'MISSING' | 'DISABLED' | 'ERASED';

/** What one claim statement observed, so the caller can name the failure without another query. */
export interface ClaimOutcome {
  /** The account the coupon is for; anything but `OK` means nothing was picked. */
  claimant: Claimant;
  bookFound: boolean;
  active: boolean;
  /** Why it is not active (availability.ts), when it is not. */
  inactiveReason: string | null;
  /** The coupon's state when we held its row lock (null when nothing was picked). */
  couponState: string | null;
  /** Its assigned user then (null when free or nothing was picked). */
  couponOwnerId: string | null;
  picked: boolean;
  /**
   * Random claims that picked nothing: whether unassigned coupons still exist (as of the same
   * statement's snapshot), i.e. ones that concurrent claimers hold locked and may yet release.
   * Answered in the claim itself, so a SOLD_OUT needs no statement of its own.
   */
  unassignedLeft: boolean;
  counted: boolean;
  eventId: string | null;
  coupon: CouponRow | null;
}

interface PickRow {
  claimant: Claimant;
  book_found: number;
  active: boolean | null;
  inactive_reason: string | null;
  picked_id: string | null;
  unassigned_left: boolean | null;
}

interface ClaimRow extends Partial<CouponRow> {
  book_found: number;
  active: boolean | null;
  inactive_reason: string | null;
  coupon_state: string | null;
  coupon_owner: string | null;
  picked: number;
  unassigned_left: boolean | null;
  counted: number;
  event_id: string | null;
}

const RANDOM_KEY_SPACE = 2_147_483_647;

/**
 * The first CTE of both claims' step 1: the claimant's `app_user` row, locked `FOR KEY SHARE`
 * before any coupon row (lock order: user, coupon, counter), read at its latest version.
 *
 * Why a lock: `eraseUser` gives the user's unused coupons back, and a claim that committed after
 * that would leave a coupon with the erased account. The erase locks the user's row `FOR UPDATE`
 * before it looks for their coupons (users/user-admin.service.ts), so one of the two waits for the
 * other: a claim holding this lock commits first and the erase then finds and returns its coupon;
 * a claim arriving after the erase's lock waits here, and READ COMMITTED re-reads the row it
 * locks at its newest version, so it sees `erased_at` and refuses. Either way a serial order.
 *
 * Why KEY SHARE, the weakest row lock: it conflicts only with `FOR UPDATE` (deletes, changes of a
 * unique key, explicit `FOR UPDATE` as the erase takes), not with `FOR NO KEY UPDATE`, which
 * role changes, disabling and every other update of the row take. `FOR SHARE` would make every
 * claim queue behind (and block) any admin change, whose transactions lock all enabled admins'
 * rows, and any plain update of the user's row. It is also the lock the claim's own foreign-key
 * checks take on this row when it writes the coupon, counter and event: only taken earlier, so it
 * costs no new conflict. A disable racing a claim needs no lock: it touches no coupon, so a claim
 * that read the user as enabled is simply ordered before it.
 */
const claimantCte = (userId: string) => Prisma.sql`usr AS (
      SELECT disabled_at IS NOT NULL AS disabled, erased_at IS NOT NULL AS erased
      FROM app_user WHERE id = ${userId}::uuid
      FOR KEY SHARE
    )`;

/** True when the claimant may hold coupons (an uncorrelated test: evaluated once, before the scan it guards). */
const claimantMayHold = Prisma.sql`EXISTS (SELECT 1 FROM usr WHERE NOT usr.disabled AND NOT usr.erased)`;

/** The {@link Claimant} column. */
const claimantColumn = Prisma.sql`CASE WHEN NOT EXISTS (SELECT 1 FROM usr) THEN 'MISSING'
      WHEN (SELECT erased FROM usr) THEN 'ERASED' WHEN (SELECT disabled FROM usr) THEN 'DISABLED' ELSE 'OK' END AS claimant`;

/**
 * Per-user limit guard, shared by both claims. Upserts the user's counter row for the book:
 * a new row starts at 1; an existing row is incremented only while below the book's limit.
 * The upsert takes the counter row's lock, so two claims by one user serialise here and the
 * second re-evaluates `assigned_count < max` on the first's committed value: the limit cannot
 * be overrun by racing requests. The limit copied into the row lets a CHECK constraint hold it.
 */
const counterUpsert = (userId: string, bookId: Prisma.Sql, maxSql: Prisma.Sql, gate: Prisma.Sql) => Prisma.sql`
  INSERT INTO user_book_counter AS u (user_id, book_id, assigned_count, redeemed_count, max_assignments)
  SELECT ${userId}::uuid, ${bookId}, 1, 0, ${maxSql} WHERE ${gate}
  ON CONFLICT (user_id, book_id) DO UPDATE
    SET assigned_count = u.assigned_count + 1, max_assignments = EXCLUDED.max_assignments
    WHERE EXCLUDED.max_assignments IS NULL OR u.assigned_count < EXCLUDED.max_assignments
  RETURNING u.assigned_count`;

/**
 * The last two parts of a claim: the picked row (locked by step 1) becomes ASSIGNED only when the
 * limit guard `cnt` let it through, and its event is written beside it.
 */
const assignPicked = (userId: string, actorId: string, now: Date) => Prisma.sql`upd AS (
      UPDATE coupon c
      SET state = 'ASSIGNED', assigned_user_id = ${userId}::uuid, assigned_at = ${now}, ${couponTouchedSql(now)}
      FROM pick
      WHERE c.id = pick.id AND c.state = 'UNASSIGNED' AND EXISTS (SELECT 1 FROM cnt)
      RETURNING ${couponReturning}
    ),
    ${eventCte({ type: 'ASSIGNED', from: 'UNASSIGNED', to: 'ASSIGNED',
      actor: Prisma.sql`${actorId}::uuid`, user: Prisma.sql`${userId}::uuid`, at: now })}`;

/**
 * Claims a random unassigned coupon of a book for a user (see transition.ts: lock, then act).
 *
 * Step 1 picks and locks: it walks the partial index `(book_id, random_key) WHERE state =
 * 'UNASSIGNED'` from a random point and takes the first row it can lock (`FOR UPDATE SKIP
 * LOCKED`), wrapping around below the point when nothing is above it. Concurrent claimers
 * therefore lock different rows in parallel instead of queueing on one, and a row assigned
 * meanwhile fails the `state = 'UNASSIGNED'` re-check under the lock and is skipped, so no coupon
 * is assigned twice. O(log n) on any book size: no random sort, no book-wide lock.
 * When nothing was picked, whether unassigned codes are left is read from the same partial index
 * (the lowest `random_key`: a scalar subquery whose ORDER BY … LIMIT 1 only that index serves).
 * An `EXISTS` probe was planned as a sequential scan of every book's coupons (an EXISTS expects
 * its first match at once), so a SOLD_OUT on an emptied book beside 300k other codes took 65-75 ms.
 * Step 2 assigns the locked row ({@link assignLockedCoupon}).
 *
 * With `wait`, step 1 does not skip: it waits for the lock of the unassigned row with the lowest
 * key and, when its holder assigned or deleted it, goes on to the next one (PostgreSQL re-checks a
 * row once its lock is free). The claim's last resort when every unassigned row stayed locked by
 * others through its retries (assign.service.ts): it then answers with what those others did.
 */
export async function claimRandomCoupon(
  tx: Tx,
  args: { bookId: string; userId: string; actorId: string; now: Date; wait?: boolean },
): Promise<ClaimOutcome> {
  const { bookId, userId, actorId, now } = args;
  const point = args.wait ? 0 : randomInt(RANDOM_KEY_SPACE);
  const lock = args.wait ? Prisma.sql`FOR UPDATE` : Prisma.sql`FOR UPDATE SKIP LOCKED`;
  const [[pick], acted] = await tx.steps<PickRow, ClaimRow>(
    Prisma.sql`
    WITH ${claimantCte(userId)},
    bk AS (
      SELECT ${inactiveReasonSql(now, 'book')} IS NULL AS active, ${inactiveReasonSql(now, 'book')} AS inactive_reason
      FROM book WHERE id = ${bookId}::uuid
    ),
    pick_hi AS (
      SELECT c.id FROM coupon c
      WHERE ${claimantMayHold} AND (SELECT active FROM bk) AND c.book_id = ${bookId}::uuid AND c.state = 'UNASSIGNED' AND c.random_key >= ${point}
        AND (c.expires_at IS NULL OR c.expires_at > ${now})
      ORDER BY c.random_key LIMIT 1
      ${lock}
    ),
    pick_lo AS (
      SELECT c.id FROM coupon c
      WHERE ${claimantMayHold} AND (SELECT active FROM bk) AND NOT EXISTS (SELECT 1 FROM pick_hi)
        AND c.book_id = ${bookId}::uuid AND c.state = 'UNASSIGNED' AND c.random_key < ${point}
        AND (c.expires_at IS NULL OR c.expires_at > ${now})
      ORDER BY c.random_key LIMIT 1
      ${lock}
    ),
    pick AS (SELECT id FROM pick_hi UNION ALL SELECT id FROM pick_lo),
    ${bookGateShared(Prisma.sql`${bookId}::uuid`)}
    SELECT ${claimantColumn}, (SELECT count(*) FROM gate)::int AS gates, (SELECT count(*) FROM bk)::int AS book_found, (SELECT active FROM bk) AS active,
           (SELECT inactive_reason FROM bk) AS inactive_reason,
           ${markLocked(Prisma.sql`SELECT id FROM pick`)} AS picked_id,
           (NOT EXISTS (SELECT 1 FROM pick) AND (
             SELECT c.random_key FROM coupon c WHERE c.book_id = ${bookId}::uuid AND c.state = 'UNASSIGNED'
             ORDER BY c.random_key LIMIT 1) IS NOT NULL) AS unassigned_left`,
    assignLockedCoupon(userId, actorId, now),
    { last: true },
  );
  if (!pick?.picked_id) {
    return {
      claimant: pick?.claimant ?? 'MISSING',
      bookFound: (pick?.book_found ?? 0) > 0,
      active: pick?.active === true,
      inactiveReason: pick?.inactive_reason ?? null,
      couponState: null,
      couponOwnerId: null,
      picked: false,
      unassignedLeft: pick?.unassigned_left === true,
      counted: false,
      eventId: null,
      coupon: null,
    };
  }
  return toOutcome(acted[0]);
}

/**
 * Claims one coupon by code. Step 1 locks the claimant's row (see {@link claimantCte}) and then,
 * when they may hold coupons, the coupon's row with a blocking `FOR UPDATE` (we want exactly this
 * row): a concurrent transition of the same code waits, and step 2 then sees what it committed (a
 * claim that lost the race answers INVALID_STATE).
 */
export async function claimCouponByCode(
  tx: Tx,
  args: { code: string; userId: string; actorId: string; now: Date },
): Promise<ClaimOutcome> {
  const { code, userId, actorId, now } = args;
  const [[locked], acted] = await tx.steps<{ claimant: Claimant; locked_id: string }, ClaimRow>(
    Prisma.sql`
    WITH ${claimantCte(userId)},
    target AS (SELECT id, book_id FROM coupon WHERE ${claimantMayHold} AND code = ${code} FOR UPDATE),
    ${bookGateShared(Prisma.sql`SELECT book_id FROM target`)}
    SELECT ${claimantColumn}, ${markLocked(Prisma.sql`SELECT id FROM target`)} AS locked_id, (SELECT count(*) FROM gate)::int AS gates`,
    assignLockedCoupon(userId, actorId, now),
    { last: true },
  );
  if (locked?.claimant !== 'OK' || !locked.locked_id) {
    return {
      claimant: locked?.claimant ?? 'MISSING',
      bookFound: false,
      active: false,
      inactiveReason: null,
      couponState: null,
      couponOwnerId: null,
      picked: false,
      unassignedLeft: false,
      counted: false,
      eventId: null,
      coupon: null,
    };
  }
  return toOutcome(acted[0]);
}

/**
 * Step 2 of both claims, on the coupon whose row lock step 1 took (so the snapshot shows its
 * latest version; none when step 1 locked nothing, and then it writes nothing): book window →
 * limit guard → UNASSIGNED → ASSIGNED → event, in one statement. The limit guard upserts the
 * user's counter under the counter's row lock only when the coupon can be taken, so a refused
 * claim counts nothing. Sent with COMMIT: a refused claim writes nothing here (no counter, no
 * row, no event).
 */
function assignLockedCoupon(userId: string, actorId: string, now: Date): Prisma.Sql {
  return Prisma.sql`
    WITH target AS (SELECT c.id, c.book_id, c.state, c.assigned_user_id, c.expires_at FROM coupon c WHERE c.id = ${lockedRowId}),
    known AS (SELECT 1 FROM user_book_counter k JOIN target t ON k.book_id = t.book_id WHERE k.user_id = ${userId}::uuid),
    bk_first AS (${bookTerms(now)} WHERE NOT EXISTS (SELECT 1 FROM known) FOR KEY SHARE OF b),
    bk AS (SELECT * FROM bk_first UNION ALL ${bookTerms(now)} WHERE EXISTS (SELECT 1 FROM known)),
    pick AS (SELECT t.id FROM target t, bk WHERE t.state = 'UNASSIGNED' AND bk.active),
    cnt AS (${counterUpsert(userId, Prisma.sql`(SELECT id FROM bk)`, Prisma.sql`(SELECT max_a FROM bk)`, Prisma.sql`EXISTS (SELECT 1 FROM pick)`)}),
    ${assignPicked(userId, actorId, now)}
    SELECT (SELECT count(*) FROM bk)::int AS book_found, (SELECT active FROM bk) AS active,
           (SELECT inactive_reason FROM bk) AS inactive_reason,
           (SELECT state::text FROM target) AS coupon_state,
           (SELECT assigned_user_id::text FROM target) AS coupon_owner, false AS unassigned_left,
           (SELECT count(*) FROM pick)::int AS picked, (SELECT count(*) FROM cnt)::int AS counted,
           (SELECT id FROM ev) AS event_id, upd.*
    FROM (SELECT 1) AS one LEFT JOIN upd ON true`;
}

/**
 * What step 2 reads of the coupon's book. The claimant's first claim in the book reads it
 * `FOR KEY SHARE` (`bk_first`): a lock the claim's new counter row takes on the book anyway (its
 * foreign key), taken before the book is read, so an updateBook that changes terms while no
 * coupon is out (it holds the book `FOR UPDATE` and checks for counters) either waits for this
 * claim and then sees its counter, or commits first and this claim reads the book as it left it.
 * Read without the lock, a claim could commit on the book's old window after an update that found
 * no coupon out: both answered as if each came first. A later claim has a counter already, and
 * with it the book is past terms changes: it reads the book plainly, as before.
 */
function bookTerms(now: Date): Prisma.Sql {
  return Prisma.sql`SELECT b.id, b.max_assignments_per_user AS max_a,
             ${inactiveReasonSql(now, 'b', 't')} IS NULL AS active, ${inactiveReasonSql(now, 'b', 't')} AS inactive_reason
      FROM book b JOIN target t ON t.book_id = b.id`;
}

function toOutcome(row: ClaimRow | undefined): ClaimOutcome {
  if (!row) throw new Error('claim statement returned no row');
  return {
    // Step 1 found the claimant able to hold coupons, or step 2 would not have run.
    claimant: 'OK',
    bookFound: row.book_found > 0,
    active: row.active === true,
    inactiveReason: row.inactive_reason,
    couponState: row.coupon_state,
    couponOwnerId: row.coupon_owner,
    picked: row.picked > 0,
    unassignedLeft: row.unassigned_left === true,
    counted: row.counted > 0,
    eventId: row.event_id,
    coupon: row.id ? (row as CouponRow) : null,
  };
}
