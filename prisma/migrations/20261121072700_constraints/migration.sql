-- hand-written: what schema.prisma cannot express. CHECK constraints are invisible to Prisma's
-- diff, so they never show up as drift. Partial indexes are declared in schema.prisma too
-- (see the comment there), which keeps the drift check clean.
-- Keep semicolons out of comments and string literals in this file: the driver adapter that
-- applies migrations splits the script on every semicolon.

-- hand-written: stored lower-cased, so the plain unique index is case-insensitive
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_email_lower_check" CHECK ("email" = lower("email"));

-- hand-written: stored upper-cased (lookups upper-case their input), never empty
ALTER TABLE "coupon" ADD CONSTRAINT "coupon_code_upper_check" CHECK ("code" = upper("code") AND "code" <> '');

-- hand-written: redemption count never negative
ALTER TABLE "coupon" ADD CONSTRAINT "coupon_redemption_count_check" CHECK ("redemption_count" >= 0);

-- hand-written: a coupon has an owner exactly when it is not UNASSIGNED
ALTER TABLE "coupon" ADD CONSTRAINT "coupon_assignment_check" CHECK (("state" = 'UNASSIGNED') = ("assigned_user_id" IS NULL));

-- hand-written: a LOCKED coupon is locked by its owner, until a known time
ALTER TABLE "coupon" ADD CONSTRAINT "coupon_lock_check" CHECK (
  "state" <> 'LOCKED' OR ("locked_by_id" IS NOT NULL AND "locked_by_id" = "assigned_user_id" AND "lock_expires_at" IS NOT NULL)
);

-- hand-written: only a LOCKED coupon carries lock fields
ALTER TABLE "coupon" ADD CONSTRAINT "coupon_unlocked_check" CHECK (
  "state" = 'LOCKED' OR ("locked_by_id" IS NULL AND "lock_expires_at" IS NULL)
);

-- hand-written: the random pick starts at a random point of this index and takes the next
-- unassigned rows (FOR UPDATE SKIP LOCKED), so it is O(log n) and shrinks as the book sells
CREATE INDEX "coupon_unassigned_pick_idx" ON "coupon" ("book_id", "random_key") WHERE "state" = 'UNASSIGNED';

-- hand-written: the lock sweeper scans only LOCKED coupons, by expiry
CREATE INDEX "coupon_lock_expiry_idx" ON "coupon" ("lock_expires_at") WHERE "state" = 'LOCKED';

-- hand-written: counters are never negative and never exceed the limits copied next to them
ALTER TABLE "user_book_counter" ADD CONSTRAINT "user_book_counter_counts_check" CHECK ("assigned_count" >= 0 AND "redeemed_count" >= 0);
ALTER TABLE "user_book_counter" ADD CONSTRAINT "user_book_counter_max_assignments_check" CHECK ("max_assignments" IS NULL OR "assigned_count" <= "max_assignments");
ALTER TABLE "user_book_counter" ADD CONSTRAINT "user_book_counter_max_redemptions_check" CHECK ("max_redemptions" IS NULL OR "redeemed_count" <= "max_redemptions");

-- hand-written: book settings that no code path may get wrong
ALTER TABLE "book" ADD CONSTRAINT "book_lock_ttl_check" CHECK ("lock_ttl_seconds" BETWEEN 1 AND 86400);
ALTER TABLE "book" ADD CONSTRAINT "book_discount_value_check" CHECK ("discount_value" >= 0);
ALTER TABLE "book" ADD CONSTRAINT "book_percentage_check" CHECK ("discount_type" <> 'PERCENTAGE' OR "discount_value" <= 100);
ALTER TABLE "book" ADD CONSTRAINT "book_max_assignments_check" CHECK ("max_assignments_per_user" IS NULL OR "max_assignments_per_user" >= 1);
ALTER TABLE "book" ADD CONSTRAINT "book_max_redemptions_check" CHECK ("max_redemptions_per_user" IS NULL OR "max_redemptions_per_user" >= 1);
ALTER TABLE "book" ADD CONSTRAINT "book_validity_window_check" CHECK ("valid_from" IS NULL OR "valid_until" IS NULL OR "valid_from" < "valid_until");

-- hand-written: a distribution never assigns more than requested
ALTER TABLE "distribution" ADD CONSTRAINT "distribution_counts_check" CHECK ("requested" >= 0 AND "assigned" >= 0 AND "assigned" <= "requested");

-- hand-written: code job progress counters are never negative
ALTER TABLE "code_job" ADD CONSTRAINT "code_job_counts_check" CHECK (
  "total" >= 0 AND "processed" >= 0 AND "inserted" >= 0 AND "duplicates" >= 0 AND "invalid" >= 0
);

-- hand-written: a reversal is recorded whole (reversed_at set) or not at all
ALTER TABLE "redemption" ADD CONSTRAINT "redemption_reversal_check" CHECK (
  "reversed_at" IS NOT NULL OR ("reversed_by_id" IS NULL AND "reversal_reason" IS NULL)
);

-- hand-written: an idempotency key redeems once per user
CREATE UNIQUE INDEX "redemption_user_id_idempotency_key_key" ON "redemption" ("user_id", "idempotency_key") WHERE "idempotency_key" IS NOT NULL;

-- hand-written: case-insensitive book search and ordering by name
CREATE INDEX "book_lower_name_idx" ON "book" (lower("name"));
