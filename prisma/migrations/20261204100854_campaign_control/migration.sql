-- CreateEnum
CREATE TYPE "BookStatus" AS ENUM ('ACTIVE', 'PAUSED', 'ARCHIVED');

-- CreateEnum
CREATE TYPE "DistributionRemainder" AS ENUM ('RANDOM_MEMBERS', 'LEAVE_IN_BOOK');

-- AlterEnum
-- (Prisma: this migration adds more than one value to an enum, which PostgreSQL 12+ allows)
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "CouponEventType" ADD VALUE 'VOIDED';
ALTER TYPE "CouponEventType" ADD VALUE 'UNASSIGNED';
ALTER TYPE "CouponEventType" ADD VALUE 'UPDATED';

-- AlterEnum
ALTER TYPE "CouponState" ADD VALUE 'VOID';

-- AlterTable
ALTER TABLE "app_user" ADD COLUMN     "disabled_at" TIMESTAMPTZ(3),
ADD COLUMN     "erased_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "book" ADD COLUMN     "discount_total" DECIMAL(18,4) NOT NULL DEFAULT 0,
ADD COLUMN     "max_total_discount_amount" DECIMAL(18,4),
ADD COLUMN     "max_total_redemptions" INTEGER,
ADD COLUMN     "redeemed_total" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "status" "BookStatus" NOT NULL DEFAULT 'ACTIVE',
ADD COLUMN     "status_changed_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "coupon" ADD COLUMN     "expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "max_redemptions" INTEGER,
ADD COLUMN     "metadata" JSONB,
ADD COLUMN     "voided_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "coupon_event" ADD COLUMN     "reason" TEXT;

-- AlterTable
ALTER TABLE "distribution" ADD COLUMN     "remainder" "DistributionRemainder";

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "actor_id" UUID,
    "api_key_id" UUID,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "changes" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_log_created_at_idx" ON "audit_log"("created_at");

-- CreateIndex
CREATE INDEX "audit_log_target_type_target_id_id_idx" ON "audit_log"("target_type", "target_id", "id");

-- CreateIndex
CREATE INDEX "audit_log_actor_id_id_idx" ON "audit_log"("actor_id", "id");

-- hand-written: the budget counters start from what each book has already redeemed
UPDATE "book" b SET
  "redeemed_total" = r.n,
  "discount_total" = r.discount
FROM (
  SELECT "book_id", count(*)::int AS n, COALESCE(sum("discount_amount"), 0) AS discount
  FROM "redemption" WHERE "reversed_at" IS NULL GROUP BY "book_id"
) r
WHERE r."book_id" = b."id";

-- hand-written: budgets are positive, in the book's currency, and never overspent
ALTER TABLE "book" ADD CONSTRAINT "book_budget_check" CHECK (
  "redeemed_total" >= 0 AND "discount_total" >= 0
  AND ("max_total_redemptions" IS NULL OR ("max_total_redemptions" > 0 AND "redeemed_total" <= "max_total_redemptions"))
  AND ("max_total_discount_amount" IS NULL
       OR ("max_total_discount_amount" > 0 AND "currency" IS NOT NULL AND "discount_total" <= "max_total_discount_amount"))
);

-- hand-written: a per-code use limit is positive
ALTER TABLE "coupon" ADD CONSTRAINT "coupon_max_redemptions_check" CHECK ("max_redemptions" IS NULL OR "max_redemptions" > 0);

-- hand-written: a VOID coupon says when it was voided, and only a VOID one does. The state is
-- compared as text: an enum value added by this migration cannot be named inside it.
ALTER TABLE "coupon" ADD CONSTRAINT "coupon_void_check" CHECK (("state"::text = 'VOID') = ("voided_at" IS NOT NULL));

-- hand-written: only EQUAL distributions have a remainder rule
ALTER TABLE "distribution" ADD CONSTRAINT "distribution_remainder_check" CHECK ("remainder" IS NULL OR "mode" = 'EQUAL');

-- hand-written: an erased user keeps only their id (their redemptions and history stay, anonymous)
ALTER TABLE "app_user" DROP CONSTRAINT "app_user_identity_check";
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_identity_check" CHECK (
  ("erased_at" IS NULL AND "external_id" IS NULL AND "email" IS NOT NULL AND "password_hash" IS NOT NULL)
  OR ("erased_at" IS NULL AND "external_id" IS NOT NULL AND char_length("external_id") >= 1 AND char_length("external_id") <= 200
      AND "email" IS NULL AND "password_hash" IS NULL AND "role" = 'USER')
  OR ("erased_at" IS NOT NULL AND "email" IS NULL AND "password_hash" IS NULL AND "external_id" IS NULL AND "role" = 'USER')
);

-- hand-written: a VOID coupon may or may not have had an owner (a leaked code is often unassigned)
ALTER TABLE "coupon" DROP CONSTRAINT "coupon_assignment_check";
ALTER TABLE "coupon" ADD CONSTRAINT "coupon_assignment_check" CHECK (
  "state"::text = 'VOID' OR (("state" = 'UNASSIGNED') = ("assigned_user_id" IS NULL))
);
