-- hand-written: book_redemption_total kept by statement-level triggers with transition tables,
-- replacing the row-level trigger of book_redemption_totals. A statement writing many redemptions
-- (a bulk insert, a delete cascading from coupons) fired it once per row, and every firing
-- updated the same slot row again in the same transaction: each upsert then walked the row's
-- growing chain of versions, so 1,000,000 redemptions in one INSERT took more than 45 minutes of
-- PostgreSQL CPU. Now each statement adds one row per book (its net change, nothing when there is
-- none), in book order. The discount a redemption granted is the one redeem counts against a
-- discount budget: the order's discount, else a fixed amount's value, else nothing. Redemptions
-- of a book that is gone (deleted with it) are not counted: the book's rows went with it.
DROP TRIGGER "redemption_book_total" ON "redemption";
DROP FUNCTION "book_redemption_total_move"();

CREATE FUNCTION "book_redemption_total_apply"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO book_redemption_total AS t (book_id, slot, n, discount)
    SELECT b.id, (pg_backend_pid() % 128)::smallint, count(*),
           sum(COALESCE(r.discount_amount, CASE WHEN b.discount_type = 'FIXED_AMOUNT' THEN b.discount_value ELSE 0 END))
      FROM new_rows r JOIN book b ON b.id = r.book_id
     WHERE r.reversed_at IS NULL
     GROUP BY b.id ORDER BY b.id
    ON CONFLICT (book_id, slot) DO UPDATE SET n = t.n + EXCLUDED.n, discount = t.discount + EXCLUDED.discount;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO book_redemption_total AS t (book_id, slot, n, discount)
    SELECT b.id, (pg_backend_pid() % 128)::smallint, -count(*),
           -sum(COALESCE(r.discount_amount, CASE WHEN b.discount_type = 'FIXED_AMOUNT' THEN b.discount_value ELSE 0 END))
      FROM old_rows r JOIN book b ON b.id = r.book_id
     WHERE r.reversed_at IS NULL
     GROUP BY b.id ORDER BY b.id
    ON CONFLICT (book_id, slot) DO UPDATE SET n = t.n + EXCLUDED.n, discount = t.discount + EXCLUDED.discount;
  ELSE
    INSERT INTO book_redemption_total AS t (book_id, slot, n, discount)
    SELECT b.id, (pg_backend_pid() % 128)::smallint, sum(m.n),
           sum(m.n * COALESCE(m.discount_amount, CASE WHEN b.discount_type = 'FIXED_AMOUNT' THEN b.discount_value ELSE 0 END))
      FROM (SELECT book_id, -1 AS n, discount_amount FROM old_rows WHERE reversed_at IS NULL
            UNION ALL
            SELECT book_id, 1 AS n, discount_amount FROM new_rows WHERE reversed_at IS NULL) m
      JOIN book b ON b.id = m.book_id
     GROUP BY b.id
    HAVING sum(m.n) <> 0
        OR sum(m.n * COALESCE(m.discount_amount, CASE WHEN b.discount_type = 'FIXED_AMOUNT' THEN b.discount_value ELSE 0 END)) <> 0
     ORDER BY b.id
    ON CONFLICT (book_id, slot) DO UPDATE SET n = t.n + EXCLUDED.n, discount = t.discount + EXCLUDED.discount;
  END IF;
  RETURN NULL;
END
$fn$;

-- hand-written: the new triggers and a recount in one transaction, with writers held off by the
-- table lock, so no redemption is counted twice or missed
DO $do$
BEGIN
  LOCK TABLE "redemption" IN SHARE ROW EXCLUSIVE MODE;
  CREATE TRIGGER "redemption_book_total_insert" AFTER INSERT ON "redemption"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "book_redemption_total_apply"();
  CREATE TRIGGER "redemption_book_total_update" AFTER UPDATE ON "redemption"
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "book_redemption_total_apply"();
  CREATE TRIGGER "redemption_book_total_delete" AFTER DELETE ON "redemption"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "book_redemption_total_apply"();
  DELETE FROM book_redemption_total;
  INSERT INTO book_redemption_total (book_id, slot, n, discount)
  SELECT r.book_id, 0, count(*),
         sum(COALESCE(r.discount_amount, CASE WHEN b.discount_type = 'FIXED_AMOUNT' THEN b.discount_value ELSE 0 END))
    FROM redemption r JOIN book b ON b.id = r.book_id
   WHERE r.reversed_at IS NULL
   GROUP BY r.book_id;
END
$do$;
