import { Prisma } from '@coupons/db';
import type { SqlClient } from '../shared/sql.ts';

/** One broken rule and a few example rows that break it. */
export interface InvariantViolation {
  rule: string;
  examples: unknown[];
}

/**
 * The promises of the service, each as a query that returns the rows breaking it (none when it
 * holds). Used after races, fault injection and benchmarks: a fast wrong answer is a failure.
 */
const RULES: Array<{ rule: string; sql: Prisma.Sql }> = [
  {
    rule: 'every assigned/locked/redeemed coupon has exactly one owner, and unassigned ones none',
    sql: Prisma.sql`SELECT id::text, state::text FROM coupon
      WHERE state <> 'VOID' AND (state = 'UNASSIGNED') <> (assigned_user_id IS NULL) LIMIT 5`,
  },
  {
    rule: 'no lock is held by anyone but the owner, and every lock has an expiry',
    sql: Prisma.sql`SELECT id::text FROM coupon
      WHERE (state = 'LOCKED' AND (locked_by_id IS DISTINCT FROM assigned_user_id OR lock_expires_at IS NULL))
         OR (state <> 'LOCKED' AND (locked_by_id IS NOT NULL OR lock_expires_at IS NOT NULL)) LIMIT 5`,
  },
  {
    // Against the limit in force when the user was last given a coupon (copied into the counter
    // by the same statement): an admin may lower a book's limit below what users already hold.
    rule: 'no user holds more coupons of a book than the maxAssignmentsPerUser in force when assigned',
    sql: Prisma.sql`SELECT c.assigned_user_id::text AS user_id, c.book_id::text AS book_id, count(*)::int AS held,
        u.max_assignments AS max
      FROM coupon c JOIN user_book_counter u ON u.user_id = c.assigned_user_id AND u.book_id = c.book_id
      WHERE u.max_assignments IS NOT NULL
      GROUP BY c.assigned_user_id, c.book_id, u.max_assignments
      HAVING count(*) > u.max_assignments LIMIT 5`,
  },
  {
    rule: "a budgeted book's counters equal its standing redemptions",
    sql: Prisma.sql`SELECT b.id::text, b.redeemed_total, count(r.id)::int AS standing FROM book b
      LEFT JOIN redemption r ON r.book_id = b.id AND r.reversed_at IS NULL
      WHERE b.max_total_redemptions IS NOT NULL OR b.max_total_discount_amount IS NOT NULL
      GROUP BY b.id, b.redeemed_total HAVING b.redeemed_total <> count(r.id) LIMIT 5`,
  },
  {
    rule: 'the assignment counter equals the coupons the user holds in the book',
    sql: Prisma.sql`SELECT u.user_id::text, u.book_id::text, u.assigned_count, count(c.id)::int AS held
      FROM user_book_counter u
      LEFT JOIN coupon c ON c.assigned_user_id = u.user_id AND c.book_id = u.book_id
      GROUP BY u.user_id, u.book_id, u.assigned_count
      HAVING u.assigned_count <> count(c.id)
      UNION ALL
      SELECT c.assigned_user_id::text, c.book_id::text, NULL, count(*)::int FROM coupon c
      LEFT JOIN user_book_counter u ON u.user_id = c.assigned_user_id AND u.book_id = c.book_id
      WHERE c.assigned_user_id IS NOT NULL AND u.user_id IS NULL
      GROUP BY c.assigned_user_id, c.book_id LIMIT 5`,
  },
  {
    rule: "a book's state counts (book_state_count, summed over slots) equal its coupons in each state",
    sql: Prisma.sql`SELECT coalesce(k.book_id, c.book_id)::text AS book_id, coalesce(k.state, c.state)::text AS state,
        coalesce(k.n, 0)::int AS counted, coalesce(c.n, 0)::int AS coupons
      FROM (SELECT book_id, state, sum(n) AS n FROM book_state_count GROUP BY book_id, state) k
      FULL JOIN (SELECT book_id, state, count(*) AS n FROM coupon GROUP BY book_id, state) c
        ON c.book_id = k.book_id AND c.state = k.state
      WHERE coalesce(k.n, 0) <> coalesce(c.n, 0) LIMIT 5`,
  },
  {
    rule: "a book's redemption totals (book_redemption_total, summed over slots) equal its standing redemptions and their discount",
    sql: Prisma.sql`SELECT coalesce(t.book_id, r.book_id)::text AS book_id, coalesce(t.n, 0)::int AS counted,
        coalesce(r.n, 0)::int AS standing, coalesce(t.discount, 0)::text AS counted_discount, coalesce(r.discount, 0)::text AS granted
      FROM (SELECT book_id, sum(n) AS n, sum(discount) AS discount FROM book_redemption_total GROUP BY book_id) t
      FULL JOIN (SELECT r.book_id, count(*) AS n,
                        sum(COALESCE(r.discount_amount, CASE WHEN b.discount_type = 'FIXED_AMOUNT' THEN b.discount_value ELSE 0 END)) AS discount
                   FROM redemption r JOIN book b ON b.id = r.book_id
                  WHERE r.reversed_at IS NULL GROUP BY r.book_id) r ON r.book_id = t.book_id
      WHERE coalesce(t.n, 0) <> coalesce(r.n, 0) OR coalesce(t.discount, 0) <> coalesce(r.discount, 0) LIMIT 5`,
  },
  {
    rule: "each coupon's redemption count equals its Redemption rows minus reversals",
    sql: Prisma.sql`SELECT c.id::text, c.redemption_count, count(r.id) FILTER (WHERE r.reversed_at IS NULL)::int AS live
      FROM coupon c LEFT JOIN redemption r ON r.coupon_id = c.id
      GROUP BY c.id, c.redemption_count
      HAVING c.redemption_count <> count(r.id) FILTER (WHERE r.reversed_at IS NULL) LIMIT 5`,
  },
  {
    rule: "each user's redemption counter equals their unreversed redemptions in the book",
    sql: Prisma.sql`SELECT u.user_id::text, u.book_id::text, u.redeemed_count,
        (SELECT count(*) FROM redemption r WHERE r.user_id = u.user_id AND r.book_id = u.book_id
           AND r.reversed_at IS NULL)::int AS live
      FROM user_book_counter u
      WHERE u.redeemed_count <> (SELECT count(*) FROM redemption r WHERE r.user_id = u.user_id
           AND r.book_id = u.book_id AND r.reversed_at IS NULL) LIMIT 5`,
  },
  {
    // Per user: against the maxRedemptionsPerUser in force at their last redemption (copied into
    // the counter); a coupon's own count is bounded by its owner's through the two rules above.
    rule: 'no redemption count exceeds its limit (single-use: 1; multi: maxRedemptionsPerUser per user)',
    sql: Prisma.sql`SELECT c.id::text, c.redemption_count FROM coupon c JOIN book b ON b.id = c.book_id
      WHERE NOT b.allow_multiple_redemptions AND c.redemption_count > 1
      UNION ALL
      SELECT u.user_id::text, u.redeemed_count FROM user_book_counter u
      WHERE u.max_redemptions IS NOT NULL AND u.redeemed_count > u.max_redemptions LIMIT 5`,
  },
  {
    rule: 'every assigned coupon has its ASSIGNED event and every redemption its REDEEMED event',
    sql: Prisma.sql`SELECT c.id::text, 'no ASSIGNED event' AS problem FROM coupon c
      WHERE c.assigned_user_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM coupon_event e WHERE e.coupon_id = c.id AND e.type = 'ASSIGNED')
      UNION ALL
      SELECT r.id::text, 'no REDEEMED event' FROM redemption r
      WHERE NOT EXISTS (SELECT 1 FROM coupon_event e WHERE e.redemption_id = r.id AND e.type = 'REDEEMED')
      UNION ALL
      SELECT r.id::text, 'no REVERSED event' FROM redemption r
      WHERE r.reversed_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM coupon_event e WHERE e.redemption_id = r.id AND e.type = 'REVERSED') LIMIT 5`,
  },
  {
    rule: 'every coupon is in the state its last event left it in (UNASSIGNED when it has none)',
    sql: Prisma.sql`WITH last AS (
        SELECT DISTINCT ON (coupon_id) coupon_id, to_state FROM coupon_event
        WHERE coupon_id IS NOT NULL ORDER BY coupon_id, id DESC
      )
      SELECT c.id::text, c.state::text, last.to_state::text AS last_event_to
      FROM coupon c LEFT JOIN last ON last.coupon_id = c.id
      WHERE c.state::text IS DISTINCT FROM COALESCE(last.to_state::text, 'UNASSIGNED') LIMIT 5`,
  },
  {
    // Every transition holds the coupon's row lock while it takes its event id, so a coupon's
    // events are ordered by id; a gap in the chain is a transition that left no event.
    rule: "every event starts from the state the coupon's previous event left it in",
    sql: Prisma.sql`SELECT id::text, coupon_id::text, type::text, from_state::text, previous_to::text FROM (
        SELECT e.id, e.coupon_id, e.type, e.from_state,
               lag(e.to_state) OVER (PARTITION BY e.coupon_id ORDER BY e.id) AS previous_to
        FROM coupon_event e WHERE e.coupon_id IS NOT NULL
      ) chain
      WHERE from_state::text IS DISTINCT FROM COALESCE(previous_to::text, 'UNASSIGNED') LIMIT 5`,
  },
  {
    rule: 'every Redemption has exactly one REDEEMED event, and every REDEEMED event its Redemption',
    sql: Prisma.sql`SELECT r.id::text, COALESCE(e.n, 0)::int AS redeemed_events FROM redemption r
      LEFT JOIN (SELECT redemption_id, count(*) AS n FROM coupon_event WHERE type = 'REDEEMED' GROUP BY redemption_id) e
        ON e.redemption_id = r.id
      WHERE COALESCE(e.n, 0) <> 1
      UNION ALL
      SELECT e.id::text, 0 FROM coupon_event e LEFT JOIN redemption r ON r.id = e.redemption_id
      WHERE e.type = 'REDEEMED' AND r.id IS NULL LIMIT 5`,
  },
  {
    rule: "a redemption belongs to its coupon's owner and book",
    sql: Prisma.sql`SELECT r.id::text FROM redemption r JOIN coupon c ON c.id = r.coupon_id
      WHERE r.user_id IS DISTINCT FROM c.assigned_user_id OR r.book_id <> c.book_id LIMIT 5`,
  },
  {
    // The record and the effect commit in one transaction: a record without its response, or a
    // stored redemption that does not exist, is a half-applied idempotent request.
    rule: 'every idempotency record holds its first response, and a stored redemption exists',
    sql: Prisma.sql`SELECT user_id::text, key, operation FROM idempotency_record WHERE response IS NULL
      UNION ALL
      SELECT i.user_id::text, i.key, i.operation FROM idempotency_record i
      WHERE i.operation = 'redeemCoupon'
        AND NOT EXISTS (SELECT 1 FROM redemption r WHERE r.id::text = i.response->>'id' AND r.user_id = i.user_id)
      LIMIT 5`,
  },
];

/** Runs every invariant; an empty list means every promise holds. */
export async function checkInvariants(sql: SqlClient): Promise<InvariantViolation[]> {
  const violations: InvariantViolation[] = [];
  for (const { rule, sql: query } of RULES) {
    const examples = await sql.$queryRaw<unknown[]>(query);
    if (examples.length > 0) violations.push({ rule, examples });
  }
  return violations;
}
