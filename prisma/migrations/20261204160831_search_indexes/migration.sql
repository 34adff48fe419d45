-- DropIndex
DROP INDEX "coupon_book_id_state_idx";

-- DropIndex
DROP INDEX "redemption_book_id_redeemed_at_idx";

-- CreateIndex
CREATE INDEX "coupon_book_id_state_created_at_id_idx" ON "coupon"("book_id", "state", "created_at", "id");

-- CreateIndex
CREATE INDEX "coupon_book_id_created_at_id_idx" ON "coupon"("book_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "redemption_book_id_redeemed_at_id_idx" ON "redemption"("book_id", "redeemed_at", "id");

-- CreateIndex
CREATE INDEX "redemption_redeemed_at_id_idx" ON "redemption"("redeemed_at", "id");

-- hand-written: coupon search by code prefix (coupons(codePrefix), redemptions(codePrefix)). A
-- btree serves code LIKE 'ABC%' only when its comparison is bytewise: true under the embedded
-- cluster's C.UTF-8, false under en_US or ICU collations, common on managed servers. Rebuilt with
-- text_pattern_ops, the one unique index on code serves both the equality lookups it always did
-- (text_pattern_ops has the same = operator) and prefix ranges, in every collation, at no extra
-- write per code. Built before the old one is dropped, so codes stay unique at every moment.
-- Prisma's differ does not compare operator classes (see the header of schema.prisma).
CREATE UNIQUE INDEX "coupon_code_pattern_key" ON "coupon" ("code" text_pattern_ops);
DROP INDEX "coupon_code_key";
ALTER INDEX "coupon_code_pattern_key" RENAME TO "coupon_code_key";

-- hand-written: coupons(assignedAfter, assignedBefore), with or without a book. Partial (only
-- assigned codes carry assigned_at, unassign clears it), so generating codes writes nothing here.
CREATE INDEX "coupon_assigned_at_idx" ON "coupon" ("book_id", "assigned_at") WHERE "assigned_at" IS NOT NULL;

-- hand-written: redemptions(reversed: true), newest first. Partial: reversals are few, so this
-- stays small and makes the reversed list and its count cheap however many redemptions stand.
CREATE INDEX "redemption_reversed_idx" ON "redemption" ("redeemed_at", "id") WHERE "reversed_at" IS NOT NULL;
