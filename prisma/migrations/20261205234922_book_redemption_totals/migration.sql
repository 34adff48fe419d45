-- CreateTable
CREATE TABLE "book_redemption_total" (
    "book_id" UUID NOT NULL,
    "slot" SMALLINT NOT NULL,
    "n" BIGINT NOT NULL DEFAULT 0,
    "discount" DECIMAL(18,4) NOT NULL DEFAULT 0,

    CONSTRAINT "book_redemption_total_pkey" PRIMARY KEY ("book_id","slot")
);

-- AddForeignKey
ALTER TABLE "book_redemption_total" ADD CONSTRAINT "book_redemption_total_book_id_fkey" FOREIGN KEY ("book_id") REFERENCES "book"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- hand-written: book_redemption_total keeps, per book, the redemptions that stand and the
-- discount they granted, in the same transaction as the redemption rows, so `Book.redeemedTotal`
-- and `discountTotal` of a book without a budget are as exact as counting its redemptions and
-- cost a few rows, not a count of them. (A budgeted book's own counters, redeemed_total and
-- discount_total, move only while it has a budget: its redemptions take turns on the book row
-- then. These rows move for every book, without a shared row: each connection writes to its own
-- slot, its backend pid modulo 128, as book_state_count does.) The discount a redemption granted
-- is the one redeem counts against a discount budget: the order's discount, else a fixed
-- amount's value, else nothing. A row-level trigger: redemptions are written one per statement.
-- A redemption that stops standing (reversed, or deleted with its coupon) is counted out, one
-- deleted with its book is not: the book's rows go with it (the book is no longer found).
CREATE FUNCTION "book_redemption_total_move"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.reversed_at IS NULL THEN
    INSERT INTO book_redemption_total AS t (book_id, slot, n, discount)
    SELECT b.id, (pg_backend_pid() % 128)::smallint, -1,
           -COALESCE(OLD.discount_amount, CASE WHEN b.discount_type = 'FIXED_AMOUNT' THEN b.discount_value ELSE 0 END)
      FROM book b WHERE b.id = OLD.book_id
    ON CONFLICT (book_id, slot) DO UPDATE SET n = t.n + EXCLUDED.n, discount = t.discount + EXCLUDED.discount;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.reversed_at IS NULL THEN
    INSERT INTO book_redemption_total AS t (book_id, slot, n, discount)
    SELECT b.id, (pg_backend_pid() % 128)::smallint, 1,
           COALESCE(NEW.discount_amount, CASE WHEN b.discount_type = 'FIXED_AMOUNT' THEN b.discount_value ELSE 0 END)
      FROM book b WHERE b.id = NEW.book_id
    ON CONFLICT (book_id, slot) DO UPDATE SET n = t.n + EXCLUDED.n, discount = t.discount + EXCLUDED.discount;
  END IF;
  RETURN NULL;
END
$fn$;

-- hand-written: the trigger and the first totals in one transaction, with writers held off by
-- the table lock, so no redemption is counted twice or missed
DO $do$
BEGIN
  LOCK TABLE "redemption" IN SHARE ROW EXCLUSIVE MODE;
  CREATE TRIGGER "redemption_book_total" AFTER INSERT OR DELETE OR UPDATE OF "reversed_at", "book_id", "discount_amount"
    ON "redemption" FOR EACH ROW EXECUTE FUNCTION "book_redemption_total_move"();
  INSERT INTO book_redemption_total (book_id, slot, n, discount)
  SELECT r.book_id, 0, count(*),
         sum(COALESCE(r.discount_amount, CASE WHEN b.discount_type = 'FIXED_AMOUNT' THEN b.discount_value ELSE 0 END))
    FROM redemption r JOIN book b ON b.id = r.book_id
   WHERE r.reversed_at IS NULL
   GROUP BY r.book_id;
END
$do$;
