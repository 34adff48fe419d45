-- hand-written: book_state_count kept on coupon updates by a statement-level trigger with
-- transition tables, as inserts and deletes already were. The row-level trigger upserted the
-- same two slot rows once per changed coupon, and within one transaction each upsert walked the
-- growing chain of those rows' versions: one UPDATE of 10,000 coupons took 2.0 s, 20,000 took
-- 7.7 s, 40,000 took 30.8 s and 80,000 took 85 s (a distribution may give up to 1,000,000
-- coupons in one transaction). Now each statement adds its net change per book and state, one
-- row each, in book, state order, and nothing when no state changed.
CREATE FUNCTION "book_state_count_update"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO book_state_count AS t (book_id, state, slot, n)
  SELECT m.book_id, m.state, (pg_backend_pid() % 128)::smallint, sum(m.delta)
    FROM (SELECT book_id, state, -1::bigint AS delta FROM old_rows
          UNION ALL
          SELECT book_id, state, 1::bigint AS delta FROM new_rows) m
   GROUP BY m.book_id, m.state
  HAVING sum(m.delta) <> 0
   ORDER BY m.book_id, m.state
  ON CONFLICT (book_id, state, slot) DO UPDATE SET n = t.n + EXCLUDED.n;
  RETURN NULL;
END
$fn$;

-- hand-written: the old trigger out and the new one in, in one transaction with writers held off
-- by the table lock, so no change is counted twice or missed
DO $do$
BEGIN
  LOCK TABLE "coupon" IN SHARE ROW EXCLUSIVE MODE;
  DROP TRIGGER "coupon_state_count_update" ON "coupon";
  CREATE TRIGGER "coupon_state_count_update" AFTER UPDATE ON "coupon"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "book_state_count_update"();
END
$do$;

DROP FUNCTION "book_state_count_move"();
