import { Prisma } from '@coupons/db';
import { couponTouchedSql } from '../shared/sql.ts';
import { formatAmount } from '../shared/money.ts';
import { couponReturning, type RedemptionRow, redemptionReturning } from './coupon.record.ts';
import type { DomainError } from '../shared/errors.ts';
import { type DiscountTerms, type DiscountType, orderRequired } from './discount.ts';
import { bookGateShared } from './book-gate.sql.ts';
import { eventCte } from './event.sql.ts';
import {
  couponNotFound,
  lockedCoupon,
  type TransitionOutcome,
  type TransitionRow,
  targetSummary,
  toOutcome,
} from './lock.sql.ts';
import { markLocked, type Tx } from './transition.ts';

/**
 * Why redeem and reverse take the book row `FOR KEY SHARE` before the statement that reads the
 * book's budget: setting a book's first budget (updateBook, `FOR UPDATE` on the book) counts the
 * redemptions that stand, and from then on every redeem and reversal moves the counters. A
 * redemption whose statement read "no budget" but committed after that count would be missed by
 * both (the book short by one for good; a reversal, the book one too high). With the lock first,
 * the two take turns: a redeem or reversal in flight makes updateBook wait until it commits (the
 * count then sees it), and one that comes during updateBook waits, then reads the budget. It costs
 * nothing new: the redemption's foreign key takes the same lock on the book at insert anyway.
 */
const FOR_BUDGET = Prisma.raw('FOR KEY SHARE');

/**
 * The book row's lock for a redeem, in a CTE named `budget` (the book `bookId`, a subquery, names): {@link FOR_BUDGET} on a book without a budget, `FOR NO KEY UPDATE` on one with a budget.
 * A redeem of a budgeted book writes the book row (its totals), and a pause or archive
 * (book-status.service.ts, `FOR NO KEY UPDATE`) answers with those totals: with the weaker lock a
 * redeem could read the book ACTIVE, wait at its totals' update for a pause in flight, then commit
 * on the paused book after the pause had answered without it. Taken here, the two take turns: a
 * pause in flight makes the redeem wait, and its next statement reads PAUSED; a redeem in flight
 * makes the pause wait and count it. Redeems of one budgeted book take turns at that update
 * anyway; this starts their turn one statement earlier. A book without a budget keeps the weak
 * lock: nothing of what a pause answers is written by its redeems.
 *
 * The two CTEs read the budget in the statement's snapshot, but lock the row's latest version:
 * when a first budget commits while `unbudgeted` waits for updateBook's lock, the latest version
 * no longer matches it, and `budgeted`, which saw no budget, would match nothing either (the
 * redeem then held no lock on the book, and could commit on a book a pause had just answered
 * for). So `budgeted` also takes the book whenever `unbudgeted` took nothing; it reads it after
 * `unbudgeted` (it depends on it), and its row is checked again at the latest version.
 */
const lockBookForRedeem = (bookId: Prisma.Sql) => Prisma.sql`
  unbudgeted AS (
    SELECT 1 FROM book b WHERE b.id = (${bookId})
      AND b.max_total_redemptions IS NULL AND b.max_total_discount_amount IS NULL
    ${FOR_BUDGET}
  ),
  budgeted AS (
    SELECT 1 FROM book b WHERE b.id = (${bookId})
      AND (b.max_total_redemptions IS NOT NULL OR b.max_total_discount_amount IS NOT NULL OR NOT EXISTS (SELECT 1 FROM unbudgeted))
    FOR NO KEY UPDATE
  ),
  budget AS (SELECT * FROM unbudgeted UNION ALL SELECT * FROM budgeted)`;

/**
 * A CTE `holder` that takes the redeemer's `app_user` row `FOR KEY SHARE`, first in step 1 of a
 * redeem (select it first in the select list). The redemption's foreign key (`user_id`) takes
 * that lock anyway, at the end of step 2, after the coupon's row lock; an erase takes the user's
 * row `FOR UPDATE`, then the user's coupons. Taken that late, a redeem holding one of those
 * coupons and an erase holding the user waited for each other (40P01). Taken before the coupon,
 * as claims take their claimant's row, the erase waits for the redeem, or the redeem for the
 * erase (and then finds the coupon given back). No new lock: the same one, earlier.
 */
const redeemerFirst = (userId: string) => Prisma.sql`
  holder AS (SELECT 1 FROM app_user WHERE id = ${userId}::uuid FOR KEY SHARE)`;

/**
 * Step 1 of a redeem by code, in the lock order of every path (transition.ts): the redeemer's
 * user row ({@link redeemerFirst}: the redemption's foreign key), the coupon's row lock (as
 * lock.sql.ts' `lockByCode`), the book row ({@link lockBookForRedeem}), then the redeemer's
 * counter row for the coupon's book, so that step 2 reads the per-user redemption count at a
 * version nobody can change before we commit. Every assignment path upserts that row, so a holder
 * of the coupon has it. The select list takes them in that order. (The counter used to come
 * before the book: an order's redeem, a reversal or a distribution holding the book and waiting
 * for this user's counter met a redeem holding the counter and waiting for the book, 40P01.)
 */
const lockForRedeem = (code: string, userId: string) => Prisma.sql`
  WITH ${redeemerFirst(userId)},
  target AS (SELECT id, book_id FROM coupon WHERE code = ${code} FOR UPDATE),
  ${bookGateShared(Prisma.sql`SELECT book_id FROM target`)},
  ${lockBookForRedeem(Prisma.sql`SELECT book_id FROM target`)},
  counter AS (
    SELECT 1 FROM user_book_counter u JOIN target t ON u.book_id = t.book_id
    WHERE u.user_id = ${userId}::uuid FOR UPDATE OF u
  )
  SELECT (SELECT count(*) FROM holder)::int AS holders, ${markLocked(Prisma.sql`SELECT id FROM target`)} AS locked_id,
         (SELECT count(*) FROM gate)::int AS gates, (SELECT count(*) FROM budget)::int AS books, (SELECT count(*) FROM counter)::int AS counters`;


/**
 * Whether the latest lock-related event of coupon `id` is LOCK_EXPIRED: a lock's own events
 * (LOCKED, UNLOCKED, LOCK_EXPIRED, REDEEMED) and those that end or start a holding (ASSIGNED,
 * UNASSIGNED, REVERSED, VOIDED). An expiry the sweeper recorded before the coupon was taken back
 * and given anew is not this holding's: its redeem is "lock it first", as when nobody swept.
 */
const latestLockEventIsExpiry = (id: Prisma.Sql) => Prisma.sql`
  SELECT e.type::text = 'LOCK_EXPIRED' FROM coupon_event e
  WHERE e.coupon_id = ${id}
    AND e.type IN ('LOCKED', 'UNLOCKED', 'LOCK_EXPIRED', 'REDEEMED', 'ASSIGNED', 'UNASSIGNED', 'REVERSED', 'VOIDED')
  ORDER BY e.id DESC LIMIT 1`;

/**
 * Whether coupon row `t` (the coupon's and its book's columns, as {@link lockedCoupon} reads them)
 * has a use left: its code limit (updateCoupon maxRedemptions) above its uses, and on a single-use
 * book no use yet. The book's flag may be turned off after a coupon's first use of a multi-use
 * book: the coupon then has none left, as the invariants require (single-use: 1).
 */
const usesLeft = (t: string) =>
  Prisma.raw(`(${t}.allow_multiple_redemptions OR ${t}.redemption_count = 0)
    AND (${t}.code_max_redemptions IS NULL OR ${t}.redemption_count < ${t}.code_max_redemptions)`);

/**
 * The guard a redeem without an order adds on coupon row `t`: its book needs no order
 * (orderRequired, discount.ts, is the same rule in words). Read under the redeem's book lock, so an
 * updateBook that sets a minimum order comes wholly before or after it.
 */
const withoutOrder = (t: string) =>
  Prisma.raw(`AND ${t}.min_order_amount IS NULL AND NOT (${t}.discount_type = 'PERCENTAGE' AND ${t}.discount_budget)`);

/** The terms {@link orderRequired} reads, from the statement's JSON. */
function orderTermsOf(json: { discount_type: DiscountType; min_order_amount: string | null; currency: string | null; discount_budget: boolean }) {
  return {
    discountType: json.discount_type,
    minOrderAmount: json.min_order_amount !== null && json.currency ? formatAmount(json.min_order_amount, json.currency) : json.min_order_amount,
    currency: json.currency,
    discountBudget: json.discount_budget,
  };
}

export interface RedeemOutcome extends TransitionOutcome {
  /** False when the per-user redemption limit stopped it. */
  counted: boolean;
  /** False when the book's budget (total redemptions or discount) stopped it. */
  withinBudget?: boolean;
  /** False when the code had no use left (its own limit, or a single-use book's coupon already used) and stopped it. */
  codeUsesLeft?: boolean;
  /** Set on a refusal of a redeem without an order when the book needs one ({@link orderRequired}). */
  orderRequired?: DomainError | null;
  /** Set on a refusal read by the statement itself: whether the coupon's lock ran out ({@link lockRanOut}). */
  lockRanOut?: boolean;
  redemption: RedemptionRow | null;
}

/**
 * LOCKED (unexpired, by the caller) → REDEEMED, or back to ASSIGNED on a multi-redemption book
 * while the user is under `maxRedemptionsPerUser`; step 2 writes the Redemption row, the counter
 * and the event together. The coupon row lock (step 1) makes racing redeems of one coupon take
 * turns, and the loser sees REDEEMED/ASSIGNED, not LOCKED. The per-user counter is incremented by
 * a guarded upsert under its own row lock, so racing redeems of several coupons by one user
 * cannot pass the limit either.
 */
export async function redeemCouponSql(
  tx: Tx,
  args: {
    code: string;
    userId: string;
    now: Date;
    idempotencyKey: string | null;
    metadata: unknown;
    /** The order it pays for, priced by the caller from the book it read under the row lock. */
    order?: RedeemedOrder | null;
    /** True when the caller took the row lock already (step 1 of an order's redeem, {@link readRedeemTarget}). */
    rowLocked?: boolean;
  },
): Promise<RedeemOutcome> {
  const { code, userId, now } = args;
  const metadata = args.metadata === undefined || args.metadata === null ? null : JSON.stringify(args.metadata);
  const order = args.order ?? null;
  const redeem = Prisma.sql`
    WITH target AS (${lockedCoupon(now)}),
    ok AS (
      SELECT t.* FROM target t
      WHERE t.state = 'LOCKED' AND NOT t.expired AND t.locked_by_id = ${userId}::uuid AND t.active AND ${usesLeft('t')}
        ${order ? Prisma.empty : withoutOrder('t')}
    ),
    -- The discount this redemption grants, for the book's discount budget: the order's, or a
    -- fixed amount's value without an order (a percentage without an order grants nothing known).
    granted AS (
      SELECT COALESCE(${order?.discount ?? null}::numeric,
                      CASE WHEN ok.discount_type = 'FIXED_AMOUNT' THEN ok.discount_value ELSE 0 END) AS amount
      FROM ok
    ),
    -- The book's budget, only for a book that has one: a guarded increment under the book row's
    -- lock, so racing redemptions of the book take turns here and never overspend it.
    -- Whether the per-user limit lets it through: the counter row is locked (step 1 of a redeem
    -- by code; an order's redeem does not commit a refusal), so this read is its latest version
    -- and the counter upsert's guard below decides the same.
    user_ok AS (
      SELECT ok.max_redemptions_per_user IS NULL OR COALESCE((
               SELECT u.redeemed_count FROM user_book_counter u WHERE u.user_id = ${userId}::uuid AND u.book_id = ok.book_id
             ), 0) < ok.max_redemptions_per_user AS passes
      FROM ok
    ),
    bud AS (
      UPDATE book b SET redeemed_total = b.redeemed_total + 1, discount_total = b.discount_total + granted.amount
      FROM ok, granted, user_ok
      -- Only when the per-user limit lets it through: a refusal writes nothing.
      WHERE b.id = ok.book_id AND ok.budgeted AND user_ok.passes
        AND (b.max_total_redemptions IS NULL OR b.redeemed_total < b.max_total_redemptions)
        AND (b.max_total_discount_amount IS NULL OR b.discount_total + granted.amount <= b.max_total_discount_amount)
      RETURNING b.id
    ),
    allowed AS (SELECT ok.* FROM ok WHERE NOT ok.budgeted OR EXISTS (SELECT 1 FROM bud)),
    cnt AS (
      INSERT INTO user_book_counter AS u (user_id, book_id, assigned_count, redeemed_count, max_redemptions)
      SELECT ${userId}::uuid, allowed.book_id, 0, 1, allowed.max_redemptions_per_user FROM allowed
      ON CONFLICT (user_id, book_id) DO UPDATE
        SET redeemed_count = u.redeemed_count + 1, max_redemptions = EXCLUDED.max_redemptions
        WHERE EXCLUDED.max_redemptions IS NULL OR u.redeemed_count < EXCLUDED.max_redemptions
      RETURNING u.redeemed_count
    ),
    red AS (
      INSERT INTO redemption AS r (id, coupon_id, book_id, user_id, redeemed_at, idempotency_key, metadata,
                                   order_id, order_amount, discount_amount, currency)
      SELECT gen_random_uuid(), ok.id, ok.book_id, ${userId}::uuid, ${now}, ${args.idempotencyKey}, ${metadata}::jsonb,
             ${order?.id ?? null}, ${order?.amount ?? null}::numeric, ${order?.discount ?? null}::numeric, ${order?.currency ?? null}
      FROM ok, cnt
      RETURNING ${redemptionReturning}
    ),
    upd AS (
      UPDATE coupon c
      SET state = CASE
            WHEN NOT ok.allow_multiple_redemptions THEN 'REDEEMED'::"CouponState"
            WHEN ok.max_redemptions_per_user IS NOT NULL AND cnt.redeemed_count >= ok.max_redemptions_per_user
              THEN 'REDEEMED'::"CouponState"
            WHEN ok.code_max_redemptions IS NOT NULL AND c.redemption_count + 1 >= ok.code_max_redemptions
              THEN 'REDEEMED'::"CouponState"
            ELSE 'ASSIGNED'::"CouponState" END,
          redemption_count = c.redemption_count + 1, locked_by_id = NULL, lock_expires_at = NULL, ${couponTouchedSql(now)}
      FROM ok, cnt, red
      WHERE c.id = ok.id AND c.state = 'LOCKED' AND c.locked_by_id = ${userId}::uuid
      RETURNING ${couponReturning}, red.id AS redemption_id
    ),
    ${eventCte({ type: 'REDEEMED', from: 'LOCKED', to: { column: 'state' },
      actor: Prisma.sql`${userId}::uuid`, user: Prisma.sql`${userId}::uuid`, withRedemption: true, at: now })}
    SELECT ${targetSummary}, (SELECT count(*) FROM cnt)::int AS counted,
           -- The budget's own verdict: a redeem the per-user limit refused is not the budget's refusal.
           NOT EXISTS (SELECT 1 FROM ok) OR EXISTS (SELECT 1 FROM allowed) OR NOT EXISTS (SELECT 1 FROM user_ok WHERE passes) AS within_budget,
           (SELECT ${usesLeft('target')} FROM target) AS code_uses_left,
           (SELECT array_agg(id) FROM ev) AS event_ids, (SELECT to_jsonb(red) FROM red) AS redemption,
           -- Only for a refusal: whether the coupon's lock ran out (see lockRanOut), read under the row lock.
           CASE WHEN upd.id IS NULL THEN (${latestLockEventIsExpiry(Prisma.sql`(SELECT id FROM target)`)}) END AS lock_ran_out,
           -- Only for a refusal without an order: the book's terms that may need one (orderRequired).
           ${order ? Prisma.sql`NULL` : Prisma.sql`CASE WHEN upd.id IS NULL THEN (
             SELECT to_jsonb(x) FROM (SELECT t.discount_type::text AS discount_type, t.min_order_amount::text AS min_order_amount,
                                             t.currency, t.discount_budget FROM target t) x) END`} AS order_terms,
           upd.*
    FROM (SELECT 1) AS one LEFT JOIN upd ON true`;
  type RedeemRow = TransitionRow & {
    counted: number;
    redemption: RedemptionRow | null;
    lock_ran_out: boolean | null;
    order_terms: { discount_type: DiscountType; min_order_amount: string | null; currency: string | null; discount_budget: boolean } | null;
  };
  let rows: RedeemRow[];
  // An order's redeem read the row under its lock first (readRedeemTarget) and goes on after it.
  if (args.rowLocked) rows = await tx.rows<RedeemRow>(redeem);
  else {
    // Step 1 also locks the redeemer's counter row for the book, so step 2 writes nothing when it
    // refuses (see `bud`) and says all a refusal needs: COMMIT leaves with it (Tx.last's rule).
    const [[locked], acted] = await tx.steps<{ locked_id: string }, RedeemRow>(lockForRedeem(code, userId), redeem, { last: true });
    if (!locked?.locked_id) return { ...couponNotFound, counted: false, redemption: null };
    rows = acted;
  }
  const row = rows[0] as (typeof rows)[number] & { within_budget?: boolean; code_uses_left?: boolean | null };
  return {
    ...toOutcome(row),
    lockRanOut: row?.lock_ran_out === true,
    orderRequired: row?.order_terms ? orderRequired(orderTermsOf(row.order_terms)) : null,
    counted: (row?.counted ?? 0) > 0,
    withinBudget: row?.within_budget !== false,
    codeUsesLeft: row?.code_uses_left !== false,
    redemption: parseRedemption(row?.redemption),
  };
}

/** The order a redemption records: amounts as decimal strings. */
export interface RedeemedOrder {
  id: string;
  amount: string;
  discount: string;
  currency: string;
}

/** What an order's redeem reads under the coupon's row lock before it writes. */
export interface RedeemTarget extends Omit<TransitionOutcome, 'coupon' | 'eventIds'> {
  /** The book's terms that price the order. */
  terms: DiscountTerms | null;
  /** The unreversed redemption of this coupon for this order, if there is one: the redeem is a retry. */
  existing: RedemptionRow | null;
}

/**
 * Step 1 and the read of step 2 of a redeem with an order (transition.ts): takes the redeemer's
 * user row ({@link redeemerFirst}), the coupon's row lock and the book's ({@link lockBookForRedeem}), then reads, at the row's latest version, the guard's inputs, the book's pricing terms and
 * the coupon's unreversed redemption for this order. Nobody can redeem or reverse this coupon
 * until we commit (a reversal locks the coupon row too), so "this order already redeemed it" is
 * decided here, once: a racing repeat of the order waits on the row lock and then finds the
 * first one's redemption. The partial unique index redemption_coupon_order_key is only the net.
 */
export async function readRedeemTarget(tx: Tx, args: { code: string; userId: string; orderId: string; now: Date }): Promise<RedeemTarget> {
  const notFound: RedeemTarget = { ...couponNotFound, terms: null, existing: null };
  const [locked] = await tx.rows<{ locked_id: string | null }>(Prisma.sql`
    WITH ${redeemerFirst(args.userId)},
    target AS (SELECT id, book_id FROM coupon WHERE code = ${args.code} FOR UPDATE),
    ${bookGateShared(Prisma.sql`SELECT book_id FROM target`)},
    ${lockBookForRedeem(Prisma.sql`SELECT book_id FROM target`)}
    SELECT (SELECT count(*) FROM holder)::int AS holders, ${markLocked(Prisma.sql`SELECT id FROM target`)} AS locked_id,
           (SELECT count(*) FROM gate)::int AS gates, (SELECT count(*) FROM budget)::int AS books`);
  if (!locked?.locked_id) return notFound;
  const rows = await tx.rows<{
    state: string;
    owner: string | null;
    locked_by: string | null;
    expired: boolean;
    active: boolean;
    inactive_reason: string | null;
    discount_type: 'PERCENTAGE' | 'FIXED_AMOUNT';
    discount_value: string;
    currency: string | null;
    min_order_amount: string | null;
    discount_budget: boolean;
    existing: RedemptionRow | null;
  }>(Prisma.sql`
    WITH target AS (${lockedCoupon(args.now)})
    SELECT t.state::text AS state, t.assigned_user_id::text AS owner, t.locked_by_id::text AS locked_by, t.expired, t.active,
           t.inactive_reason,
           b.discount_type::text AS discount_type, b.discount_value::text AS discount_value, b.currency,
           b.min_order_amount::text AS min_order_amount, b.max_total_discount_amount IS NOT NULL AS discount_budget,
           (SELECT to_jsonb(x) FROM (SELECT ${redemptionReturning} FROM redemption r
             WHERE r.coupon_id = t.id AND r.order_id = ${args.orderId} AND r.reversed_at IS NULL) x) AS existing
    FROM target t JOIN book b ON b.id = t.book_id`);
  const row = rows[0];
  if (!row) return notFound;
  return {
    found: true,
    state: row.state,
    ownerId: row.owner,
    lockedById: row.locked_by,
    lockExpired: row.expired === true,
    active: row.active === true,
    inactiveReason: row.inactive_reason,
    terms: {
      discountType: row.discount_type,
      discountValue: Number(row.discount_value),
      currency: row.currency,
      minOrderAmount: row.min_order_amount !== null && row.currency ? formatAmount(row.min_order_amount, row.currency) : null,
      discountBudget: row.discount_budget,
    },
    existing: parseRedemption(row.existing),
  };
}

/**
 * True when the coupon's latest lock-related event ({@link latestLockEventIsExpiry}) is
 * LOCK_EXPIRED: its holder's lock ran out and nobody has locked, released, redeemed, taken back
 * or given it anew since, whether the sweeper or a lazy re-lock recorded the expiry. Read only to name a refused redeem.
 */
export async function lockRanOut(tx: Tx, code: string): Promise<boolean> {
  const rows = await tx.rows<{ expired: boolean }>(Prisma.sql`
    SELECT (${latestLockEventIsExpiry(Prisma.sql`(SELECT id FROM coupon WHERE code = ${code})`)}) AS expired`);
  return rows[0]?.expired === true;
}

/**
 * Reverses one redemption (a refund): marks the row reversed (never deleted), gives the use back
 * on the user's counter and the coupon, and moves a REDEEMED coupon back to ASSIGNED. Step 1
 * locks the redemption row, its coupon row, the book (as a redeem does, {@link lockBookForRedeem})
 * and the redeemer's counter row for the book, in that order; step 2 then reads them at their
 * latest versions. Redeem never locks an existing redemption row and takes coupon, book, counter
 * in the same order, so the two cannot deadlock (step 2 used to take the counter only after the
 * book, and a redeem by code the counter before the book: each waited for the other's). A second
 * reversal finds `reversed_at` set.
 */
export async function reverseRedemptionSql(
  tx: Tx,
  args: { redemptionId: string; adminId: string; reason: string; now: Date },
): Promise<{ found: boolean; alreadyReversed: boolean; redemption: RedemptionRow | null; eventIds: string[] }> {
  const { redemptionId, adminId, reason, now } = args;
  const [locked] = await tx.rows<{ id: string | null }>(Prisma.sql`
    WITH target AS (SELECT id, coupon_id, user_id, book_id FROM redemption WHERE id = ${redemptionId}::uuid FOR UPDATE),
    cp AS (SELECT 1 FROM coupon c JOIN target t ON c.id = t.coupon_id FOR UPDATE OF c),
    ${lockBookForRedeem(Prisma.sql`SELECT book_id FROM target`)},
    counter AS (
      SELECT 1 FROM user_book_counter u JOIN target t ON u.user_id = t.user_id AND u.book_id = t.book_id FOR UPDATE OF u
    )
    SELECT (SELECT id::text FROM target) AS id, (SELECT count(*) FROM cp)::int AS coupons,
           (SELECT count(*) FROM budget)::int AS books, (SELECT count(*) FROM counter)::int AS counters`);
  if (!locked?.id) return { found: false, alreadyReversed: false, redemption: null, eventIds: [] };
  const rows = await tx.rows<{ found: number; already: boolean | null; redemption: RedemptionRow | null; event_ids: string[] | null }>(
    Prisma.sql`
    WITH target AS (SELECT * FROM redemption WHERE id = ${redemptionId}::uuid),
    cp AS (SELECT c.id, c.state FROM coupon c JOIN target t ON c.id = t.coupon_id),
    rev AS (
      UPDATE redemption r SET reversed_at = ${now}, reversed_by_id = ${adminId}::uuid, reversal_reason = ${reason}
      FROM target t WHERE r.id = t.id AND t.reversed_at IS NULL
      RETURNING ${redemptionReturning}
    ),
    cnt AS (
      UPDATE user_book_counter u SET redeemed_count = u.redeemed_count - 1
      FROM rev WHERE u.user_id = rev.user_id::uuid AND u.book_id = rev.book_id::uuid AND u.redeemed_count > 0
      RETURNING u.redeemed_count
    ),
    -- A budgeted book gets the use and the discount back (the same amount redeem counted).
    bud AS (
      UPDATE book b SET redeemed_total = GREATEST(b.redeemed_total - 1, 0),
             discount_total = GREATEST(b.discount_total - COALESCE(rev.discount_amount::numeric,
               CASE WHEN b.discount_type = 'FIXED_AMOUNT' THEN b.discount_value ELSE 0 END), 0)
      FROM rev WHERE b.id = rev.book_id::uuid
        AND (b.max_total_redemptions IS NOT NULL OR b.max_total_discount_amount IS NOT NULL)
      RETURNING b.id
    ),
    upd AS (
      UPDATE coupon c
      SET redemption_count = GREATEST(c.redemption_count - 1, 0),
          state = CASE WHEN c.state = 'REDEEMED' THEN 'ASSIGNED'::"CouponState" ELSE c.state END,
          ${couponTouchedSql(now)}
      FROM cp, rev WHERE c.id = cp.id
      RETURNING c.id, c.book_id, c.state, c.assigned_user_id, cp.state AS from_state, rev.id AS redemption_id
    ),
    ${eventCte({ type: 'REVERSED', from: { column: 'from_state' }, to: { column: 'state' },
      actor: Prisma.sql`${adminId}::uuid`, user: Prisma.sql`assigned_user_id`, withRedemption: true, at: now })}
    SELECT (SELECT count(*) FROM target)::int AS found, (SELECT reversed_at IS NOT NULL FROM target) AS already,
           (SELECT to_jsonb(rev) FROM rev) AS redemption, (SELECT array_agg(id) FROM ev) AS event_ids`,
  );
  const row = rows[0];
  return {
    found: (row?.found ?? 0) > 0,
    alreadyReversed: row?.already === true,
    redemption: parseRedemption(row?.redemption),
    eventIds: row?.event_ids ?? [],
  };
}

/** `to_jsonb` turns timestamps into strings; bring them back as Dates. */
function parseRedemption(value: unknown): RedemptionRow | null {
  if (!value || typeof value !== 'object') return null;
  const r = value as Record<string, unknown>;
  const date = (v: unknown) => (typeof v === 'string' ? new Date(v) : (v as Date | null));
  return {
    ...(r as unknown as RedemptionRow),
    redeemed_at: date(r.redeemed_at) as Date,
    reversed_at: date(r.reversed_at),
  };
}
