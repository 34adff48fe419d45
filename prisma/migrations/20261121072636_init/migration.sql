-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'USER');

-- CreateEnum
CREATE TYPE "CouponState" AS ENUM ('UNASSIGNED', 'ASSIGNED', 'LOCKED', 'REDEEMED');

-- CreateEnum
CREATE TYPE "DiscountType" AS ENUM ('PERCENTAGE', 'FIXED_AMOUNT');

-- CreateEnum
CREATE TYPE "DistributionMode" AS ENUM ('RANDOM', 'EQUAL');

-- CreateEnum
CREATE TYPE "CouponEventType" AS ENUM ('CREATED_BULK', 'ASSIGNED', 'LOCKED', 'UNLOCKED', 'LOCK_EXPIRED', 'REDEEMED', 'REVERSED');

-- CreateEnum
CREATE TYPE "CodeJobKind" AS ENUM ('GENERATE', 'UPLOAD');

-- CreateEnum
CREATE TYPE "CodeJobStatus" AS ENUM ('RUNNING', 'COMPLETED', 'FAILED');

-- CreateTable
CREATE TABLE "app_user" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'USER',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "book" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "discount_type" "DiscountType" NOT NULL,
    "discount_value" DECIMAL(12,2) NOT NULL,
    "valid_from" TIMESTAMPTZ(3),
    "valid_until" TIMESTAMPTZ(3),
    "max_assignments_per_user" INTEGER,
    "allow_multiple_redemptions" BOOLEAN NOT NULL DEFAULT false,
    "max_redemptions_per_user" INTEGER,
    "lock_ttl_seconds" INTEGER NOT NULL DEFAULT 300,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "book_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "coupon" (
    "id" BIGSERIAL NOT NULL,
    "book_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "state" "CouponState" NOT NULL DEFAULT 'UNASSIGNED',
    "random_key" INTEGER NOT NULL DEFAULT ((random() * (2147483647)::double precision))::integer,
    "assigned_user_id" UUID,
    "assigned_at" TIMESTAMPTZ(3),
    "locked_by_id" UUID,
    "lock_expires_at" TIMESTAMPTZ(3),
    "redemption_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coupon_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_book_counter" (
    "user_id" UUID NOT NULL,
    "book_id" UUID NOT NULL,
    "assigned_count" INTEGER NOT NULL DEFAULT 0,
    "redeemed_count" INTEGER NOT NULL DEFAULT 0,
    "max_assignments" INTEGER,
    "max_redemptions" INTEGER,

    CONSTRAINT "user_book_counter_pkey" PRIMARY KEY ("user_id","book_id")
);

-- CreateTable
CREATE TABLE "redemption" (
    "id" UUID NOT NULL,
    "coupon_id" BIGINT NOT NULL,
    "book_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "redeemed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "idempotency_key" TEXT,
    "metadata" JSONB,
    "reversed_at" TIMESTAMPTZ(3),
    "reversed_by_id" UUID,
    "reversal_reason" TEXT,

    CONSTRAINT "redemption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pool" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pool_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pool_member" (
    "pool_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pool_member_pkey" PRIMARY KEY ("pool_id","user_id")
);

-- CreateTable
CREATE TABLE "distribution" (
    "id" UUID NOT NULL,
    "pool_id" UUID NOT NULL,
    "book_id" UUID NOT NULL,
    "mode" "DistributionMode" NOT NULL,
    "requested" INTEGER NOT NULL,
    "assigned" INTEGER NOT NULL,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "distribution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "coupon_event" (
    "id" BIGSERIAL NOT NULL,
    "coupon_id" BIGINT,
    "book_id" UUID NOT NULL,
    "type" "CouponEventType" NOT NULL,
    "from_state" "CouponState",
    "to_state" "CouponState",
    "actor_id" UUID,
    "user_id" UUID,
    "redemption_id" UUID,
    "count" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "coupon_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_record" (
    "user_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_record_pkey" PRIMARY KEY ("user_id","key")
);

-- CreateTable
CREATE TABLE "code_job" (
    "id" UUID NOT NULL,
    "book_id" UUID NOT NULL,
    "kind" "CodeJobKind" NOT NULL,
    "status" "CodeJobStatus" NOT NULL DEFAULT 'RUNNING',
    "total" INTEGER NOT NULL,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "inserted" INTEGER NOT NULL DEFAULT 0,
    "duplicates" INTEGER NOT NULL DEFAULT 0,
    "invalid" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "code_job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rate_limit_bucket" (
    "key" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "rate_limit_bucket_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "app_user_email_key" ON "app_user"("email");

-- CreateIndex
CREATE INDEX "book_name_idx" ON "book"("name");

-- CreateIndex
CREATE UNIQUE INDEX "coupon_code_key" ON "coupon"("code");

-- CreateIndex
CREATE INDEX "coupon_book_id_state_idx" ON "coupon"("book_id", "state");

-- CreateIndex
CREATE INDEX "coupon_assigned_user_id_book_id_idx" ON "coupon"("assigned_user_id", "book_id");

-- CreateIndex
CREATE INDEX "redemption_book_id_redeemed_at_idx" ON "redemption"("book_id", "redeemed_at");

-- CreateIndex
CREATE INDEX "redemption_user_id_redeemed_at_idx" ON "redemption"("user_id", "redeemed_at");

-- CreateIndex
CREATE INDEX "redemption_coupon_id_idx" ON "redemption"("coupon_id");

-- CreateIndex
CREATE INDEX "pool_member_user_id_idx" ON "pool_member"("user_id");

-- CreateIndex
CREATE INDEX "distribution_book_id_idx" ON "distribution"("book_id");

-- CreateIndex
CREATE INDEX "coupon_event_coupon_id_id_idx" ON "coupon_event"("coupon_id", "id");

-- CreateIndex
CREATE INDEX "coupon_event_book_id_id_idx" ON "coupon_event"("book_id", "id");

-- AddForeignKey
ALTER TABLE "coupon" ADD CONSTRAINT "coupon_book_id_fkey" FOREIGN KEY ("book_id") REFERENCES "book"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "coupon" ADD CONSTRAINT "coupon_assigned_user_id_fkey" FOREIGN KEY ("assigned_user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_book_counter" ADD CONSTRAINT "user_book_counter_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_book_counter" ADD CONSTRAINT "user_book_counter_book_id_fkey" FOREIGN KEY ("book_id") REFERENCES "book"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "redemption" ADD CONSTRAINT "redemption_coupon_id_fkey" FOREIGN KEY ("coupon_id") REFERENCES "coupon"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "redemption" ADD CONSTRAINT "redemption_book_id_fkey" FOREIGN KEY ("book_id") REFERENCES "book"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "redemption" ADD CONSTRAINT "redemption_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pool_member" ADD CONSTRAINT "pool_member_pool_id_fkey" FOREIGN KEY ("pool_id") REFERENCES "pool"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pool_member" ADD CONSTRAINT "pool_member_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "distribution" ADD CONSTRAINT "distribution_pool_id_fkey" FOREIGN KEY ("pool_id") REFERENCES "pool"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "distribution" ADD CONSTRAINT "distribution_book_id_fkey" FOREIGN KEY ("book_id") REFERENCES "book"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "code_job" ADD CONSTRAINT "code_job_book_id_fkey" FOREIGN KEY ("book_id") REFERENCES "book"("id") ON DELETE CASCADE ON UPDATE CASCADE;
