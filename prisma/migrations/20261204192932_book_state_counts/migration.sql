-- CreateTable
CREATE TABLE "book_state_count" (
    "book_id" UUID NOT NULL,
    "state" "CouponState" NOT NULL,
    "slot" SMALLINT NOT NULL,
    "n" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "book_state_count_pkey" PRIMARY KEY ("book_id","state","slot")
);

-- AddForeignKey
ALTER TABLE "book_state_count" ADD CONSTRAINT "book_state_count_book_id_fkey" FOREIGN KEY ("book_id") REFERENCES "book"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- hand-written: the statements that change coupons keep book_state_count, in the same
-- transaction, so a read of it is as exact as counting the coupons (and as consistent: it sees
-- the same committed transitions). Inserts and deletes: statement-level triggers with transition
-- tables, so a generation chunk of 50,000 codes adds one row per state, not one write per code.
-- Updates: a row-level trigger that fires only when the state (or the book) changes, one upsert
-- of two rows, cheaper for the single-row claim, lock and redeem than a transition table. Each
-- connection writes to its own slot (backend pid modulo 32): a claim holds its slot's row until it
-- commits, and claims on other connections use other rows. A slot's n may go below zero (a code
-- counted in at one slot is counted out at another), only the sum over slots means anything.
-- The rows go in book, state order, so two statements that share a slot lock them in one order.
-- A coupon deleted with its book (a cascade) is not counted out: the book's rows go with it.
CREATE FUNCTION "book_state_count_add"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO book_state_count AS t (book_id, state, slot, n)
    SELECT book_id, state, (pg_backend_pid() % 32)::smallint, count(*)
      FROM new_rows GROUP BY book_id, state ORDER BY book_id, state
    ON CONFLICT (book_id, state, slot) DO UPDATE SET n = t.n + EXCLUDED.n;
  ELSE
    INSERT INTO book_state_count AS t (book_id, state, slot, n)
    SELECT o.book_id, o.state, (pg_backend_pid() % 32)::smallint, -count(*)
      FROM old_rows o
     WHERE EXISTS (SELECT 1 FROM book b WHERE b.id = o.book_id)
     GROUP BY o.book_id, o.state ORDER BY o.book_id, o.state
    ON CONFLICT (book_id, state, slot) DO UPDATE SET n = t.n + EXCLUDED.n;
  END IF;
  RETURN NULL;
END
$fn$;

CREATE FUNCTION "book_state_count_move"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO book_state_count AS t (book_id, state, slot, n)
  SELECT m.book_id, m.state, (pg_backend_pid() % 32)::smallint, m.delta
    FROM (VALUES (OLD.book_id, OLD.state, -1::bigint), (NEW.book_id, NEW.state, 1::bigint)) AS m (book_id, state, delta)
   ORDER BY m.book_id, m.state
  ON CONFLICT (book_id, state, slot) DO UPDATE SET n = t.n + EXCLUDED.n;
  RETURN NULL;
END
$fn$;

-- hand-written: the triggers and the first counts in one transaction, with writers held off by
-- the table lock, so no change is counted twice or missed
DO $do$
BEGIN
  LOCK TABLE "coupon" IN SHARE ROW EXCLUSIVE MODE;
  CREATE TRIGGER "coupon_state_count_insert" AFTER INSERT ON "coupon"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "book_state_count_add"();
  CREATE TRIGGER "coupon_state_count_update" AFTER UPDATE OF "state", "book_id" ON "coupon" FOR EACH ROW
    WHEN (OLD."state" IS DISTINCT FROM NEW."state" OR OLD."book_id" IS DISTINCT FROM NEW."book_id")
    EXECUTE FUNCTION "book_state_count_move"();
  CREATE TRIGGER "coupon_state_count_delete" AFTER DELETE ON "coupon"
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "book_state_count_add"();
  INSERT INTO book_state_count (book_id, state, slot, n)
  SELECT book_id, state, 0, count(*) FROM coupon GROUP BY book_id, state;
END
$do$;
