-- CreateEnum
CREATE TYPE "ApiKeyScope" AS ENUM ('COUPONS_READ', 'COUPONS_WRITE', 'ADMIN');

-- AlterTable
ALTER TABLE "app_user" ADD COLUMN     "external_id" TEXT,
ALTER COLUMN "email" DROP NOT NULL,
ALTER COLUMN "password_hash" DROP NOT NULL;

-- AlterTable
ALTER TABLE "book" ADD COLUMN     "currency" CHAR(3),
ADD COLUMN     "min_order_amount" DECIMAL(18,4);

-- AlterTable
ALTER TABLE "redemption" ADD COLUMN     "currency" CHAR(3),
ADD COLUMN     "discount_amount" DECIMAL(18,4),
ADD COLUMN     "order_amount" DECIMAL(18,4),
ADD COLUMN     "order_id" TEXT;

-- CreateTable
CREATE TABLE "api_key" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" BYTEA NOT NULL,
    "scopes" "ApiKeyScope"[],
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refresh_token" (
    "id" UUID NOT NULL,
    "family_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "token_hash" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "refresh_token_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_key_secret_hash_key" ON "api_key"("secret_hash");

-- CreateIndex
CREATE INDEX "api_key_created_at_idx" ON "api_key"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "refresh_token_token_hash_key" ON "refresh_token"("token_hash");

-- CreateIndex
CREATE INDEX "refresh_token_family_id_idx" ON "refresh_token"("family_id");

-- CreateIndex
CREATE INDEX "refresh_token_user_id_idx" ON "refresh_token"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_external_id_key" ON "app_user"("external_id");

-- CreateIndex
CREATE INDEX "redemption_order_id_idx" ON "redemption"("order_id");

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refresh_token" ADD CONSTRAINT "refresh_token_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- hand-written: books that already exist get a currency where one is now required (FIXED_AMOUNT).
-- The value is the setting coupons.default_currency, which the migration runner sets from the
-- DEFAULT_CURRENCY configuration, and USD when it is absent.
UPDATE "book" SET "currency" = COALESCE(NULLIF(current_setting('coupons.default_currency', true), ''), 'USD')
WHERE "discount_type" = 'FIXED_AMOUNT' AND "currency" IS NULL;

-- hand-written: a currency is three upper-case letters, and a fixed amount or a minimum order needs one
ALTER TABLE "book" ADD CONSTRAINT "book_currency_check" CHECK (
  ("currency" IS NULL OR "currency" ~ '^[A-Z]{3}$')
  AND ("discount_type" <> 'FIXED_AMOUNT' OR "currency" IS NOT NULL)
  AND ("min_order_amount" IS NULL OR ("currency" IS NOT NULL AND "min_order_amount" >= 0))
);

-- hand-written: a person has an email and a password, a shop's customer has an external id and neither
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_identity_check" CHECK (
  ("external_id" IS NULL AND "email" IS NOT NULL AND "password_hash" IS NOT NULL)
  OR ("external_id" IS NOT NULL AND char_length("external_id") >= 1 AND char_length("external_id") <= 200
      AND "email" IS NULL AND "password_hash" IS NULL AND "role" = 'USER')
);

-- hand-written: an order is recorded whole (id, amount, discount, currency) or not at all, and
-- the discount is never more than the order
ALTER TABLE "redemption" ADD CONSTRAINT "redemption_order_check" CHECK (
  ("order_id" IS NULL AND "order_amount" IS NULL AND "discount_amount" IS NULL AND "currency" IS NULL)
  OR ("order_id" IS NOT NULL AND "order_amount" IS NOT NULL AND "discount_amount" IS NOT NULL
      AND "currency" IS NOT NULL AND "order_amount" >= 0 AND "discount_amount" >= 0
      AND "discount_amount" <= "order_amount" AND "currency" ~ '^[A-Z]{3}$')
);

-- hand-written: one order redeems a coupon at most once while that redemption stands. The redeem
-- transition decides this under the coupon's row lock (a repeat is answered as a retry), so the
-- index is only the safety net. Partial, so it is not declared in schema.prisma (see its header).
CREATE UNIQUE INDEX "redemption_coupon_order_key" ON "redemption" ("coupon_id", "order_id")
WHERE "order_id" IS NOT NULL AND "reversed_at" IS NULL;

-- hand-written: a key has at least one scope
ALTER TABLE "api_key" ALTER COLUMN "scopes" SET NOT NULL;
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_scopes_check" CHECK (cardinality("scopes") > 0);

-- hand-written: a refresh token expires after it is made
ALTER TABLE "refresh_token" ADD CONSTRAINT "refresh_token_expiry_check" CHECK ("expires_at" > "created_at");
