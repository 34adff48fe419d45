-- AlterTable
ALTER TABLE "webhook_delivery" ADD COLUMN     "user_id" UUID;

-- CreateIndex
CREATE INDEX "webhook_delivery_user_id_idx" ON "webhook_delivery"("user_id");

-- hand-written: the deliveries stored so far get the user their body names, and those about a
-- user erased already lose that user's email and customer id, as eraseUser now does
UPDATE "webhook_delivery" SET "user_id" = ("payload"::jsonb #>> '{data,user,id}')::uuid
WHERE "event_id" IS NOT NULL AND ("payload"::jsonb #>> '{data,user,id}') IS NOT NULL;

UPDATE "webhook_delivery" d
SET "payload" = jsonb_set(jsonb_set(d."payload"::jsonb, '{data,user,email}', 'null'), '{data,user,customerId}', 'null')::text
FROM "app_user" u
WHERE u."id" = d."user_id" AND u."erased_at" IS NOT NULL;
