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
      WHERE (state = 'UNASSIGNED') <> (assigned_user_id IS NULL) LIMIT 5`,
  },
  {
    rule: 'no lock is held by anyone but the owner, and every lock has an expiry',
    sql: Prisma.sql`SELECT id::text FROM coupon
      WHERE (state = 'LOCKED' AND (locked_by_id IS DISTINCT FROM assigned_user_id OR lock_expires_at IS NULL))
         OR (state <> 'LOCKED' AND (locked_by_id IS NOT NULL OR lock_expires_at IS NOT NULL)) LIMIT 5`,
  },
  {
    rule: 'no user holds more coupons of a book than its maxAssignmentsPerUser',
    sql: Prisma.sql`SELECT c.assigned_user_id::text AS user_id, c.book_id::text AS book_id, count(*)::int AS held,
        b.max_assignments_per_user AS max
      FROM coupon c JOIN book b ON b.id = c.book_id
      WHERE c.assigned_user_id IS NOT NULL AND b.max_assignments_per_user IS NOT NULL
      GROUP BY c.assigned_user_id, c.book_id, b.max_assignments_per_user
      HAVING count(*) > b.max_assignments_per_user LIMIT 5`,
  },
  {
    rule: 'the assignment counter equals the coupons the user holds in the book',
    sql: Prisma.sql`SELECT u.user_id::text, u.book_id::text, u.assigned_count, count(c.id)::int AS held
      FROM user_book_counter u
      LEFT JOIN coupon c ON c.assigned_user_id = u.user_id AND c.book_id = u.book_id
      GROUP BY u.user_id, u.book_id, u.assigned_count
      HAVING u.assigned_count <> count(c.id) LIMIT 5`,
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
    rule: 'no redemption count exceeds its limit (single-use: 1; multi: maxRedemptionsPerUser per user)',
    sql: Prisma.sql`SELECT c.id::text, c.redemption_count FROM coupon c JOIN book b ON b.id = c.book_id
      WHERE (NOT b.allow_multiple_redemptions AND c.redemption_count > 1)
         OR (b.max_redemptions_per_user IS NOT NULL AND c.redemption_count > b.max_redemptions_per_user)
      UNION ALL
      SELECT u.user_id::text, u.redeemed_count FROM user_book_counter u JOIN book b ON b.id = u.book_id
      WHERE b.max_redemptions_per_user IS NOT NULL AND u.redeemed_count > b.max_redemptions_per_user LIMIT 5`,
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
