/** Anything that runs SQL with positional parameters (a `pg` pool or client). */
export interface SqlRunner {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

export interface SearchFixtureOptions {
  /** Codes per book, books created in this order (a book's codes get consecutive ids, as a generation gives them). */
  books: number[];
  /** People (with an email) and shop customers (with an external id) who hold the assigned codes. */
  people?: number;
  customers?: number;
  /** The clock's time: assignments spread over the 90 days before it; half of the locks expired by then. */
  now: Date;
}

export interface SearchFixture {
  bookIds: string[];
  /** Book i's codes are `prefixes[i]` followed by 14 random hex digits (upper-case). */
  prefixes: string[];
}

/**
 * Fills a migrated database with a search workload by `generate_series` (a million codes in
 * about half a minute): books of random codes; about 10% of them held by random people and
 * customers (70% of those ASSIGNED, 10% LOCKED with half of the locks expired, 18% REDEEMED with a
 * redemption row, 2% VOID), assigned at random times; 5% of the redemptions reversed. Then
 * VACUUM ANALYZE, so the planner sees settled statistics and visibility maps. For the plan test
 * of coupon search and bench/tools/explain-search.ts; the rows honour every CHECK constraint
 * but not the per-user counters or the event history.
 */
export async function fillSearchFixture(sql: SqlRunner, options: SearchFixtureOptions): Promise<SearchFixture> {
  const run = `S${Date.now().toString(36).toUpperCase()}`;
  await sql.query(
    `INSERT INTO app_user (id, email, password_hash, role)
     SELECT gen_random_uuid(), lower($1) || '-shopper-' || g || '@search.test', 'not-a-hash', 'USER' FROM generate_series(1, $2::int) g`,
    [run, options.people ?? 2_000],
  );
  await sql.query(
    `INSERT INTO app_user (id, external_id, role) SELECT gen_random_uuid(), $1 || '-customer-' || g, 'USER' FROM generate_series(1, $2::int) g`,
    [run, options.customers ?? 500],
  );
  const bookIds: string[] = [];
  const prefixes: string[] = [];
  for (const [index, count] of options.books.entries()) {
    const prefix = `${run}B${index}-`;
    const result = (await sql.query(
      `INSERT INTO book (id, name, discount_type, discount_value, updated_at)
       VALUES (gen_random_uuid(), $1, 'PERCENTAGE', 10, now()) RETURNING id::text AS id`,
      [`search ${prefix}`],
    )) as { rows: Array<{ id: string }> };
    const bookId = result.rows[0].id;
    await sql.query(
      `WITH owners AS (SELECT array_agg(id) AS ids FROM app_user WHERE email LIKE lower($4) || '-%' OR external_id LIKE $4 || '-%'),
       drawn AS (
         SELECT g, random() AS x, random() AS y, random() AS z FROM generate_series(1, $3::int) g
       ),
       coupons AS (
         SELECT g, upper($2 || substr(md5(random()::text || g), 1, 14)) AS code,
                CASE WHEN x < 0.90 THEN 'UNASSIGNED' WHEN x < 0.97 THEN 'ASSIGNED' WHEN x < 0.98 THEN 'LOCKED'
                     WHEN x < 0.998 THEN 'REDEEMED' ELSE 'VOID' END::"CouponState" AS state,
                CASE WHEN x >= 0.90 THEN o.ids[1 + floor(y * cardinality(o.ids))::int] END AS owner,
                CASE WHEN x >= 0.90 THEN $5::timestamptz - z * interval '90 days' END AS assigned_at,
                y
         FROM drawn CROSS JOIN owners o
       )
       INSERT INTO coupon (book_id, code, state, assigned_user_id, assigned_at, locked_by_id, lock_expires_at, redemption_count, voided_at)
       SELECT $1::uuid, code, state, owner, assigned_at,
              CASE WHEN state = 'LOCKED' THEN owner END,
              CASE WHEN state = 'LOCKED' THEN $5::timestamptz + CASE WHEN y < 0.5 THEN interval '-1 minute' ELSE interval '4 minutes' END END,
              CASE WHEN state = 'REDEEMED' THEN 1 ELSE 0 END,
              CASE WHEN state = 'VOID' THEN $5::timestamptz END
       FROM coupons ORDER BY g`,
      [bookId, prefix, count, run, options.now],
    );
    bookIds.push(bookId);
    prefixes.push(prefix);
  }
  await sql.query(
    `INSERT INTO redemption (id, coupon_id, book_id, user_id, redeemed_at, reversed_at)
     SELECT gen_random_uuid(), c.id, c.book_id, c.assigned_user_id, c.assigned_at + random() * interval '1 day',
            CASE WHEN random() < 0.05 THEN c.assigned_at + interval '2 days' END
     FROM coupon c WHERE c.book_id = ANY($1::uuid[]) AND c.state = 'REDEEMED'`,
    [bookIds],
  );
  await sql.query('VACUUM ANALYZE app_user, book, coupon, redemption');
  return { bookIds, prefixes };
}
