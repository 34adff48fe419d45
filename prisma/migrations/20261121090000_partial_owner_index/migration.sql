-- hand-written: the owner index only needs assigned coupons (myCoupons, per-user limits, the
-- invariant checker). As a full index every unassigned code wrote an empty entry into it, one of
-- six index writes per generated code. Prisma's schema language cannot express a partial index
-- (see the header of schema.prisma), so it is created here and not declared there.
DROP INDEX "coupon_assigned_user_id_book_id_idx";

CREATE INDEX "coupon_owner_idx" ON "coupon" ("assigned_user_id", "book_id") WHERE "assigned_user_id" IS NOT NULL;
