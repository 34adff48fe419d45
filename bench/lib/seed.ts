import type pg from 'pg';

/** A user the benchmark made, with what a token needs. */
export interface BenchUser {
  id: string;
  email: string;
  role: 'ADMIN' | 'USER';
}

let userBatch = 0;
let bookCount = 0;

/**
 * Inserts `count` users in one statement. They never log in (the benchmark signs their tokens
 * with the API's secret), so the password hash is a placeholder rather than 100 ms of argon2 each.
 */
export async function createUsers(pool: pg.Pool, count: number, role: 'ADMIN' | 'USER' = 'USER'): Promise<BenchUser[]> {
  const batch = ++userBatch;
  const { rows } = await pool.query<BenchUser>(
    `INSERT INTO app_user (id, email, password_hash, role)
     SELECT gen_random_uuid(), 'bench-' || $1::int || '-' || g || '@bench.test', 'not-a-password-hash', $2::"Role"
     FROM generate_series(1, $3::int) AS g
     RETURNING id::text, email, role::text AS role`,
    [batch, role, count],
  );
  return rows;
}

/** A book with no validity window and no per-user limit (the benchmarks claim many per user). */
export async function createBook(pool: pg.Pool, name = `bench book ${++bookCount}`): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO book (id, name, discount_type, discount_value, updated_at)
     VALUES (gen_random_uuid(), $1, 'PERCENTAGE', 10, now()) RETURNING id::text`,
    [name],
  );
  return rows[0].id;
}

/** How many codes book `bookId` holds: what a bulk load through the API must have stored. */
export async function countCoupons(pool: pg.Pool, bookId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM coupon WHERE book_id = $1::uuid', [bookId]);
  return rows[0].n;
}

/**
 * Adds `count` codes to a book with `generate_series` (a million in a few seconds). With
 * `assignTo`, the first `assigned` of them are already ASSIGNED (round-robin over the users)
 * together with what the service would have written for them (ASSIGNED events and per-user
 * counters), so the invariant checker sees consistent history. Returns the codes' prefix:
 * codes are `<prefix><n>`, n = 1…count.
 */
export async function addCoupons(
  pool: pg.Pool,
  bookId: string,
  count: number,
  assignTo?: { userIds: string[]; assigned: number },
): Promise<string> {
  const prefix = `B${bookId.slice(0, 8).toUpperCase()}-`;
  const owners = assignTo?.userIds ?? [];
  const assigned = assignTo?.assigned ?? 0;
  await pool.query(
    `INSERT INTO coupon (book_id, code, state, assigned_user_id, assigned_at)
     SELECT $1::uuid, $2 || g,
            CASE WHEN g <= $4 THEN 'ASSIGNED'::"CouponState" ELSE 'UNASSIGNED'::"CouponState" END,
            CASE WHEN g <= $4 THEN ($5::uuid[])[1 + (g - 1) % cardinality($5::uuid[])] END,
            CASE WHEN g <= $4 THEN now() END
     FROM generate_series(1, $3::int) AS g`,
    [bookId, prefix, count, assigned, owners],
  );
  if (assigned > 0) {
    await pool.query(
      `INSERT INTO coupon_event (coupon_id, book_id, type, from_state, to_state, actor_id, user_id, created_at)
       SELECT id, book_id, 'ASSIGNED', 'UNASSIGNED', 'ASSIGNED', assigned_user_id, assigned_user_id, assigned_at
       FROM coupon WHERE book_id = $1::uuid AND state = 'ASSIGNED'`,
      [bookId],
    );
    await pool.query(
      `INSERT INTO user_book_counter (user_id, book_id, assigned_count, redeemed_count)
       SELECT assigned_user_id, book_id, count(*), 0 FROM coupon
       WHERE book_id = $1::uuid AND state = 'ASSIGNED' GROUP BY assigned_user_id, book_id`,
      [bookId],
    );
  }
  return prefix;
}

/** `count` new books of `codesPerBook` codes each, in order (every scenario's usual stock). */
export async function createStockedBooks(pool: pg.Pool, count: number, codesPerBook: number): Promise<string[]> {
  const books: string[] = [];
  for (let i = 0; i < count; i++) {
    const book = await createBook(pool);
    await addCoupons(pool, book, codesPerBook);
    books.push(book);
  }
  return books;
}

/** One book of {@link seedBooks}: `codes` codes, the first `assignTo.assigned` of them ASSIGNED (see `addCoupons`). */
export interface BookPlan {
  codes: number;
  assignTo?: { userIds: string[]; assigned: number };
}

/**
 * A scenario's usual set-up: creates one book per entry of `plan`, fills each (`addCoupons`), then
 * settles the tables (`settle`); returns the books' ids under the plan's keys.
 */
export async function seedBooks<K extends string>(pool: pg.Pool, plan: Record<K, BookPlan>): Promise<Record<K, string>> {
  const keys = Object.keys(plan) as K[];
  const books = {} as Record<K, string>;
  for (const key of keys) books[key] = await createBook(pool);
  for (const key of keys) await addCoupons(pool, books[key], plan[key].codes, plan[key].assignTo);
  await settle(pool);
  return books;
}

/** The codes a user holds in a book, in code order (lock-redeem walks them one by one). */
export async function codesByUser(pool: pg.Pool, bookId: string): Promise<Map<string, string[]>> {
  const { rows } = await pool.query<{ user_id: string; codes: string[] }>(
    `SELECT assigned_user_id::text AS user_id, array_agg(code ORDER BY id) AS codes
     FROM coupon WHERE book_id = $1::uuid AND state = 'ASSIGNED' GROUP BY assigned_user_id`,
    [bookId],
  );
  return new Map(rows.map((r) => [r.user_id, r.codes]));
}

/**
 * Fresh planner statistics and visibility map after a bulk load, so the measured path and its
 * ceiling both start from a settled table (autovacuum would otherwise kick in mid-measurement).
 */
export async function settle(pool: pg.Pool): Promise<void> {
  await pool.query('VACUUM ANALYZE');
}
