-- hand-written: unassigned codes with an expiry of their own, by book and expiry. A distribution
-- counts the codes it may hand out as the unassigned ones (an index-only count over
-- coupon_unassigned_pick_idx) less the expired ones, counted here without reading the table
CREATE INDEX "coupon_unassigned_expiry_idx" ON "coupon" ("book_id", "expires_at") WHERE "state" = 'UNASSIGNED' AND "expires_at" IS NOT NULL;
